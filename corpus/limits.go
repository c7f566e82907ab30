package corpus

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits on what one record may hold: text in characters (Unicode code
// points), lists in entries. They keep every stored record small enough that
// reading, indexing and showing it stay cheap (a 6 KB product name once made
// every view of its case cost gigabytes), and they are far above what the
// embedded corpus and the 2025 report need (TestSeedFitsLimits).
const (
	MaxID              = 120   // case, bank and policy ids (lowercase ASCII)
	MaxTitle           = 300   // title.zh, title.en
	MaxSummary         = 2000  // summary.zh, summary.en
	MaxBody            = 20000 // body
	MaxOutcome         = 5000  // outcome
	MaxPattern         = 300   // pattern
	MaxNames           = 50    // entries of products, partners, technologies
	MaxName            = 100   // each product, partner, technology
	MaxFigures         = 50    // figures
	MaxFigureText      = 200   // each figure's label and value
	MaxDimensions      = 10    // dimensions
	MaxThemes          = 30    // themes, of a case or a policy
	MaxCode            = 64    // a taxonomy code, wherever one is given
	MaxSourceText      = 300   // source.report, source.heading
	MaxSourcePlace     = 100   // source.section, source.table, source.part
	MaxExcerpt         = 20000 // source.excerpt
	MaxBankName        = 200   // bank.name, bank.name_en, each alias
	MaxBankAliases     = 20    // bank.aliases
	MaxCity            = 50    // bank.city
	MaxPolicyName      = 500   // policy name, name_en (English titles of regulations run long)
	MaxIssuer          = 200   // policy issuer
	MaxPoints          = 5000  // policy points.zh, points.en
	MaxLabel           = 100   // a taxonomy label (zh, en) and each alias
	MaxLabelAliases    = 50    // taxonomy aliases of one value, per language
	MaxTaxonomyValues  = 500   // values of one taxonomy kind
	MaxGlossaryEntries = 5000  // entries of the glossary; each has at most MaxLabelAliases terms per language of MaxLabel
	MaxBulkIDs         = 10000 // cases of one bulk tag change
	MaxDecisions       = 100   // accepted or rejected suggestions of one tag change, each at most MaxName
)

// Limit is one row of FieldLimits.
type Limit struct {
	Record string `json:"record"` // case, bank, policy, taxonomy, tag change, bulk tag change
	Field  string `json:"field"`  // as errors name it; [i] stands for each entry
	Max    int    `json:"max"`
	Unit   string `json:"unit"` // characters or entries
}

const (
	chars   = "characters"
	entries = "entries"
)

// FieldLimits lists every limit a write is checked against, for the README
// and for clients. A write over a limit is refused with an invalid error
// naming the field, the limit and the size it has.
var FieldLimits = []Limit{
	{"case", "id, bank.id", MaxID, chars},
	{"case", "title.zh, title.en", MaxTitle, chars},
	{"case", "summary.zh, summary.en", MaxSummary, chars},
	{"case", "body, body_en", MaxBody, chars},
	{"case", "outcome, outcome_en", MaxOutcome, chars},
	{"case", "pattern", MaxPattern, chars},
	{"case", "products, partners, technologies (and their _en lists)", MaxNames, entries},
	{"case", "products[i], partners[i], technologies[i] (and their _en lists)", MaxName, chars},
	{"case", "figures", MaxFigures, entries},
	{"case", "figures[i].label, figures[i].value, figures[i].label_en, figures[i].value_en", MaxFigureText, chars},
	{"case", "dimensions", MaxDimensions, entries},
	{"case", "themes", MaxThemes, entries},
	{"case", "dimensions[i], themes[i]", MaxCode, chars},
	{"case, policy", "source.report, source.heading", MaxSourceText, chars},
	{"case, policy", "source.section, source.table, source.part", MaxSourcePlace, chars},
	{"case, policy", "source.excerpt", MaxExcerpt, chars},
	{"bank", "bank.id", MaxID, chars},
	{"bank", "bank.name, bank.name_en, bank.aliases[i]", MaxBankName, chars},
	{"bank", "bank.aliases", MaxBankAliases, entries},
	{"bank", "bank.city", MaxCity, chars},
	{"policy", "id", MaxID, chars},
	{"policy", "name, name_en", MaxPolicyName, chars},
	{"policy", "issuer", MaxIssuer, chars},
	{"policy", "points.zh, points.en", MaxPoints, chars},
	{"policy", "themes", MaxThemes, entries},
	{"taxonomy", "values of one kind", MaxTaxonomyValues, entries},
	{"taxonomy", "code, into", MaxCode, chars},
	{"taxonomy", "zh, en, aliases_zh[i], aliases_en[i]", MaxLabel, chars},
	{"taxonomy", "aliases_zh, aliases_en", MaxLabelAliases, entries},
	{"glossary", "entries", MaxGlossaryEntries, entries},
	{"glossary", "entries[i].en, entries[i].zh", MaxLabelAliases, entries},
	{"glossary", "entries[i].en[j], entries[i].zh[j]", MaxLabel, chars},
	{"tag change", "dimensions, add.dimensions, remove.dimensions", MaxDimensions, entries},
	{"tag change", "themes, add.themes, remove.themes", MaxThemes, entries},
	{"tag change", "decisions.accepted, decisions.rejected", MaxDecisions, entries},
	{"tag change", "decisions.accepted[i], decisions.rejected[i]", MaxName, chars},
	{"bulk tag change", "ids (given or found by the search)", MaxBulkIDs, entries},
}

// maxShown is how many bad values or entries one error lists before it
// only counts the rest, so that a huge request gets a short answer.
const maxShown = 5

// limits gathers the fields of one record that break a limit. Its checks
// take time linear in the input and need no taxonomy, so writes run them
// before taking the store's write lock.
type limits struct{ fields []FieldError }

func (l *limits) bad(field, msg string) {
	l.fields = append(l.fields, FieldError{Field: field, Message: msg})
}

// text checks that s is valid UTF-8 without NUL bytes or other control
// characters and at most max characters.
func (l *limits) text(field, s string, max int) bool {
	if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
		l.bad(field, "must be valid UTF-8 without NUL bytes")
		return false
	}
	if i := controlAt(s); i >= 0 {
		r, _ := utf8.DecodeRuneInString(s[i:])
		l.bad(field, fmt.Sprintf("must not contain control characters (%U at character %d)", r, utf8.RuneCountInString(s[:i])+1))
		return false
	}
	// A string of at most max bytes cannot hold more characters.
	if len(s) > max {
		if n := utf8.RuneCountInString(s); n > max {
			l.bad(field, fmt.Sprintf("at most %d characters (this one has %d)", max, n))
			return false
		}
	}
	return true
}

// controlAt returns the byte offset of the first control character in the
// valid UTF-8 s, or -1. Tab, LF and CR are text; the other C0 characters,
// DEL and C1 (U+0080–U+009F, which UTF-8 writes as 0xC2 0x80–0x9F) would
// drive a terminal (ESC), ring it (BEL) or hide text when shown or exported.
func controlAt(s string) int {
	for i := 0; i < len(s); i++ {
		b := s[i]
		if b < 0x20 && b != '\t' && b != '\n' && b != '\r' || b == 0x7f ||
			b == 0xc2 && i+1 < len(s) && s[i+1] >= 0x80 && s[i+1] <= 0x9f {
			return i
		}
	}
	return -1
}

// count checks that a list has at most max entries.
func (l *limits) count(field string, n, max int) bool {
	if n > max {
		l.bad(field, fmt.Sprintf("at most %d entries (this one has %d)", max, n))
		return false
	}
	return true
}

// list checks a list's length and then each entry, named field[i]. Of many
// bad entries it names the first few and counts the rest.
func (l *limits) list(field string, items []string, maxItems, maxLen int) bool {
	if !l.count(field, len(items), maxItems) {
		return false
	}
	var each limits
	for i, s := range items {
		each.text(field+"["+strconv.Itoa(i)+"]", s, maxLen)
	}
	l.some(field, each.fields)
	return len(each.fields) == 0
}

// some adds the first few of fields and one line counting the rest.
func (l *limits) some(field string, fields []FieldError) {
	if len(fields) <= maxShown {
		l.fields = append(l.fields, fields...)
		return
	}
	l.fields = append(l.fields, fields[:maxShown]...)
	l.bad(field, fmt.Sprintf("and %d more entries like these", len(fields)-maxShown))
}

// err returns the invalid error for what, nil when every check passed.
func (l *limits) err(what string) error {
	if len(l.fields) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: summarize(what, l.fields), Fields: l.fields}
}

// source checks the fields of a case's or policy's source.
func (l *limits) source(s Source) {
	l.text("source.report", s.Report, MaxSourceText)
	l.text("source.heading", s.Heading, MaxSourceText)
	l.text("source.section", s.Section, MaxSourcePlace)
	l.text("source.table", s.Table, MaxSourcePlace)
	l.text("source.part", s.Part, MaxSourcePlace)
	l.text("source.excerpt", s.Excerpt, MaxExcerpt)
}

// quoteSome quotes the first few values, each shortened, and counts the
// rest: `"x", "y", "z" and 99997 more`. An error about a request's values
// then stays short however many it sends.
func quoteSome(vals []string) string {
	q := make([]string, 0, min(len(vals), maxShown))
	for _, v := range vals[:min(len(vals), maxShown)] {
		q = append(q, QuoteShort(v))
	}
	s := strings.Join(q, ", ")
	if n := len(vals) - len(q); n > 0 {
		s += fmt.Sprintf(" and %d more", n)
	}
	return s
}

// QuoteShort quotes s, cut to MaxCode characters, for an error message
// that names a value a request sent.
func QuoteShort(s string) string {
	n := 0
	for i := range s {
		if n == MaxCode {
			s = s[:i] + "…"
			break
		}
		n++
	}
	return strconv.Quote(s)
}
