package boltdb

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strconv"
	"strings"

	bolt "go.etcd.io/bbolt"

	"casebank/corpus"
)

// ApplyImport writes a planned report import (see report.Plan). Every step
// is checked first as its write will check it; a plan with any bad step is
// refused whole, naming its lines, and nothing is stored. The writes then go
// into one transaction: a report is small (its request at most 2 MB), and
// it is stored whole or not at all. A case changed since the plan read it
// (its version differs) refuses the import.
func (s *Store) ApplyImport(ctx context.Context, steps []corpus.ImportStep, opts corpus.ImportOptions) (*corpus.ImportResult, error) {
	if err := s.checkImport(steps, opts.MaxErrors); err != nil {
		return nil, err
	}
	// The versions the plan read, then those this import writes.
	version := map[string]int{}
	res := &corpus.ImportResult{}
	if opts.Progress != nil {
		opts.Progress(0, len(steps))
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		for i, st := range steps {
			if err := ctx.Err(); err != nil {
				return err
			}
			if st.NewBank != nil {
				b := *st.NewBank
				if err := s.putBank(tx, &b, opts.By); err != nil {
					return fmt.Errorf("import: line %d: new bank %s: %w", st.Line, st.NewBank.Name, err)
				}
				res.NewBanks = append(res.NewBanks, b)
			}
			switch st.Action {
			case corpus.ImportMerge:
				v, ok := version[st.Case.ID]
				if !ok {
					v = st.Case.Version
				}
				updated, err := s.updateCase(tx, st.Case, v, opts.By, writeNote{op: corpus.HistUpdate})
				if err != nil {
					return fmt.Errorf("import: line %d: %w", st.Line, err)
				}
				version[st.Case.ID] = updated.Version
			case corpus.ImportCreate:
				created, err := s.createCase(tx, st.Case, opts.By, nil)
				if err != nil {
					return fmt.Errorf("import: line %d: %w", st.Line, err)
				}
				version[created.ID] = created.Version
			}
			res.Add(st.Where, st.Action)
			if opts.Progress != nil {
				opts.Progress(i+1, len(steps))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// CheckImport runs on every step of a planned report import the checks
// ApplyImport runs, writing nothing: the refusal ApplyImport would give now.
func (s *Store) CheckImport(ctx context.Context, steps []corpus.ImportStep) error {
	return s.checkImport(steps, 0)
}

func (s *Store) checkImport(steps []corpus.ImportStep, maxErrors int) error {
	t, err := s.Taxonomy()
	if err != nil {
		return err
	}
	ids, err := s.caseIDs()
	if err != nil {
		return err
	}
	return checkReport(steps, ids, t, maxErrors)
}

// caseIDs returns the ids of the stored cases.
func (s *Store) caseIDs() (map[string]bool, error) {
	ids := map[string]bool{}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketCases).ForEach(func(k, _ []byte) error {
			ids[string(k)] = true
			return nil
		})
	})
	return ids, err
}

// checkReport runs on every step the checks its write will run.
func checkReport(steps []corpus.ImportStep, ids map[string]bool, t *corpus.Taxonomy, maxErrors int) error {
	bad := badLines{max: maxErrors}
	for _, st := range steps {
		var errs []error
		if st.NewBank != nil {
			b := *st.NewBank
			b.Normalize()
			errs = append(errs, b.Validate(t))
		}
		if st.Action != corpus.ImportSame {
			cs := *st.Case
			cs.Normalize()
			errs = append(errs, cs.Validate(t))
		}
		if st.Action == corpus.ImportCreate {
			if ids[st.Case.ID] {
				errs = append(errs, &corpus.Error{Code: corpus.EINVALID, Message: fmt.Sprintf("case %q already exists", st.Case.ID),
					Fields: []corpus.FieldError{{Field: "id", Message: fmt.Sprintf("case %q already exists under another source key", st.Case.ID)}}})
			}
			ids[st.Case.ID] = true
		}
		if err := joinInvalid(errs); err != nil {
			bad.add(st.Line, err)
		}
	}
	return bad.err()
}

// joinInvalid merges the fields of invalid errors into one.
func joinInvalid(errs []error) error {
	var all *corpus.Error
	for _, err := range errs {
		var ce *corpus.Error
		if !errors.As(err, &ce) {
			continue
		}
		if all == nil {
			all = &corpus.Error{Code: ce.Code, Message: ce.Message}
		}
		all.Fields = append(all.Fields, ce.Fields...)
	}
	if all == nil {
		return nil
	}
	return all
}

// importBatch is how many JSONL lines go into one transaction: a crash
// keeps whole batches, and one fsync per batch keeps big imports fast.
const importBatch = 1000

// ImportJSONL reads records in the export format (banks, cases and
// policies, one per line) and creates or replaces them by id; lines equal to
// the stored record change nothing.
//
// Every line is checked first, as its write will check it (decoding, the
// limits, the taxonomy, the bank a case names), and an import with any bad
// line is refused whole, naming the lines: nothing is stored. Only then are
// the lines written, a batch per transaction, so that a large file does not
// sit in memory or in one transaction whole. The input is read twice: a
// reader that cannot seek back (a pipe) is copied to a temporary file first.
// Progress gets the lines written and the lines of the file (blank ones
// included), counted by the check.
func (s *Store) ImportJSONL(ctx context.Context, r io.Reader, opts corpus.ImportOptions) (*corpus.ImportResult, error) {
	in, done, err := rereadable(r)
	if err != nil {
		return nil, err
	}
	defer done()
	start, err := in.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	total, err := s.checkJSONL(ctx, in, opts.MaxErrors)
	if err != nil {
		return nil, err
	}
	if _, err := in.Seek(start, io.SeekStart); err != nil {
		return nil, fmt.Errorf("import: read again: %w", err)
	}
	return s.writeJSONL(ctx, in, total, opts)
}

// rereadable returns r if it can seek, else a temporary copy of it; done
// removes the copy.
func rereadable(r io.Reader) (io.ReadSeeker, func(), error) {
	if rs, ok := r.(io.ReadSeeker); ok {
		if _, err := rs.Seek(0, io.SeekCurrent); err == nil {
			return rs, func() {}, nil
		}
	}
	f, err := os.CreateTemp("", "casebank-import-*.jsonl")
	if err != nil {
		return nil, nil, fmt.Errorf("import: a temporary copy of the input: %w", err)
	}
	done := func() { f.Close(); os.Remove(f.Name()) }
	if _, err := io.Copy(f, r); err != nil {
		done()
		return nil, nil, fmt.Errorf("import: read: %w", err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		done()
		return nil, nil, fmt.Errorf("import: %w", err)
	}
	return f, done, nil
}

// eachBatch calls fn with up to importBatch lines at a time, numbered from
// first (1-based); a leading byte order mark is dropped.
func eachBatch(ctx context.Context, r io.Reader, fn func(first int, lines [][]byte) error) error {
	in := bufio.NewReaderSize(r, 1<<16)
	bom, done := true, 0
	for eof := false; !eof; {
		if err := ctx.Err(); err != nil {
			return err
		}
		var lines [][]byte
		for len(lines) < importBatch {
			line, err := in.ReadBytes('\n')
			if err == io.EOF {
				eof = true
			} else if err != nil {
				return fmt.Errorf("import: read: %w", err)
			}
			if bom {
				line, bom = bytes.TrimPrefix(line, []byte("\ufeff")), false
			}
			if len(line) > 0 || !eof {
				lines = append(lines, line)
			}
			if eof {
				break
			}
		}
		if len(lines) == 0 {
			break
		}
		if err := fn(done+1, lines); err != nil {
			return err
		}
		done += len(lines)
	}
	return nil
}

// writeJSONL writes checked lines a batch per transaction. Only what the
// check could not foresee (a concurrent write, a full disk) stops it, after
// the last whole batch.
func (s *Store) writeJSONL(ctx context.Context, r io.Reader, total int, opts corpus.ImportOptions) (*corpus.ImportResult, error) {
	res := &corpus.ImportResult{}
	if opts.Progress != nil {
		opts.Progress(0, total)
	}
	err := eachBatch(ctx, r, func(first int, lines [][]byte) error {
		batch := &corpus.ImportResult{}
		err := s.db.Update(func(tx *bolt.Tx) error {
			for i, line := range lines {
				if err := s.importLine(tx, bytes.TrimSpace(line), opts.By, batch); err != nil {
					return fmt.Errorf("line %d: %w", first+i, err)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		// Each batch maps the pages its writes passed through; 100,000
		// cases would keep the whole file resident.
		s.ReleaseMapped()
		res.Merge(batch)
		if opts.Progress != nil {
			opts.Progress(first+len(lines)-1, total)
		}
		return nil
	})
	return res, err
}

// CheckJSONL runs on every line of r the checks ImportJSONL runs, writing
// nothing: the refusal an import of r would give now. lines is what the
// import's progress counts to.
func (s *Store) CheckJSONL(ctx context.Context, r io.Reader) (lines int, err error) {
	return s.checkJSONL(ctx, r, 0)
}

// checkJSONL runs on every line the checks its write would run, against the
// store as it is now and the banks of the lines before it, and refuses the
// import if any line fails, naming up to maxErrors bad fields.
func (s *Store) checkJSONL(ctx context.Context, r io.Reader, maxErrors int) (lines int, err error) {
	bad := badLines{max: maxErrors}
	err = s.db.View(func(tx *bolt.Tx) error {
		t, err := s.taxonomyIn(tx)
		if err != nil {
			return err
		}
		ck := &importCheck{tx: tx, tax: t, banks: map[string]bool{}}
		return eachBatch(ctx, r, func(first int, batch [][]byte) error {
			lines = first + len(batch) - 1
			for i, line := range batch {
				err := ck.line(bytes.TrimSpace(line))
				if corpus.ErrorCode(err) == corpus.EINVALID {
					bad.add(first+i, err)
				} else if err != nil {
					return fmt.Errorf("line %d: %w", first+i, err)
				}
			}
			return nil
		})
	})
	if err != nil {
		return 0, err
	}
	return lines, bad.err()
}

// importCheck is the state of checkJSONL: the banks earlier lines create.
type importCheck struct {
	tx    *bolt.Tx
	tax   *corpus.Taxonomy
	banks map[string]bool
}

func (ck *importCheck) line(line []byte) error {
	if len(line) == 0 {
		return nil
	}
	if c, ok := caseLine(line); ok {
		return ck.checkCase(c)
	}
	kind, err := lineKind(line)
	if err != nil {
		return err
	}
	switch kind {
	case corpus.KindCase, "":
		var c corpus.Case
		if err := decodeStrict(line, &c); err != nil {
			return err
		}
		return ck.checkCase(&c)
	case corpus.KindPolicy:
		var p corpus.Policy
		if err := decodeStrict(line, &p); err != nil {
			return err
		}
		old, _ := getPolicy(ck.tx, p.ID)
		p.Normalize()
		err := p.Validate(ck.tax)
		if err != nil && old != nil {
			x, y := *old, p
			x.Version, y.Version, x.Created, y.Created, x.Updated, y.Updated = 0, 0, nil, nil, nil, nil
			if reflect.DeepEqual(x, y) {
				return nil
			}
		}
		return err
	case corpus.KindBank:
		var b corpus.Bank
		if err := decodeStrict(line, &b); err != nil {
			return err
		}
		b.Kind = ""
		if old, _ := getBank(ck.tx, b.ID); old != nil && reflect.DeepEqual(*old, b) {
			ck.banks[b.ID] = true
			return nil
		}
		b.Normalize()
		if err := b.Validate(ck.tax); err != nil {
			return err
		}
		ck.banks[b.ID] = true
		return nil
	default:
		return corpus.Errorf(corpus.EINVALID, "unknown kind %s (bank, case or policy)", corpus.QuoteShort(kind))
	}
}

// bank checks that a case's bank is stored, made by an earlier line, or
// given inline in full (ensureBank then creates it).
func (ck *importCheck) bank(b *corpus.Bank) error {
	if ck.banks[b.ID] || ck.tx.Bucket(bucketBanks).Get([]byte(b.ID)) != nil {
		return nil
	}
	if b.Name == "" && b.Type == "" && b.Region == "" {
		return &corpus.Error{Code: corpus.EINVALID, Message: fmt.Sprintf("invalid case: bank %q is not in the registry; give its name, type and region to create it", b.ID),
			Fields: []corpus.FieldError{{Field: "bank.id", Message: "unknown bank"}}}
	}
	inline := *b
	inline.Normalize()
	if err := inline.Validate(ck.tax); err != nil {
		return err
	}
	ck.banks[b.ID] = true
	return nil
}

// shownLines is how many bad lines, and bad fields of a line, the refusal
// of an import names in full (corpus errors name as many values).
const shownLines = 5

// badLines gathers the lines of an import that fail their check: the bad
// fields of the first ones in full (max of them, shownLines when 0), the
// rest counted, so that the refusal stays short. Fields holds those fields,
// each with its line; the message names the first line's.
type badLines struct {
	n     int
	max   int
	first []corpus.FieldError
	msg   string
}

func (b *badLines) add(line int, err error) {
	b.n++
	if b.max <= 0 {
		b.max = shownLines
	}
	if len(b.first) >= b.max {
		return
	}
	at := "line " + strconv.Itoa(line)
	var ce *corpus.Error
	if !errors.As(err, &ce) || len(ce.Fields) == 0 {
		// A line that does not decode is malformed rather than invalid:
		// the message names it, no field does.
		msg := corpus.ErrorMessage(err)
		if b.msg == "" {
			b.msg = at + ": " + msg
		}
		return
	}
	// The line's fields, each named with the line, and the first few of
	// them in the message.
	var parts []string
	for i, f := range ce.Fields {
		if i < shownLines {
			parts = append(parts, f.Field+": "+f.Message)
		}
		if len(b.first) < b.max {
			b.first = append(b.first, corpus.FieldError{Line: line, Field: f.Field, Message: f.Message, Allowed: f.Allowed})
		}
	}
	if b.msg == "" {
		b.msg = at + ": " + strings.Join(parts, "; ")
		if n := len(ce.Fields) - len(parts); n > 0 {
			b.msg += fmt.Sprintf(" and %d more", n)
		}
	}
}

// err is the refusal of the whole import, nil when no line was bad.
func (b *badLines) err() error {
	switch b.n {
	case 0:
		return nil
	case 1:
		return &corpus.Error{Code: corpus.EINVALID, Message: "invalid import, nothing was stored: " + b.msg, Fields: b.first}
	default:
		return &corpus.Error{Code: corpus.EINVALID, Message: fmt.Sprintf("invalid import, nothing was stored: %d lines are invalid; the first: %s", b.n, b.msg), Fields: b.first}
	}
}

// checkCase checks a case line's case as the write pass will store it.
func (ck *importCheck) checkCase(c *corpus.Case) error {
	cs := *c
	cs.Normalize()
	err := identifyBank(ck.tx, &cs.Bank, ck.tax)
	if err == nil {
		err = cs.Validate(ck.tax)
	}
	if err == nil {
		err = ck.bank(&cs.Bank)
	}
	// A line equal to its stored case is not written, so not checked.
	if err != nil && c.ID != "" {
		if old, gerr := getCase(ck.tx, c.ID); gerr == nil && sameCase(old, c) {
			return nil
		}
	}
	return err
}

// caseLine decodes line when it is a well-formed case, the common line of
// an import: reading the kind first parsed each of them twice. Any other
// line is for lineKind and the strict decoding of its kind, which report
// what is wrong with it.
func caseLine(line []byte) (*corpus.Case, bool) {
	var c corpus.Case
	dec := strictDecoder(line)
	if dec.Decode(&c) != nil || len(bytes.TrimSpace(line[dec.InputOffset():])) > 0 {
		return nil, false
	}
	if c.Kind != "" && c.Kind != corpus.KindCase {
		return nil, false
	}
	return &c, true
}

// lineKind reads the kind a JSONL line says it is ("" for a case).
func lineKind(line []byte) (string, error) {
	var head struct {
		Kind string `json:"kind"`
	}
	if err := json.Unmarshal(line, &head); err != nil {
		return "", corpus.Errorf(corpus.EINVALID, "%v", err)
	}
	return head.Kind, nil
}

func (s *Store) importLine(tx *bolt.Tx, line []byte, by string, res *corpus.ImportResult) error {
	if len(line) == 0 {
		return nil
	}
	if c, ok := caseLine(line); ok {
		outcome, err := s.importCase(tx, c, by)
		if err != nil {
			return err
		}
		res.Add(corpus.KindCase, outcome)
		return nil
	}
	kind, err := lineKind(line)
	if err != nil {
		return err
	}
	var outcome string
	switch kind {
	case corpus.KindCase, "":
		kind = corpus.KindCase
		outcome, err = s.importCaseLine(tx, line, by)
	case corpus.KindPolicy:
		outcome, err = s.importPolicyLine(tx, line, by)
	case corpus.KindBank:
		outcome, err = s.importBankLine(tx, line, by)
	default:
		err = corpus.Errorf(corpus.EINVALID, "unknown kind %s (bank, case or policy)", corpus.QuoteShort(kind))
	}
	if err != nil {
		return err
	}
	res.Add(kind, outcome)
	return nil
}

// strictDecoder reads a line's first JSON value, refusing unknown fields.
func strictDecoder(line []byte) *json.Decoder {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	return dec
}

func decodeStrict(line []byte, v any) error {
	if err := strictDecoder(line).Decode(v); err != nil {
		return corpus.Errorf(corpus.EINVALID, "%v", err)
	}
	return nil
}

// importCaseLine creates or replaces a case; it returns what it did.
func (s *Store) importCaseLine(tx *bolt.Tx, line []byte, by string) (string, error) {
	var c corpus.Case
	if err := decodeStrict(line, &c); err != nil {
		return "", err
	}
	return s.importCase(tx, &c, by)
}

// importCase creates or replaces a case decoded from a line.
func (s *Store) importCase(tx *bolt.Tx, c *corpus.Case, by string) (string, error) {
	var old *corpus.Case
	var err error
	if c.ID != "" {
		old, err = getCase(tx, c.ID)
	}
	switch {
	case c.ID != "" && corpus.ErrorCode(err) == corpus.ENOTFOUND || c.ID == "":
		// A new case keeps the version and stamps it was exported with, so
		// that an export restores to the same bytes.
		if _, err := s.createCaseKeeping(tx, c, by, writeNote{op: corpus.HistCreate}); err != nil {
			return "", err
		}
		return corpus.ImportCreate, nil
	case err != nil:
		return "", err
	case sameCase(old, c):
		return corpus.ImportSame, nil
	default:
		if _, err := s.updateCase(tx, c, 0, by, writeNote{op: corpus.HistUpdate, note: "import"}); err != nil {
			return "", err
		}
		return corpus.ImportMerge, nil
	}
}

// sameCase compares the content of two cases, ignoring the bookkeeping
// fields that a store sets.
func sameCase(a, b *corpus.Case) bool {
	x, y := *a, *b
	x.Normalize()
	y.Normalize()
	x.Version, y.Version = 0, 0
	x.Created, y.Created, x.Updated, y.Updated = nil, nil, nil, nil
	x.Bank, y.Bank = corpus.Bank{ID: x.Bank.ID}, corpus.Bank{ID: y.Bank.ID}
	return reflect.DeepEqual(x, y)
}

func (s *Store) importPolicyLine(tx *bolt.Tx, line []byte, by string) (string, error) {
	var p corpus.Policy
	if err := decodeStrict(line, &p); err != nil {
		return "", err
	}
	old, err := getPolicy(tx, p.ID)
	if err == nil {
		x, y := *old, p
		x.Version, y.Version, x.Created, y.Created, x.Updated, y.Updated = 0, 0, nil, nil, nil, nil
		if len(y.Themes) == 0 {
			y.Themes = []string{}
		}
		if reflect.DeepEqual(x, y) {
			return corpus.ImportSame, nil
		}
	} else if corpus.ErrorCode(err) != corpus.ENOTFOUND {
		return "", err
	}
	if err := s.putPolicy(tx, &p, by); err != nil {
		return "", err
	}
	if old != nil {
		return corpus.ImportMerge, nil
	}
	return corpus.ImportCreate, nil
}

func (s *Store) importBankLine(tx *bolt.Tx, line []byte, by string) (string, error) {
	var b corpus.Bank
	if err := decodeStrict(line, &b); err != nil {
		return "", err
	}
	b.Kind = ""
	old, err := getBank(tx, b.ID)
	if err == nil && reflect.DeepEqual(*old, b) {
		return corpus.ImportSame, nil
	} else if err != nil && corpus.ErrorCode(err) != corpus.ENOTFOUND {
		return "", err
	}
	if err := s.putBank(tx, &b, by); err != nil {
		return "", err
	}
	if old != nil {
		return corpus.ImportMerge, nil
	}
	return corpus.ImportCreate, nil
}
