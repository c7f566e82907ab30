package corpus

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// ExportJSONL writes every bank, case and policy, one JSON object per line in
// id order: cases in the shape of GET /api/v1/cases/{id}, banks and policies
// with their kind. ImportJSONL into an empty store gives back the same bytes.
func (s *Store) ExportJSONL(ctx context.Context, w io.Writer) error {
	snap, err := s.Snapshot(ctx)
	if err != nil {
		return err
	}
	banks, err := s.FindBanks(ctx)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, b := range banks {
		line := *b
		line.Kind = KindBank
		if err := enc.Encode(&line); err != nil {
			return fmt.Errorf("export: %w", err)
		}
	}
	return writeRecords(enc, snap.Cases, snap.Policies)
}

// ExportCasesJSONL writes the given cases only (a search result).
func ExportCasesJSONL(w io.Writer, cases []*Case) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return writeRecords(enc, cases, nil)
}

func writeRecords(enc *json.Encoder, cases []*Case, policies []*Policy) error {
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

// ExportCSV writes every case as a CSV row with a header, UTF-8 with a byte
// order mark so that spreadsheet programs read the Chinese text correctly.
func (s *Store) ExportCSV(ctx context.Context, w io.Writer) error {
	cases, err := s.FindCases(ctx, Filter{})
	if err != nil {
		return err
	}
	return ExportCasesCSV(w, cases)
}

// ExportCasesCSV writes the given cases as CSV (a search result).
func ExportCasesCSV(w io.Writer, cases []*Case) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	stamp := func(st *Stamp) (string, string) {
		if st == nil {
			return "", ""
		}
		return st.At.UTC().Format(time.RFC3339), st.By
	}
	for _, c := range cases {
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
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("export csv: %w", err)
		}
	}
	cw.Flush()
	return cw.Error()
}

func join(xs []string) string { return strings.Join(xs, "; ") }
