package corpus

import (
	"bufio"
	"bytes"

	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	bolt "go.etcd.io/bbolt"
	"io"
	"reflect"
	"regexp"
	"strings"
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
func (s *Store) ImportReport(ctx context.Context, r io.Reader, opts ImportOptions) (*ImportResult, error) {
	rep, err := ParseReport(r)
	if err != nil {
		return nil, err
	}
	res := &ImportResult{}
	banks, err := s.FindBanks(ctx)
	if err != nil {
		return nil, err
	}
	names := bankNameIndex(banks)
	existing, err := s.FindCases(ctx, Filter{})
	if err != nil {
		return nil, err
	}
	byKey := map[string]*Case{}
	for _, c := range existing {
		byKey[c.SourceKey()] = c
	}
	title := rep.Title
	if title == "" {
		title = fmt.Sprintf("研究报告（%d）", rep.Year)
	}
	for i, it := range rep.Items {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		where := it.Where()
		res.count(where, func(sc *SourceCount) { sc.Found++ })
		bank, known := names[normalizeBankName(it.Bank)]
		if !known {
			b := guessBank(it.Bank, banks)
			if err := s.PutBank(ctx, &b, opts.By); err != nil {
				return res, fmt.Errorf("import: line %d: new bank %s: %w", it.Line, it.Bank, err)
			}
			bank = &b
			banks = append(banks, bank)
			names = bankNameIndex(banks)
			res.NewBanks = append(res.NewBanks, b)
		}
		key := SourceKey(it.Year, where, bank.ID, it.Part)
		if c, ok := byKey[key]; ok {
			if c.Source.Excerpt == it.Text {
				res.Same++
				res.count(where, func(sc *SourceCount) { sc.Same++ })
			} else {
				c.Source.Excerpt = it.Text
				updated, err := s.UpdateCase(ctx, c, c.Version, opts.By)
				if err != nil {
					return res, fmt.Errorf("import: line %d: %w", it.Line, err)
				}
				byKey[key] = updated
				res.Merged++
				res.count(where, func(sc *SourceCount) { sc.Merged++ })
			}
		} else {
			c := caseFromItem(it, bank, title)
			created, err := s.CreateCase(ctx, c, opts.By)
			if err != nil {
				return res, fmt.Errorf("import: line %d: %w", it.Line, err)
			}
			byKey[key] = created
			res.Created++
			res.count(where, func(sc *SourceCount) { sc.Created++ })
		}
		if opts.Progress != nil {
			opts.Progress(i+1, len(rep.Items))
		}
	}
	return res, nil
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
// the stored record change nothing. Lines are written a batch per
// transaction; an error stops the import after the last whole batch.
//
// The input is read as it is imported, a batch at a time, so that a large
// file does not sit in memory whole; Progress then gets the lines done and
// a total of -1 (unknown).
func (s *Store) ImportJSONL(ctx context.Context, r io.Reader, opts ImportOptions) (*ImportResult, error) {
	in := bufio.NewReaderSize(r, 1<<16)
	res := &ImportResult{}
	first, done := true, 0
	for eof := false; !eof; {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		var lines [][]byte
		for len(lines) < importBatch {
			line, err := in.ReadBytes('\n')
			if err == io.EOF {
				eof = true
			} else if err != nil {
				return res, fmt.Errorf("import: read: %w", err)
			}
			if first {
				line, first = bytes.TrimPrefix(line, []byte("\ufeff")), false
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
		batch := &ImportResult{}
		err := s.db.Update(func(tx *bolt.Tx) error {
			for i, line := range lines {
				if err := s.importLine(tx, bytes.TrimSpace(line), opts.By, batch); err != nil {
					return fmt.Errorf("line %d: %w", done+i+1, err)
				}
			}
			return nil
		})
		if err != nil {
			return res, err
		}
		res.merge(batch)
		done += len(lines)
		if opts.Progress != nil {
			opts.Progress(done, -1)
		}
	}
	return res, nil
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

func (s *Store) importLine(tx *bolt.Tx, line []byte, by string, res *ImportResult) error {
	if len(line) == 0 {
		return nil
	}
	var head struct {
		Kind string `json:"kind"`
	}
	if err := json.Unmarshal(line, &head); err != nil {
		return Errorf(EINVALID, "%v", err)
	}
	where := head.Kind
	var err error
	switch head.Kind {
	case KindCase, "":
		where = KindCase
		err = s.importCaseLine(tx, line, by, res)
	case KindPolicy:
		err = s.importPolicyLine(tx, line, by, res)
	case KindBank:
		err = s.importBankLine(tx, line, by, res)
	default:
		err = Errorf(EINVALID, "unknown kind %s (bank, case or policy)", quoteShort(head.Kind))
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
		if _, err := s.createCaseKeeping(tx, &c, by); err != nil {
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
