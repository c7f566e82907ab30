package export

import (
	"encoding/json"
	"fmt"
	"strings"

	"casebank/corpus"
)

// Citation formats.
const (
	BibTeX = "bibtex"
	RIS    = "ris"
	CSL    = "csl"
)

// CiteFormats lists the supported citation formats.
var CiteFormats = []string{BibTeX, RIS, CSL}

// Cite renders citations of cases, each as a part of its report: the
// report is the container, the case's section and table locate it.
func Cite(cases []*corpus.Case, format string) (string, error) {
	var b strings.Builder
	switch format {
	case BibTeX:
		for _, c := range cases {
			fmt.Fprintf(&b, "@incollection{%s,\n", c.ID)
			for _, f := range citeFields(c) {
				if f.value != "" {
					fmt.Fprintf(&b, "  %s = {%s},\n", f.bib, bibEscape(f.value))
				}
			}
			b.WriteString("}\n")
		}
	case RIS:
		for _, c := range cases {
			line := func(tag, v string) {
				if v != "" {
					// A line break inside a value would start a new tag, or
					// a new record in readers that take a bare CR for one.
					fmt.Fprintf(&b, "%s  - %s\r\n", tag, toSpace.Replace(v))
				}
			}
			line("TY", "CHAP")
			line("ID", c.ID)
			for _, f := range citeFields(c) {
				line(f.ris, f.value)
			}
			line("ER", " ")
		}
	case CSL:
		items := make([]map[string]any, len(cases))
		for i, c := range cases {
			items[i] = map[string]any{
				"id": c.ID, "type": "chapter", "title": citeTitle(c),
				"container-title": c.Source.Report, "publisher": corpus.ReportPublisher,
				"section": c.Source.Section, "note": citeNote(c), "language": "zh-CN",
			}
			if y := citeYear(c); y != 0 {
				items[i]["issued"] = map[string]any{"date-parts": [][]int{{y}}}
			}
		}
		data, err := json.MarshalIndent(items, "", "  ")
		if err != nil {
			return "", err
		}
		b.Write(data)
		b.WriteString("\n")
	default:
		return "", &corpus.Error{Code: corpus.EINVALID, Message: "unknown citation format " + corpus.QuoteShort(format),
			Fields: []corpus.FieldError{{Field: "format", Message: "unknown format", Allowed: corpus.AllowedCodes(CiteFormats...)}}}
	}
	return b.String(), nil
}

// citeField is one value of a case's citation, with its BibTeX field and
// its RIS tag, so that both formats cite the same things in the same order.
type citeField struct{ bib, ris, value string }

func citeFields(c *corpus.Case) []citeField {
	year := ""
	if y := citeYear(c); y != 0 {
		year = fmt.Sprint(y)
	}
	return []citeField{
		{"title", "TI", citeTitle(c)}, {"booktitle", "T2", c.Source.Report}, {"publisher", "PB", corpus.ReportPublisher},
		{"year", "PY", year}, {"chapter", "SE", c.Source.Section}, {"note", "N1", citeNote(c)},
	}
}

func citeTitle(c *corpus.Case) string {
	if c.Title.ZH != "" {
		return c.Title.ZH
	}
	return c.Title.EN
}

// citeYear is the year the report appeared: the source's, else the case's,
// 0 when neither is known (then the citation has no year).
func citeYear(c *corpus.Case) int {
	if c.Source.Year != 0 {
		return c.Source.Year
	}
	return c.Year
}

func citeNote(c *corpus.Case) string {
	parts := []string{}
	if c.Source.Table != "" {
		parts = append(parts, c.Source.Table)
	}
	if c.Source.Heading != "" {
		parts = append(parts, c.Source.Heading)
	}
	parts = append(parts, c.Bank.Name, "casebank "+c.ID)
	return strings.Join(parts, "; ")
}

// bibEscape protects the characters BibTeX and LaTeX give meaning to and
// puts the value on one line. Braces become commands, not \{ and \}:
// BibTeX counts every brace, escaped or not, to find where a field ends, so
// a lone } would end the field and let the rest of the value forge fields.
func bibEscape(s string) string {
	return bibReplacer.Replace(toSpace.Replace(s))
}

var bibReplacer = strings.NewReplacer(`\`, `\textbackslash{}`, "{", `\textbraceleft{}`, "}", `\textbraceright{}`,
	"%", `\%`, "&", `\&`, "$", `\$`, "#", `\#`, "_", `\_`, "~", `\textasciitilde{}`, "^", `\textasciicircum{}`)
