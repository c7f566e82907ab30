package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"casebank/corpus"
	"casebank/corpus/tagger"
)

// errFindings makes lint exit 1 without an error message: the findings
// are the message.
var errFindings = errors.New("lint: findings")

const lintAbout = `
Lists cases whose title, summary (zh or en), product or technology names
name a dimension or theme the case is not tagged with: a label or alias of
the taxonomy (a dimension by its aliases such as 数据层面, not by its bare
name), or a glossary term whose entry lists the theme in "themes". English
counts as whole words only, and in a case with Chinese only where the
Chinese names the code too; a word inside a longer known term of another
value (民生 in 民生银行, 数据 in 数据治理) or an item of a list in the
summary (政务 in 为企业、政务等客户) does not count. With --suggester S, a
theme the tag suggester scores at least S (leave-one-out) is a finding too;
off by default, as its high scores on the curated corpus rest on incidental
words. Findings on the allow-list (built in, or --allow FILE: a JSON list of
{"case", "code": "theme:ai", "reason"}, no case for every case) were
reviewed as false positives and are left out.

Without --data it reads the embedded default corpus (in a temporary data
directory).

Exit status: 0 when there is no finding, 1 when there are findings (or on
an error), 2 on a usage error.`

// lint lints the store's cases; see lintAbout.
func (c *cli) lint(ctx context.Context, args []string) error {
	fs := newFlagSet("lint", "", lintAbout, c.stderr)
	// No default directory: without --data the embedded corpus is linted.
	dir := fs.String("data", "", "data directory (store and index); empty: the embedded default corpus")
	asJSON := fs.Bool("json", false, "print the findings as JSON")
	minScore := fs.Float64("suggester", 0, "also report themes the tag suggester scores at least this high (0 < S ≤ 1); 0: off")
	allowFile := fs.String("allow", "", "allow-list file (JSON) instead of the built-in one")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 || *minScore < 0 || *minScore > 1 {
		return usageError(fs)
	}
	allowData := defaultLintAllow
	if *allowFile != "" {
		b, err := os.ReadFile(*allowFile)
		if err != nil {
			return err
		}
		allowData = b
	}
	allow, err := parseLintAllow(allowData)
	if err != nil {
		return fmt.Errorf("allow-list: %w", err)
	}
	path := *dir
	if path == "" {
		tmp, err := os.MkdirTemp("", "casebank-lint-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		path = filepath.Join(tmp, "data")
	}
	d, err := openData(ctx, path, newLogger(io.Discard))
	if err != nil {
		return err
	}
	defer d.Close()
	v, err := d.vocabulary(ctx)
	if err != nil {
		return err
	}
	cases, gloss, banks := v.cases, v.gloss, v.banks
	l := newLinter(v.tax, gloss, banks)
	if *minScore > 0 {
		l.useSuggester(cases, gloss, banks, *minScore)
	}
	var found, allowed []lintFinding
	for _, cs := range cases {
		for _, f := range l.Lint(cs) {
			if code := f.Kind + ":" + f.Code; allow[f.Case+" "+code] || allow["* "+code] {
				allowed = append(allowed, f)
			} else {
				found = append(found, f)
			}
		}
	}
	if *asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		if found == nil {
			found = []lintFinding{}
		}
		if err := enc.Encode(map[string]any{"cases": len(cases), "findings": found, "allowed": len(allowed)}); err != nil {
			return err
		}
	} else {
		if len(found) > 0 {
			rows := [][]string{{"CASE", "MISSING", "LABEL", "EVIDENCE"}}
			for _, f := range found {
				rows = append(rows, []string{f.Case, f.Kind + ":" + f.Code, f.Label.ZH + " / " + f.Label.EN, f.evidenceText()})
			}
			printTable(c.stdout, rows)
			fmt.Fprintln(c.stdout)
		}
		fmt.Fprintf(c.stdout, "%d findings in %d cases", len(found), len(cases))
		if len(allowed) > 0 {
			fmt.Fprintf(c.stdout, " (%d more on the allow-list)", len(allowed))
		}
		fmt.Fprintln(c.stdout)
	}
	if len(found) > 0 {
		return errFindings
	}
	return nil
}

// lintFinding is a dimension or theme a case's text names but its tags lack.
type lintFinding struct {
	Case     string         `json:"case"`
	Kind     string         `json:"kind"` // dimension or theme
	Code     string         `json:"code"`
	Label    corpus.Text    `json:"label"`
	Evidence []lintEvidence `json:"evidence"`
}

// lintEvidence is one word that names the code and where it was found.
type lintEvidence struct {
	Word   string `json:"word"`
	Field  string `json:"field"`  // title.zh, summary.en, products, technologies_en, … or text (the suggester reads all of it)
	Source string `json:"source"` // taxonomy, glossary or suggester
	// Score is the suggester's, for its evidence.
	Score float64 `json:"score,omitempty"`
}

func (f lintFinding) evidenceText() string {
	var parts []string
	for _, e := range f.Evidence {
		s := fmt.Sprintf("%q in %s", e.Word, e.Field)
		switch e.Source {
		case "glossary":
			s += " (glossary)"
		case "suggester":
			s = fmt.Sprintf("suggester %.2f: %s", e.Score, e.Word)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

// lintTerm is a known term: the codes ("theme:ai") it names, and the codes
// it belongs to, which are the codes it names and, for a glossary entry,
// those its other terms name in the taxonomy (AI金融大模型 is of ai because
// its entry has 大模型). A term of no code (a bank's name) only keeps the
// shorter terms inside it from counting.
type lintTerm struct {
	source string // taxonomy, glossary or bank
	names  []string
	of     []string
}

// linter finds the codes a case's text names.
type linter struct {
	tax    *corpus.Taxonomy
	terms  map[string]*lintTerm // by lowercase term
	sorted []string             // the keys, longest first
	model  *tagger.Model
	min    float64
}

func newLinter(tax *corpus.Taxonomy, gloss *corpus.Glossary, banks []*corpus.Bank) *linter {
	l := &linter{tax: tax, terms: map[string]*lintTerm{}}
	add := func(word, source string, names, of []string) {
		k := strings.ToLower(strings.TrimSpace(word))
		if utf8.RuneCountInString(k) < 2 {
			return // one letter or character names nothing reliably
		}
		t := l.terms[k]
		if t == nil {
			t = &lintTerm{source: source}
			l.terms[k] = t
		}
		for _, n := range names {
			if !slices.Contains(t.names, n) {
				t.names = append(t.names, n)
			}
		}
		for _, n := range slices.Concat(names, of) {
			if !slices.Contains(t.of, n) {
				t.of = append(t.of, n)
			}
		}
	}
	taxCodes := map[string][]string{} // lowercase label or alias → codes
	for _, kind := range corpus.TaxonomyLists {
		for _, v := range tax.Values(kind) {
			var names []string
			if kind == corpus.FacetDimension || kind == corpus.FacetTheme {
				names = []string{kind + ":" + v.Code}
			}
			for i, w := range append(append([]string{v.ZH, v.EN}, v.AliasesZH...), v.AliasesEN...) {
				wordNames := names
				// A dimension's own name is an everyday word of every case
				// (技术, 数据, 应用: 数据 is in 43 of the 114 curated cases'
				// titles and summaries, 16 of them of the data dimension);
				// only its aliases (数据层面, "data dimension") name it.
				if kind == corpus.FacetDimension && i < 2 {
					wordNames = nil
				}
				add(w, "taxonomy", wordNames, names)
				k := strings.ToLower(strings.TrimSpace(w))
				taxCodes[k] = append(taxCodes[k], names...)
			}
		}
	}
	if gloss != nil {
		for _, e := range gloss.Entries {
			var names, of []string
			for _, th := range e.Themes {
				if tax.Has(corpus.FacetTheme, th) {
					names = append(names, corpus.FacetTheme+":"+th)
				}
			}
			for _, w := range e.Terms() {
				of = append(of, taxCodes[strings.ToLower(strings.TrimSpace(w))]...)
			}
			// An entry without themes is a concept of no value: its terms
			// neither name a code nor keep the words inside them from
			// naming one (AI assistant is still AI).
			if len(names) == 0 {
				continue
			}
			for _, w := range e.Terms() {
				add(w, "glossary", names, of)
			}
		}
	}
	for _, b := range banks {
		for _, w := range append([]string{b.Name, b.NameEN}, b.Aliases...) {
			add(w, "bank", nil, nil)
		}
	}
	for k := range l.terms {
		l.sorted = append(l.sorted, k)
	}
	slices.SortFunc(l.sorted, func(a, b string) int {
		if d := len(b) - len(a); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	return l
}

// useSuggester trains the tag suggester on the cases: a theme it scores at
// least min, the case itself left out, is a finding too.
func (l *linter) useSuggester(cases []*corpus.Case, gloss *corpus.Glossary, banks []*corpus.Bank, min float64) {
	l.model = tagger.NewModel(cases, l.tax, gloss, banks)
	l.min = min
}

// lintField is one field a case names its subject in.
type lintField struct {
	name, text string
	english    bool
}

// lintFields are the fields a case names its subject in: its title and
// summary, and its products' and technologies' names.
func lintFields(c *corpus.Case) []lintField {
	fields := []lintField{{"title.zh", c.Title.ZH, false}, {"title.en", c.Title.EN, true}, {"summary.zh", c.Summary.ZH, false}, {"summary.en", c.Summary.EN, true}}
	for _, l := range []struct {
		name    string
		items   []string
		english bool
	}{{"products", c.Products, false}, {"products_en", c.ProductsEN, true}, {"technologies", c.Technologies, false}, {"technologies_en", c.TechnologiesEN, true}} {
		for _, it := range l.items {
			fields = append(fields, lintField{l.name, it, l.english})
		}
	}
	return fields
}

// Lint returns the dimensions and themes c's text names that c lacks, in
// taxonomy order.
func (l *linter) Lint(c *corpus.Case) []lintFinding {
	has := map[string]bool{}
	for _, d := range c.Dimensions {
		has[corpus.FacetDimension+":"+d] = true
	}
	for _, t := range c.Themes {
		has[corpus.FacetTheme+":"+t] = true
	}
	evidence := map[string][]lintEvidence{}
	addEvidence := func(code string, e lintEvidence) {
		if !slices.ContainsFunc(evidence[code], func(x lintEvidence) bool {
			return strings.EqualFold(x.Word, e.Word) && x.Field == e.Field
		}) {
			evidence[code] = append(evidence[code], e)
		}
	}
	// The English of a bilingual case is a translation: an English word
	// its Chinese does not back is the translator's word for something
	// else (获客 as "acquisition", a village's 资产管理 as "asset
	// management"), so it counts only where the Chinese names the code
	// too, or where the case has no Chinese.
	english := map[string][]lintEvidence{}
	chinese := false
	for _, f := range lintFields(c) {
		if !f.english && strings.ContainsFunc(f.text, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
			chinese = true
		}
		for _, m := range l.matches(f.text) {
			if f.name == "summary.zh" && enumerated(f.text, m.start, m.end) {
				continue
			}
			for _, code := range m.term.names {
				if has[code] {
					continue
				}
				e := lintEvidence{Word: m.text, Field: f.name, Source: m.term.source}
				if f.english {
					english[code] = append(english[code], e)
				} else {
					addEvidence(code, e)
				}
			}
		}
	}
	for code, es := range english {
		if !chinese || len(evidence[code]) > 0 {
			for _, e := range es {
				addEvidence(code, e)
			}
		}
	}
	if l.model != nil {
		sg := l.model.Suggest(tagger.Draft{Text: lintCaseText(c)}, &c.Bank, c.ID)
		for _, s := range sg.Themes {
			code := corpus.FacetTheme + ":" + s.Code
			if s.Score >= l.min && !has[code] {
				words := append(append([]string{}, s.Matched...), s.Evidence...)
				addEvidence(code, lintEvidence{Word: strings.Join(words[:min(4, len(words))], ", "), Field: "text", Source: "suggester", Score: s.Score})
			}
		}
	}
	var out []lintFinding
	for _, kind := range []string{corpus.FacetDimension, corpus.FacetTheme} {
		for _, v := range l.tax.Values(kind) {
			if ev := evidence[kind+":"+v.Code]; len(ev) > 0 {
				out = append(out, lintFinding{Case: c.ID, Kind: kind, Code: v.Code, Label: corpus.Text{ZH: v.ZH, EN: v.EN}, Evidence: ev})
			}
		}
	}
	return out
}

// lintCaseText is what the suggester reads of a case, as it reads a draft.
func lintCaseText(c *corpus.Case) string {
	return strings.Join([]string{c.Title.ZH, c.Title.EN, c.Summary.ZH, c.Summary.EN, c.Body, c.Outcome,
		strings.Join(c.Products, " "), strings.Join(c.Technologies, " "), strings.Join(c.Partners, " ")}, "\n")
}

type lintMatch struct {
	term       *lintTerm
	text       string // as written in the field
	start, end int    // byte offsets in the lowercased text
}

// matches returns the known terms in s that count: English and other Latin
// terms only as whole words (AI not in "email"), and no term inside a longer
// one found at the same place unless that one is of the same code (数据 in
// 数据治理 is data_governance's, not the data dimension's; 民生 in 民生银行 is a
// bank's name).
func (l *linter) matches(s string) []lintMatch {
	lower := lowerSameLength(s)
	var all []lintMatch
	for _, k := range l.sorted {
		for from := 0; from < len(lower); {
			i := strings.Index(lower[from:], k)
			if i < 0 {
				break
			}
			start, end := from+i, from+i+len(k)
			from = start + 1
			if wholeWord(lower, start, end) {
				all = append(all, lintMatch{term: l.terms[k], text: s[start:end], start: start, end: end})
			}
		}
	}
	var out []lintMatch
	for _, m := range all {
		// A match inside a longer one is dropped when the longer one is of
		// another value (it takes the place) or names every code it names
		// (it says the same: "federated" in "federated learning").
		inside := slices.ContainsFunc(all, func(o lintMatch) bool {
			if o.end-o.start <= m.end-m.start || o.start > m.start || o.end < m.end {
				return false
			}
			other := slices.ContainsFunc(m.term.names, func(n string) bool { return !slices.Contains(o.term.of, n) })
			same := !slices.ContainsFunc(m.term.names, func(n string) bool { return !slices.Contains(o.term.names, n) })
			return other || same
		})
		if !inside && len(m.term.names) > 0 {
			out = append(out, m)
		}
	}
	return out
}

// enumerated reports whether s[start:end] is an item of a list such as
// 营销、客服、反欺诈、质检以及科技金融 or 为企业、政务等客户: a summary that
// lists the areas a practice touches is not about each of them. An item is
// within three characters of a 、 before or after it, of a 等 after it, or
// of a 和, 及, 与 or 或 before it in a clause that has a 、.
func enumerated(s string, start, end int) bool {
	const stops = "，。；：！？,;!?\n"
	from := strings.LastIndexAny(s[:start], stops) + 1
	if from > 0 {
		_, size := utf8.DecodeRuneInString(s[from-1:])
		from += size - 1 // past the whole delimiter, not its first byte
	}
	to := len(s)
	if i := strings.IndexAny(s[end:], stops); i >= 0 {
		to = end + i
	}
	if !strings.Contains(s[from:to], "、") {
		return false
	}
	before, after := []rune(s[from:start]), []rune(s[end:to])
	return strings.ContainsAny(string(before[max(0, len(before)-3):]), "、和及与或") ||
		strings.ContainsAny(string(after[:min(3, len(after))]), "、等")
}

// wholeWord reports whether s[start:end] does not cut a Latin word: a term
// that begins (ends) with a letter or digit needs none before (after) it.
func wholeWord(s string, start, end int) bool {
	first, _ := utf8.DecodeRuneInString(s[start:end])
	last, _ := utf8.DecodeLastRuneInString(s[start:end])
	if latin(first) && start > 0 {
		if r, _ := utf8.DecodeLastRuneInString(s[:start]); latin(r) {
			return false
		}
	}
	if latin(last) && end < len(s) {
		if r, _ := utf8.DecodeRuneInString(s[end:]); latin(r) {
			return false
		}
	}
	return true
}

// latin is a letter or digit of a word that spaces delimit (not Han).
func latin(r rune) bool {
	return (unicode.IsLetter(r) || unicode.IsDigit(r)) && !unicode.Is(unicode.Han, r)
}

// lowerSameLength lowercases the runes whose lowercase has the same length,
// so that offsets in the result are offsets in s.
func lowerSameLength(s string) string {
	var b strings.Builder
	for _, r := range s {
		lr := unicode.ToLower(r)
		if utf8.RuneLen(lr) != utf8.RuneLen(r) {
			lr = r
		}
		b.WriteRune(lr)
	}
	return b.String()
}

// defaultLintAllow is the reviewed false positives of the embedded corpus.
//
//go:embed lint-allow.json
var defaultLintAllow []byte

// parseLintAllow reads an allow-list: [{"case", "code", "reason"}], the code
// as kind:code (theme:ai); an item without a case allows the code in every
// case. Keys are "case kind:code", "* kind:code" for every case.
func parseLintAllow(b []byte) (map[string]bool, error) {
	var items []struct {
		Case   string `json:"case"`
		Code   string `json:"code"`
		Reason string `json:"reason"`
	}
	if err := json.Unmarshal(b, &items); err != nil {
		return nil, err
	}
	set := map[string]bool{}
	for i, it := range items {
		if !strings.Contains(it.Code, ":") || strings.TrimSpace(it.Reason) == "" {
			return nil, fmt.Errorf("item %d needs a code such as theme:ai and a reason", i+1)
		}
		if it.Case == "" {
			it.Case = "*"
		}
		set[it.Case+" "+it.Code] = true
	}
	return set, nil
}
