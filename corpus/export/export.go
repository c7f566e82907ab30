package export

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"casebank/corpus"
)

// Source is what the streaming exports read: *boltdb.Store is one.
type Source interface {
	FindBanks(ctx context.Context) ([]*corpus.Bank, error)
	EachRecord(ctx context.Context, policy func(*corpus.Policy) error, kase func(*corpus.Case) error) (uint64, error)
	FindCasesByIDs(ctx context.Context, ids []string) ([]*corpus.Case, error)
}

// JSONL writes every bank, case and policy of src, one JSON object per line
// in id order: cases in the shape of GET /api/v1/cases/{id}, banks and
// policies with their kind. ImportJSONL into an empty store gives back the
// same bytes.
func JSONL(ctx context.Context, w io.Writer, src Source) error {
	banks, err := src.FindBanks(ctx)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, b := range banks {
		line := *b
		line.Kind = corpus.KindBank
		if err := enc.Encode(&line); err != nil {
			return fmt.Errorf("export: %w", err)
		}
	}
	// Cases are written as they are read, not gathered first; the few
	// policies follow them.
	var policies []*corpus.Policy
	_, err = src.EachRecord(ctx,
		func(p *corpus.Policy) error { policies = append(policies, p); return nil },
		func(c *corpus.Case) error { return writeRecords(enc, []*corpus.Case{c}, nil) })
	if err != nil {
		return err
	}
	return writeRecords(enc, nil, policies)
}

// CasesJSONL writes the given cases only (a search result).
func CasesJSONL(w io.Writer, cases []*corpus.Case) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return writeRecords(enc, cases, nil)
}

func writeRecords(enc *json.Encoder, cases []*corpus.Case, policies []*corpus.Policy) error {
	for _, c := range cases {
		if err := enc.Encode(c); err != nil {
			return fmt.Errorf("export: %w", err)
		}
	}
	for _, p := range policies {
		if err := enc.Encode(p); err != nil {
			return fmt.Errorf("export: %w", err)
		}
	}
	return nil
}

// csvHeader lists the columns of the CSV export: one row per case, lists
// joined with "; ", figures as "label: value".
var csvHeader = []string{
	"id", "year", "bank_id", "bank_name", "bank_name_en", "bank_type", "region",
	"title_zh", "title_en", "summary_zh", "summary_en", "body", "outcome",
	"products", "figures", "partners", "technologies", "pattern", "dimensions", "themes",
	"source_report", "source_year", "source_section", "source_table", "source_heading", "source_part",
	"version", "created_at", "created_by", "updated_at", "updated_by",
}

// CSV writes every case of src as a CSV row with a header, UTF-8 with a
// byte order mark so that spreadsheet programs read the Chinese text
// correctly.
func CSV(ctx context.Context, w io.Writer, src Source) error {
	cw, err := startCSV(w)
	if err != nil {
		return err
	}
	_, err = src.EachRecord(ctx, func(*corpus.Policy) error { return nil }, func(c *corpus.Case) error { return cw.Write(csvRow(c)) })
	if err != nil {
		return fmt.Errorf("export csv: %w", err)
	}
	cw.Flush()
	return cw.Error()
}

// CasesCSV writes the given cases as CSV (a search result).
func CasesCSV(w io.Writer, cases []*corpus.Case) error {
	cw, err := startCSV(w)
	if err != nil {
		return err
	}
	for _, c := range cases {
		if err := cw.Write(csvRow(c)); err != nil {
			return fmt.Errorf("export csv: %w", err)
		}
	}
	cw.Flush()
	return cw.Error()
}

// IDsCSV and IDsJSONL write the cases of src with the given ids (a search's
// matches) in that order, reading them a chunk at a time: an export of
// 30,000 matches once held them all in memory (1.4 GB).
func IDsCSV(ctx context.Context, w io.Writer, src Source, ids []string) error {
	cw, err := startCSV(w)
	if err != nil {
		return err
	}
	err = eachCaseOf(ctx, src, ids, func(c *corpus.Case) error { return cw.Write(csvRow(c)) })
	if err != nil {
		return fmt.Errorf("export csv: %w", err)
	}
	cw.Flush()
	return cw.Error()
}

// IDsJSONL is IDsCSV as JSON Lines.
func IDsJSONL(ctx context.Context, w io.Writer, src Source, ids []string) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return eachCaseOf(ctx, src, ids, func(c *corpus.Case) error { return writeRecords(enc, []*corpus.Case{c}, nil) })
}

// eachCaseOf calls fn with each existing case of ids, in order, 500 at a time.
func eachCaseOf(ctx context.Context, src Source, ids []string, fn func(*corpus.Case) error) error {
	for len(ids) > 0 {
		n := min(len(ids), 500)
		cases, err := src.FindCasesByIDs(ctx, ids[:n])
		if err != nil {
			return err
		}
		for _, c := range cases {
			if err := fn(c); err != nil {
				return err
			}
		}
		ids = ids[n:]
	}
	return ctx.Err()
}

// startCSV writes the byte order mark and the header.
func startCSV(w io.Writer) (*csv.Writer, error) {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return nil, err
	}
	cw := csv.NewWriter(w)
	return cw, cw.Write(csvHeader)
}

func csvRow(c *corpus.Case) []string {
	stamp := func(st *corpus.Stamp) (string, string) {
		if st == nil {
			return "", ""
		}
		return st.At.UTC().Format(time.RFC3339), st.By
	}
	figs := make([]string, len(c.Figures))
	for i, f := range c.Figures {
		figs[i] = f.Label + ": " + f.Value
	}
	ca, cb := stamp(c.Created)
	ua, ub := stamp(c.Updated)
	row := []string{
		c.ID, strconv.Itoa(c.Year), c.Bank.ID, c.Bank.Name, c.Bank.NameEN, c.Bank.Type, c.Bank.Region,
		c.Title.ZH, c.Title.EN, c.Summary.ZH, c.Summary.EN, c.Body, c.Outcome,
		join(c.Products), join(figs), join(c.Partners), join(c.Technologies), c.Pattern, join(c.Dimensions), join(c.Themes),
		c.Source.Report, strconv.Itoa(c.Source.Year), c.Source.Section, c.Source.Table, c.Source.Heading, c.Source.Part,
		strconv.Itoa(c.Version), ca, cb, ua, ub,
	}
	for i := range row {
		row[i] = csvCell(row[i])
	}
	return row
}

// csvCell makes a value safe to open in a spreadsheet. A value that starts
// with = + - @ tab or CR gets a leading ' (OWASP's rule for CSV injection),
// so that Excel and LibreOffice show it as text instead of running it as a
// formula. Every line break becomes "\n": a bare CR ends a row for some readers.
func csvCell(s string) string {
	if s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0 {
		s = "'" + s
	}
	return toLF.Replace(s)
}

// toLF and toSpace rewrite every character that some reader takes for the
// end of a line: CR, LF and CRLF, vertical tab, form feed, NEL, and the
// Unicode line and paragraph separators.
var (
	toLF    = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\v", "\n", "\f", "\n", "\u0085", "\n", "\u2028", "\n", "\u2029", "\n")
	toSpace = strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ", "\v", " ", "\f", " ", "\u0085", " ", "\u2028", " ", "\u2029", " ")
)

func join(xs []string) string { return strings.Join(xs, "; ") }
