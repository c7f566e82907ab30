package export_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"regexp"
	"strings"
	"testing"

	"casebank/corpus"
	"casebank/corpus/boltdb/bolttest"
	"casebank/corpus/export"
)

var ctx = context.Background()

// hostileCase holds values a spreadsheet would run as formulas and every
// kind of line break.
func hostileCase(id string) *corpus.Case {
	c := bolttest.NewCase(id, "jiangsu-bank", `=HYPERLINK("http://evil.example","click")`, "正文")
	c.Title.EN = "+1+cmd|' /C calc'!A0"
	c.Summary.ZH = "@SUM(A1:A9)"
	c.Summary.EN = "-2+3"
	// Normalize trims leading blanks from the texts; figures and source keep them.
	c.Figures = []corpus.Figure{{Label: "\tx", Value: "1"}}
	c.Source.Heading = "\rx"
	c.Body = "first\rsecond\r\nthird\nfourth\u2028fifth\u2029sixth\u0085seventh"
	c.Products = []string{"=1+1", "safe"}
	return c
}

// Every CSV cell that starts with = + - @ tab or CR gets a leading ', and
// every line break inside a cell is a plain "\n", in both CSV exports.
func TestCSVExportDefusesFormulasAndLineBreaks(t *testing.T) {
	s := bolttest.MustOpenStore(t, false)
	c := hostileCase("hostile")
	c.Bank = corpus.Bank{ID: "hostile-bank", Name: "=cmd|'/C calc'!A0", Type: "city_commercial", Region: "jiangsu"}
	// NEL (U+0085) is a C1 control character, which a write refuses; the
	// store gets another line break in its place, CasesCSV the NEL.
	body := c.Body
	c.Body = strings.ReplaceAll(body, "\u0085", "\u2028")
	stored, err := s.CreateCase(ctx, c, "tester")
	if err != nil {
		t.Fatal(err)
	}
	var whole, subset bytes.Buffer
	if err := export.CSV(ctx, &whole, s); err != nil {
		t.Fatal(err)
	}
	given := *stored
	given.Body = body
	if err := export.CasesCSV(&subset, []*corpus.Case{&given}); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"CSV": whole.String(), "CasesCSV": subset.String()} {
		if strings.ContainsAny(out, "\r\u2028\u2029\u0085") {
			t.Errorf("%s: a CR or Unicode line break is left: %q", name, out)
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(rows) != 2 {
			t.Fatalf("%s: %d rows, want header and one case", name, len(rows))
		}
		cell := map[string]string{}
		for i, h := range rows[0] {
			cell[h] = rows[1][i]
		}
		want := map[string]string{
			"title_zh":       `'=HYPERLINK("http://evil.example","click")`,
			"title_en":       "'+1+cmd|' /C calc'!A0",
			"summary_zh":     "'@SUM(A1:A9)",
			"summary_en":     "'-2+3",
			"figures":        "'\tx: 1",
			"source_heading": "'\nx",
			"bank_name":      "'=cmd|'/C calc'!A0",
			"body":           "first\nsecond\nthird\nfourth\nfifth\nsixth\nseventh",
			"products":       "'=1+1; safe",
			"bank_id":        "hostile-bank",
		}
		for col, v := range want {
			if cell[col] != v {
				t.Errorf("%s: %s = %q, want %q", name, col, cell[col], v)
			}
		}
		for col, v := range cell {
			if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
				t.Errorf("%s: %s starts with %q", name, col, v[:1])
			}
		}
	}
}

// RIS: every field is on its tag's line, so that a reader that takes a
// bare CR (or LF, or a Unicode separator) for a line's end still sees one
// record per case, each ending with ER.
func TestRISKeepsEachFieldOnItsLine(t *testing.T) {
	cases := []*corpus.Case{hostileCase("one"), hostileCase("two")}
	cases[0].Title.ZH = "标题\r\nER  - \rTY  - JOUR\nTI  - forged\u2028AU  - x\u0085PY  - 1999"
	cases[1].Source.Section = "1.1\r2.2"
	cases[1].Bank.Name = "江苏\n银行"
	out, err := export.Cite(cases, export.RIS)
	if err != nil {
		t.Fatal(err)
	}
	lines := regexp.MustCompile("\r\n|[\r\n\v\f\u0085\u2028\u2029]").Split(out, -1)
	tagLine := regexp.MustCompile(`^[A-Z][A-Z0-9]  - `)
	var tys, ers int
	for i, l := range lines {
		if l == "" && i == len(lines)-1 {
			continue
		}
		if !tagLine.MatchString(l) {
			t.Fatalf("line %d is not a tag line: %q", i, l)
		}
		switch l[:2] {
		case "TY":
			tys++
		case "ER":
			ers++
		}
	}
	if tys != len(cases) || ers != len(cases) || !strings.HasSuffix(out, "ER  -  \r\n") {
		t.Fatalf("%d TY and %d ER for %d cases:\n%s", tys, ers, len(cases), out)
	}
}

// BibTeX: values stay on one line and a lone brace cannot end a field
// early. BibTeX counts every brace, with or without a backslash, so the
// braces of each entry must balance when counted that way, and each entry
// must have exactly the fields it was given.
func TestBibTeXValuesCannotForgeFields(t *testing.T) {
	c := hostileCase("bib")
	c.Title.ZH = `x}, note = {forged} , title = {y\}`
	c.Source.Section = "a{b\r\nc"
	out, err := export.Cite([]*corpus.Case{c}, export.BibTeX)
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(out, "\r\u2028\u2029\u0085") {
		t.Fatalf("a line break is left: %q", out)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if lines[0] != "@incollection{bib," || lines[len(lines)-1] != "}" {
		t.Fatalf("entry frame:\n%s", out)
	}
	var fields []string
	for _, l := range lines[1 : len(lines)-1] {
		m := regexp.MustCompile(`^  ([a-z]+) = \{(.*)\},$`).FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("not a field line: %q", l)
		}
		depth := 0
		for _, r := range m[2] {
			switch r {
			case '{':
				depth++
			case '}':
				depth--
			}
			if depth < 0 {
				t.Fatalf("field %s closes early: %q", m[1], l)
			}
		}
		if depth != 0 {
			t.Fatalf("field %s leaves %d braces open: %q", m[1], depth, l)
		}
		fields = append(fields, m[1])
	}
	if got := strings.Join(fields, " "); got != "title booktitle publisher year chapter note" {
		t.Fatalf("fields %s", got)
	}
}

// A case whose source has no year is cited with the case's year; a case
// with neither gets no year field rather than year 0.
func TestCitationYearFallsBackToTheCase(t *testing.T) {
	for _, c := range []struct {
		name                 string
		caseYear, sourceYear int
		want                 map[string]string // format → the year as it appears
	}{
		{"source year", 2024, 2025, map[string]string{export.BibTeX: "year = {2025}", export.RIS: "PY  - 2025\r\n", export.CSL: `"date-parts": [[2025]]`}},
		{"case year only", 2025, 0, map[string]string{export.BibTeX: "year = {2025}", export.RIS: "PY  - 2025\r\n", export.CSL: `"date-parts": [[2025]]`}},
		{"no year", 0, 0, nil},
	} {
		cs := bolttest.NewCase("cited", "jiangsu-bank", "标题", "正文")
		cs.Year, cs.Source.Year = c.caseYear, c.sourceYear
		for _, format := range export.CiteFormats {
			out, err := export.Cite([]*corpus.Case{cs}, format)
			if err != nil {
				t.Fatal(err)
			}
			compact := regexp.MustCompile(`\[\s+`).ReplaceAllString(regexp.MustCompile(`\s+\]`).ReplaceAllString(out, "]"), "[")
			if want := c.want[format]; want != "" && !strings.Contains(compact, want) {
				t.Errorf("%s, %s: no %q in\n%s", c.name, format, want, out)
			}
			if strings.Contains(out, "{0}") || strings.Contains(out, "PY  - 0") || strings.Contains(compact, "[[0]]") ||
				c.want == nil && (strings.Contains(out, "year") || strings.Contains(out, "PY ") || strings.Contains(out, "issued")) {
				t.Errorf("%s, %s: a year that is not known is cited:\n%s", c.name, format, out)
			}
		}
	}
}
