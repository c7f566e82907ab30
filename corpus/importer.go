package corpus

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// ImportResult counts what an import did, per table or section.
type ImportResult struct {
	Sources  []SourceCount `json:"sources"`
	Merged   int           `json:"merged"`    // existing records that took the report's excerpt or the line's content
	Created  int           `json:"created"`   // new records
	Same     int           `json:"unchanged"` // records already as imported
	NewBanks []Bank        `json:"new_banks"` // banks not in the registry, created with guessed type and region
}

// SourceCount is one table's or section's line of an import report; lines
// keep the order in which the report presents them.
type SourceCount struct {
	Where   string `json:"where"`
	Found   int    `json:"found"`
	Merged  int    `json:"merged"`
	Created int    `json:"created"`
	Same    int    `json:"unchanged"`
}

// Changed reports whether the import wrote anything.
func (r *ImportResult) Changed() bool { return r.Merged+r.Created > 0 || len(r.NewBanks) > 0 }

func (r *ImportResult) count(where string, f func(*SourceCount)) {
	for i := range r.Sources {
		if r.Sources[i].Where == where {
			f(&r.Sources[i])
			return
		}
	}
	r.Sources = append(r.Sources, SourceCount{Where: where})
	f(&r.Sources[len(r.Sources)-1])
}

// ImportOptions configure an import.
type ImportOptions struct {
	By       string                // recorded as the author of every change
	Progress func(done, total int) // called after each record, if set
}

// IsJSONL reports whether data looks like JSON Lines rather than report text.
func IsJSONL(data []byte) bool {
	return bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n\ufeff"), []byte("{"))
}

// ImportReport parses report text and merges each case-shaped item into the
// case with the same source key, attaching the report's text as the excerpt;
// items without a curated case become new cases. Importing the same report
// again changes nothing.
//
// Every item is checked first as its write will check it; a report with any
// bad item is refused whole, naming its lines, and nothing is stored. The
// writes then go into one transaction: a report is small (its request at
// most 2 MB), and it is stored whole or not at all.
func (s *Store) ImportReport(ctx context.Context, r io.Reader, opts ImportOptions) (*ImportResult, error) {
	rep, err := ParseReport(r)
	if err != nil {
		return nil, err
	}
	banks, err := s.FindBanks(ctx)
	if err != nil {
		return nil, err
	}
	existing, err := s.FindCases(ctx, Filter{})
	if err != nil {
		return nil, err
	}
	t, err := s.Taxonomy()
	if err != nil {
		return nil, err
	}
	steps := planReport(rep, banks, existing)
	if err := checkReport(steps, existing, t); err != nil {
		return nil, err
	}
	// The versions read now: a case changed meanwhile refuses the import.
	version := map[string]int{}
	for _, c := range existing {
		version[c.ID] = c.Version
	}
	res := &ImportResult{}
	err = s.db.Update(func(tx *bolt.Tx) error {
		*res = ImportResult{}
		for i, st := range steps {
			if err := ctx.Err(); err != nil {
				return err
			}
			where := st.item.Where()
			res.count(where, func(sc *SourceCount) { sc.Found++ })
			if st.newBank != nil {
				b := *st.newBank
				if err := s.putBank(tx, &b, opts.By); err != nil {
					return fmt.Errorf("import: line %d: new bank %s: %w", st.item.Line, st.item.Bank, err)
				}
				res.NewBanks = append(res.NewBanks, b)
			}
			switch st.op {
			case reportSame:
				res.Same++
				res.count(where, func(sc *SourceCount) { sc.Same++ })
			case reportMerge:
				updated, err := s.updateCase(tx, st.c, version[st.c.ID], opts.By, writeNote{op: HistUpdate})
				if err != nil {
					return fmt.Errorf("import: line %d: %w", st.item.Line, err)
				}
				version[st.c.ID] = updated.Version
				res.Merged++
				res.count(where, func(sc *SourceCount) { sc.Merged++ })
			case reportCreate:
				created, err := s.createCase(tx, st.c, opts.By, nil)
				if err != nil {
					return fmt.Errorf("import: line %d: %w", st.item.Line, err)
				}
				version[created.ID] = created.Version
				res.Created++
				res.count(where, func(sc *SourceCount) { sc.Created++ })
			}
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

const (
	reportSame = iota
	reportMerge
	reportCreate
)

// reportStep is what importing one report item will do.
type reportStep struct {
	item    ReportItem
	newBank *Bank // a bank the registry lacks, created first
	op      int
	c       *Case // the case as it will be written
}

// planReport decides each item's write, in memory: later items see the
// banks and cases of earlier ones.
func planReport(rep *Report, banks []*Bank, existing []*Case) []reportStep {
	names := bankNameIndex(banks)
	byKey := map[string]*Case{}
	for _, c := range existing {
		byKey[c.SourceKey()] = c
	}
	title := rep.Title
	if title == "" {
		title = fmt.Sprintf("研究报告（%d）", rep.Year)
	}
	steps := make([]reportStep, 0, len(rep.Items))
	for _, it := range rep.Items {
		st := reportStep{item: it}
		bank, known := names[normalizeBankName(it.Bank)]
		if !known {
			b := guessBank(it.Bank, banks)
			bank, st.newBank = &b, &b
			banks = append(banks, bank)
			names = bankNameIndex(banks)
		}
		key := SourceKey(it.Year, it.Where(), bank.ID, it.Part)
		if c, ok := byKey[key]; ok && c.Source.Excerpt == it.Text {
			st.op, st.c = reportSame, c
		} else if ok {
			merged := *c
			merged.Source.Excerpt = it.Text
			st.op, st.c = reportMerge, &merged
		} else {
			st.op, st.c = reportCreate, caseFromItem(it, bank, title)
		}
		byKey[key] = st.c
		steps = append(steps, st)
	}
	return steps
}

// checkReport runs on every step the checks its write will run.
func checkReport(steps []reportStep, existing []*Case, t *Taxonomy) error {
	ids := map[string]bool{}
	for _, c := range existing {
		ids[c.ID] = true
	}
	var bad badLines
	for _, st := range steps {
		var errs []error
		if st.newBank != nil {
			b := *st.newBank
			b.Aliases = dedupe(b.Aliases)
			errs = append(errs, b.Validate(t))
		}
		if st.op != reportSame {
			cs := *st.c
			cs.Normalize()
			errs = append(errs, cs.Validate(t))
		}
		if st.op == reportCreate {
			if ids[st.c.ID] {
				errs = append(errs, &Error{Code: EINVALID, Message: fmt.Sprintf("case %q already exists", st.c.ID),
					Fields: []FieldError{{Field: "id", Message: fmt.Sprintf("case %q already exists under another source key", st.c.ID)}}})
			}
			ids[st.c.ID] = true
		}
		if err := joinInvalid(errs); err != nil {
			bad.add(st.item.Line, err)
		}
	}
	return bad.err()
}

// joinInvalid merges the fields of invalid errors into one.
func joinInvalid(errs []error) error {
	var all *Error
	for _, err := range errs {
		var ce *Error
		if !errors.As(err, &ce) {
			continue
		}
		if all == nil {
			all = &Error{Code: ce.Code, Message: ce.Message}
		}
		all.Fields = append(all.Fields, ce.Fields...)
	}
	if all == nil {
		return nil
	}
	return all
}

// Dimensions of the chapter-5 tables, one table per dimension.
var tableDimension = map[string]string{
	"表5-1": "strategy", "表5-2": "organization", "表5-3": "technology",
	"表5-4": "application", "表5-5": "data", "表5-6": "ecosystem",
}

// caseFromItem drafts a case for an item no curated case covers. Its text is
// the report's own: the user supplied the file, nothing of it is committed.
func caseFromItem(it ReportItem, bank *Bank, report string) *Case {
	c := &Case{
		ID:   importedID(it, bank.ID),
		Kind: KindCase, Year: it.Year, Bank: *bank,
		Body: it.Text, Pattern: it.Pattern, Themes: []string{},
		Source: Source{Report: report, Year: it.Year, Section: it.Section, Table: it.Table,
			Heading: it.Heading, Part: it.Part, Excerpt: it.Text},
	}
	first, _, _ := strings.Cut(strings.TrimSpace(it.Text), "\n")
	sentence, _, _ := strings.Cut(first, "。")
	if it.Pattern != "" {
		c.Title.ZH = bank.Name + "：" + it.Pattern
	} else {
		c.Title.ZH = bank.Name + "：" + truncate(strings.TrimPrefix(sentence, "应用情况："), 40)
	}
	c.Summary.ZH = truncate(sentence, 120)
	switch {
	case tableDimension[it.Table] != "":
		c.Dimensions = []string{tableDimension[it.Table]}
	case it.Part != "":
		c.Dimensions = []string{it.Part}
	default:
		c.Dimensions = []string{"application"}
	}
	if strings.HasPrefix(it.Section, "专题") {
		c.Themes = []string{"tech_finance"}
	}
	return c
}

var reIDUnsafe = regexp.MustCompile(`[^a-z0-9]+`)

func importedID(it ReportItem, bankID string) string {
	where := it.Where()
	switch {
	case strings.HasPrefix(where, "表"):
		where = "t" + strings.TrimPrefix(where, "表")
	case strings.HasPrefix(where, "专题-"):
		where = "topic-" + fmt.Sprint(strings.Index("一二三四五六七八九十", strings.TrimPrefix(where, "专题-"))/3+1)
	default:
		where = "s" + where
	}
	id := fmt.Sprintf("r%d-%s-%s", it.Year, where, bankID)
	if it.Part != "" {
		id += "-" + it.Part
	}
	return strings.Trim(reIDUnsafe.ReplaceAllString(strings.ToLower(id), "-"), "-")
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// NormalizeBankName folds the variants a report uses for one name (spaces,
// bracket width, a 股份有限公司 suffix), for name lookups.
func NormalizeBankName(s string) string { return normalizeBankName(s) }

func normalizeBankName(s string) string {
	s = strings.TrimSpace(s)
	s = strings.NewReplacer(" ", "", "(", "（", ")", "）", "股份有限公司", "").Replace(s)
	return s
}

func bankNameIndex(banks []*Bank) map[string]*Bank {
	m := map[string]*Bank{}
	for _, b := range banks {
		for _, n := range append([]string{b.Name}, b.Aliases...) {
			m[normalizeBankName(n)] = b
		}
	}
	return m
}

// guessBank makes a registry entry for a bank the registry lacks: type from
// the name's suffix, region from a province or a known city in the name.
func guessBank(name string, known []*Bank) Bank {
	sum := sha256.Sum256([]byte(name))
	b := Bank{ID: "bank-" + hex.EncodeToString(sum[:4]), Name: strings.TrimSpace(name), Type: "city_commercial", Region: "national"}
	switch {
	case strings.Contains(name, "村镇银行"):
		b.Type = "village"
	case strings.ContainsAny(name, "农") && (strings.Contains(name, "商") || strings.Contains(name, "信")):
		b.Type = "rural_commercial"
	case strings.Contains(name, "联盟") || strings.Contains(name, "协会"):
		b.Type = "org"
	case !strings.Contains(name, "银行"):
		b.Type = "org"
	}
	tax := DefaultTaxonomy()
	for _, r := range tax.Regions {
		if strings.Contains(name, r.ZH) {
			b.Region = r.Code
			return b
		}
	}
	for _, k := range known {
		if k.City != "" && strings.HasPrefix(name, k.City) {
			b.Region = k.Region
			break
		}
	}
	return b
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
// Progress gets the lines written and a total of -1 (unknown).
func (s *Store) ImportJSONL(ctx context.Context, r io.Reader, opts ImportOptions) (*ImportResult, error) {
	in, done, err := rereadable(r)
	if err != nil {
		return nil, err
	}
	defer done()
	start, err := in.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	if err := s.checkJSONL(ctx, in); err != nil {
		return nil, err
	}
	if _, err := in.Seek(start, io.SeekStart); err != nil {
		return nil, fmt.Errorf("import: read again: %w", err)
	}
	return s.writeJSONL(ctx, in, opts)
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
func (s *Store) writeJSONL(ctx context.Context, r io.Reader, opts ImportOptions) (*ImportResult, error) {
	res := &ImportResult{}
	err := eachBatch(ctx, r, func(first int, lines [][]byte) error {
		batch := &ImportResult{}
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
		res.merge(batch)
		if opts.Progress != nil {
			opts.Progress(first+len(lines)-1, -1)
		}
		return nil
	})
	return res, err
}

// checkJSONL runs on every line the checks its write would run, against the
// store as it is now and the banks of the lines before it, and refuses the
// import if any line fails.
func (s *Store) checkJSONL(ctx context.Context, r io.Reader) error {
	var bad badLines
	err := s.db.View(func(tx *bolt.Tx) error {
		t, err := s.taxonomyIn(tx)
		if err != nil {
			return err
		}
		ck := &importCheck{tx: tx, tax: t, banks: map[string]bool{}}
		return eachBatch(ctx, r, func(first int, lines [][]byte) error {
			for i, line := range lines {
				err := ck.line(bytes.TrimSpace(line))
				if ErrorCode(err) == EINVALID {
					bad.add(first+i, err)
				} else if err != nil {
					return fmt.Errorf("line %d: %w", first+i, err)
				}
			}
			return nil
		})
	})
	if err != nil {
		return err
	}
	return bad.err()
}

// importCheck is the state of checkJSONL: the banks earlier lines create.
type importCheck struct {
	tx    *bolt.Tx
	tax   *Taxonomy
	banks map[string]bool
}

func (ck *importCheck) line(line []byte) error {
	if len(line) == 0 {
		return nil
	}
	kind, err := lineKind(line)
	if err != nil {
		return err
	}
	switch kind {
	case KindCase, "":
		var c Case
		if err := decodeStrict(line, &c); err != nil {
			return err
		}
		cs := c
		cs.Normalize()
		err := cs.Validate(ck.tax)
		if err == nil {
			err = ck.bank(&cs.Bank)
		}
		// A line equal to its stored case is not written, so not checked.
		if err != nil && c.ID != "" {
			if old, gerr := getCase(ck.tx, c.ID); gerr == nil && sameCase(old, &c) {
				return nil
			}
		}
		return err
	case KindPolicy:
		var p Policy
		if err := decodeStrict(line, &p); err != nil {
			return err
		}
		old, _ := getPolicy(ck.tx, p.ID)
		p.Themes = dedupe(p.Themes)
		if p.Themes == nil {
			p.Themes = []string{}
		}
		err := p.Validate(ck.tax)
		if err != nil && old != nil {
			x, y := *old, p
			x.Version, y.Version, x.Created, y.Created, x.Updated, y.Updated = 0, 0, nil, nil, nil, nil
			if reflect.DeepEqual(x, y) {
				return nil
			}
		}
		return err
	case KindBank:
		var b Bank
		if err := decodeStrict(line, &b); err != nil {
			return err
		}
		b.Kind = ""
		if old, _ := getBank(ck.tx, b.ID); old != nil && reflect.DeepEqual(*old, b) {
			ck.banks[b.ID] = true
			return nil
		}
		b.Aliases = dedupe(b.Aliases)
		if err := b.Validate(ck.tax); err != nil {
			return err
		}
		ck.banks[b.ID] = true
		return nil
	default:
		return Errorf(EINVALID, "unknown kind %s (bank, case or policy)", quoteShort(kind))
	}
}

// bank checks that a case's bank is stored, made by an earlier line, or
// given inline in full (ensureBank then creates it).
func (ck *importCheck) bank(b *Bank) error {
	if ck.banks[b.ID] || ck.tx.Bucket(bucketBanks).Get([]byte(b.ID)) != nil {
		return nil
	}
	if b.Name == "" && b.Type == "" && b.Region == "" {
		return &Error{Code: EINVALID, Message: fmt.Sprintf("invalid case: bank %q is not in the registry; give its name, type and region to create it", b.ID),
			Fields: []FieldError{{Field: "bank.id", Message: "unknown bank"}}}
	}
	inline := *b
	inline.Aliases = dedupe(b.Aliases)
	if err := inline.Validate(ck.tax); err != nil {
		return err
	}
	ck.banks[b.ID] = true
	return nil
}

// badLines gathers the lines of an import that fail their check: the first
// few in full, the rest counted, so that the refusal stays short. Fields
// holds the bad fields of those lines, each with its line.
type badLines struct {
	n     int
	first []FieldError
	msg   string
}

func (b *badLines) add(line int, err error) {
	b.n++
	if len(b.first) >= maxShown {
		return
	}
	at := "line " + strconv.Itoa(line)
	var ce *Error
	if !errors.As(err, &ce) || len(ce.Fields) == 0 {
		// A line that does not decode is malformed rather than invalid:
		// the message names it, no field does.
		msg := ErrorMessage(err)
		if b.msg == "" {
			b.msg = at + ": " + msg
		}
		return
	}
	// The line's fields, each named with the line, and the first few of
	// them in the message.
	var parts []string
	for i, f := range ce.Fields {
		if i < maxShown {
			parts = append(parts, f.Field+": "+f.Message)
		}
		if len(b.first) < maxShown {
			b.first = append(b.first, FieldError{Line: line, Field: f.Field, Message: f.Message, Allowed: f.Allowed})
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
		return &Error{Code: EINVALID, Message: "invalid import, nothing was stored: " + b.msg, Fields: b.first}
	default:
		return &Error{Code: EINVALID, Message: fmt.Sprintf("invalid import, nothing was stored: %d lines are invalid; the first: %s", b.n, b.msg), Fields: b.first}
	}
}

func (r *ImportResult) merge(b *ImportResult) {
	r.Merged += b.Merged
	r.Created += b.Created
	r.Same += b.Same
	r.NewBanks = append(r.NewBanks, b.NewBanks...)
	for _, sc := range b.Sources {
		r.count(sc.Where, func(x *SourceCount) {
			x.Found += sc.Found
			x.Merged += sc.Merged
			x.Created += sc.Created
			x.Same += sc.Same
		})
	}
}

// lineKind reads the kind a JSONL line says it is ("" for a case).
func lineKind(line []byte) (string, error) {
	var head struct {
		Kind string `json:"kind"`
	}
	if err := json.Unmarshal(line, &head); err != nil {
		return "", Errorf(EINVALID, "%v", err)
	}
	return head.Kind, nil
}

func (s *Store) importLine(tx *bolt.Tx, line []byte, by string, res *ImportResult) error {
	if len(line) == 0 {
		return nil
	}
	kind, err := lineKind(line)
	if err != nil {
		return err
	}
	where := kind
	switch kind {
	case KindCase, "":
		where = KindCase
		err = s.importCaseLine(tx, line, by, res)
	case KindPolicy:
		err = s.importPolicyLine(tx, line, by, res)
	case KindBank:
		err = s.importBankLine(tx, line, by, res)
	default:
		err = Errorf(EINVALID, "unknown kind %s (bank, case or policy)", quoteShort(kind))
	}
	if err != nil {
		return err
	}
	res.count(where, func(sc *SourceCount) { sc.Found++ })
	return nil
}

func decodeStrict(line []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return Errorf(EINVALID, "%v", err)
	}
	return nil
}

func (s *Store) importCaseLine(tx *bolt.Tx, line []byte, by string, res *ImportResult) error {
	var c Case
	if err := decodeStrict(line, &c); err != nil {
		return err
	}
	var old *Case
	var err error
	if c.ID != "" {
		old, err = getCase(tx, c.ID)
	}
	switch {
	case c.ID != "" && ErrorCode(err) == ENOTFOUND || c.ID == "":
		// A new case keeps the version and stamps it was exported with, so
		// that an export restores to the same bytes.
		if _, err := s.createCaseKeeping(tx, &c, by, writeNote{op: HistCreate}); err != nil {
			return err
		}
		res.Created++
		res.count(KindCase, func(sc *SourceCount) { sc.Created++ })
	case err != nil:
		return err
	case sameCase(old, &c):
		res.Same++
		res.count(KindCase, func(sc *SourceCount) { sc.Same++ })
	default:
		if _, err := s.updateCase(tx, &c, 0, by, writeNote{op: HistUpdate, note: "import"}); err != nil {
			return err
		}
		res.Merged++
		res.count(KindCase, func(sc *SourceCount) { sc.Merged++ })
	}
	return nil
}

// sameCase compares the content of two cases, ignoring the bookkeeping
// fields that a store sets.
func sameCase(a, b *Case) bool {
	x, y := *a, *b
	x.Normalize()
	y.Normalize()
	x.Version, y.Version = 0, 0
	x.Created, y.Created, x.Updated, y.Updated = nil, nil, nil, nil
	x.Bank, y.Bank = Bank{ID: x.Bank.ID}, Bank{ID: y.Bank.ID}
	return reflect.DeepEqual(x, y)
}

func (s *Store) importPolicyLine(tx *bolt.Tx, line []byte, by string, res *ImportResult) error {
	var p Policy
	if err := decodeStrict(line, &p); err != nil {
		return err
	}
	old, err := getPolicy(tx, p.ID)
	if err == nil {
		x, y := *old, p
		x.Version, y.Version, x.Created, y.Created, x.Updated, y.Updated = 0, 0, nil, nil, nil, nil
		if len(y.Themes) == 0 {
			y.Themes = []string{}
		}
		if reflect.DeepEqual(x, y) {
			res.Same++
			res.count(KindPolicy, func(sc *SourceCount) { sc.Same++ })
			return nil
		}
	} else if ErrorCode(err) != ENOTFOUND {
		return err
	}
	if err := s.putPolicy(tx, &p, by); err != nil {
		return err
	}
	if old != nil {
		res.Merged++
		res.count(KindPolicy, func(sc *SourceCount) { sc.Merged++ })
	} else {
		res.Created++
		res.count(KindPolicy, func(sc *SourceCount) { sc.Created++ })
	}
	return nil
}

func (s *Store) importBankLine(tx *bolt.Tx, line []byte, by string, res *ImportResult) error {
	var b Bank
	if err := decodeStrict(line, &b); err != nil {
		return err
	}
	b.Kind = ""
	old, err := getBank(tx, b.ID)
	if err == nil && reflect.DeepEqual(*old, b) {
		res.Same++
		res.count(KindBank, func(sc *SourceCount) { sc.Same++ })
		return nil
	} else if err != nil && ErrorCode(err) != ENOTFOUND {
		return err
	}
	if err := s.putBank(tx, &b, by); err != nil {
		return err
	}
	if old != nil {
		res.Merged++
		res.count(KindBank, func(sc *SourceCount) { sc.Merged++ })
	} else {
		res.Created++
		res.count(KindBank, func(sc *SourceCount) { sc.Created++ })
	}
	return nil
}
