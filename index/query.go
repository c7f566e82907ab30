package index

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"casebank/corpus"
)

// MaxQueryLength bounds a query in characters and MaxQueryTerms in terms;
// longer ones are refused rather than expanded into thousands of clauses.
const (
	MaxQueryLength = 500
	MaxQueryTerms  = 40
)

// Term is one unit of a parsed query.
type Term struct {
	Text   string `json:"text"`
	Phrase bool   `json:"phrase,omitempty"`
	Negate bool   `json:"negate,omitempty"`
	// Field restricts a text term to one group of fields (title, body, ...).
	Field string `json:"field,omitempty"`
}

// Parsed is a query split into text terms and field:value filters.
type Parsed struct {
	Terms   []Term
	Filters map[string][]string // facet field → raw values as typed
}

// textScopes maps the field names users may type to the indexed fields.
var textScopes = map[string][]string{
	"title":   {fieldTitleZH, fieldTitleEN},
	"summary": {fieldSummaryZH, fieldSummaryEN},
	"body":    {fieldBody, fieldTextEN},
	"outcome": {fieldOutcome, fieldTextEN},
	"product": {fieldNames, fieldNamesEN},
	"pattern": {fieldPattern},
}

// typableFields lists the names a query may use before ':', for its error.
func typableFields() string {
	var names []string
	for _, f := range corpus.Facets {
		names = append(names, f.Name)
	}
	for name := range textScopes {
		names = append(names, name)
	}
	slices.Sort(names[len(corpus.Facets):])
	return strings.Join(names, ", ")
}

// Parse splits q into terms: words, "quoted phrases", -exclusions and
// field:value pairs. Malformed syntax is an EINVALID error saying what is wrong.
func Parse(q string) (*Parsed, error) {
	if err := checkQuery(q); err != nil {
		return nil, err
	}
	p := &Parsed{Filters: map[string][]string{}}
	lx := lexer{rs: []rune(q)}
	for {
		t, ok, err := lx.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			return p, nil
		}
		if err := p.add(t); err != nil {
			return nil, err
		}
	}
}

// checkQuery refuses what no query may hold, before it is read term by term.
func checkQuery(q string) error {
	if !utf8.ValidString(q) || strings.ContainsRune(q, 0) {
		return corpus.Errorf(corpus.EINVALID, "query must be valid UTF-8 without NUL bytes")
	}
	if n := utf8.RuneCountInString(q); n > MaxQueryLength {
		return corpus.Errorf(corpus.EINVALID, "query is %d characters long; the limit is %d", n, MaxQueryLength)
	}
	if err := checkParens(q); err != nil {
		return err
	}
	if m := regexpSyntax.FindString(q); m != "" {
		return corpus.Errorf(corpus.EINVALID, "regular expressions (%s) are not supported; search for words or \"phrases\"", strings.TrimSpace(m))
	}
	return nil
}

// add files a term: a field:value of a facet is a filter, anything else a term.
func (p *Parsed) add(t Term) error {
	if f, ok := corpus.FacetByName(t.Field); ok {
		if t.Negate {
			return corpus.Errorf(corpus.EINVALID, "excluding a %s (-%s:) is not supported; filter on the values you want instead", t.Field, t.Field)
		}
		p.Filters[f.Name] = append(p.Filters[f.Name], t.Text)
		return nil
	}
	p.Terms = append(p.Terms, t)
	if len(p.Terms) > MaxQueryTerms {
		return corpus.Errorf(corpus.EINVALID, "the query has more than %d terms; use fewer words", MaxQueryTerms)
	}
	return nil
}

// lexer reads a query's terms one at a time.
type lexer struct {
	rs []rune
	i  int
}

// next reads the next non-empty term; ok is false at the end of the query.
func (lx *lexer) next() (t Term, ok bool, err error) {
	rs := lx.rs
	for lx.i < len(rs) {
		if isSpace(rs[lx.i]) || rs[lx.i] == '(' || rs[lx.i] == ')' {
			lx.i++
			continue
		}
		t = Term{}
		if rs[lx.i] == '-' {
			t.Negate = true
			lx.i++
			if lx.i == len(rs) || isSpace(rs[lx.i]) {
				continue // a lone dash excludes nothing
			}
		}
		if t.Field, err = lx.field(); err != nil {
			return t, false, err
		}
		var text string
		if text, t.Phrase, err = lx.value(); err != nil {
			return t, false, err
		}
		if t.Text = strings.TrimSpace(text); t.Text != "" {
			return t, true, nil
		}
	}
	return t, false, nil
}

// field reads a "field:" before a value, if there is one: ASCII letters and
// underscores naming a facet or a text scope.
func (lx *lexer) field() (string, error) {
	rs, i := lx.rs, lx.i
	j := i
	for j < len(rs) && (rs[j] == '_' || rs[j] < utf8.RuneSelf && unicode.IsLetter(rs[j])) {
		j++
	}
	if j == i || j == len(rs) || rs[j] != ':' {
		return "", nil
	}
	name := strings.ToLower(string(rs[i:j]))
	_, isFilter := corpus.FacetByName(name)
	_, isText := textScopes[name]
	if !isFilter && !isText {
		return "", corpus.Errorf(corpus.EINVALID, "unknown field %q before ':'; fields are %s", name, typableFields())
	}
	lx.i = j + 1
	if lx.i == len(rs) || isSpace(rs[lx.i]) {
		return "", corpus.Errorf(corpus.EINVALID, "field %q needs a value after ':'", name)
	}
	return name, nil
}

// value reads a quoted phrase or a word.
func (lx *lexer) value() (text string, phrase bool, err error) {
	rs, i := lx.rs, lx.i
	if open, ok := quoteClose[rs[i]]; ok {
		end := indexRune(rs, i+1, open)
		if end < 0 {
			return "", false, corpus.Errorf(corpus.EINVALID, "unterminated quote at character %d: add the closing %c", i+1, open)
		}
		lx.i = end + 1
		return string(rs[i+1 : end]), true, nil
	}
	j := i
	for j < len(rs) && !isSpace(rs[j]) && rs[j] != '(' && rs[j] != ')' {
		j++
	}
	lx.i = j
	text = string(rs[i:j])
	if len(text) > 1 && text[0] == '/' && text[len(text)-1] == '/' {
		return "", false, corpus.Errorf(corpus.EINVALID, "regular expressions (%s) are not supported; search for words or \"phrases\"", text)
	}
	return text, false, nil
}

// regexpSyntax finds /…/ the way query-string syntaxes write regular expressions.
var regexpSyntax = regexp.MustCompile(`(^|\s)/[^/\s][^/]*/(\s|$)`)

// quoteClose maps each opening quote to its closing quote; Chinese input
// methods type “…” and 「…」.
var quoteClose = map[rune]rune{'"': '"', '“': '”', '「': '」'}

func indexRune(rs []rune, from int, r rune) int {
	for i := from; i < len(rs); i++ {
		if rs[i] == r {
			return i
		}
	}
	return -1
}

func isSpace(r rune) bool { return unicode.IsSpace(r) || r == '\u3000' }

func checkParens(q string) error {
	depth, inQuote := 0, false
	for i, r := range []rune(q) {
		switch {
		case r == '"':
			inQuote = !inQuote
		case inQuote:
		case r == '(':
			depth++
		case r == ')':
			depth--
			if depth < 0 {
				return corpus.Errorf(corpus.EINVALID, "unmatched ')' at character %d", i+1)
			}
		}
	}
	if depth > 0 {
		return corpus.Errorf(corpus.EINVALID, "unmatched '(': add the closing ')'")
	}
	return nil
}

// String renders the terms back into query syntax.
func (p *Parsed) String() string {
	var parts []string
	for _, t := range p.Terms {
		s := t.Text
		if t.Phrase {
			s = `"` + s + `"`
		}
		if t.Field != "" {
			s = t.Field + ":" + s
		}
		if t.Negate {
			s = "-" + s
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}
