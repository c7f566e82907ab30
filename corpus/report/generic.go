package report

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"casebank/corpus"
)

// Generic reads an edition no layout knows, by the shape of its parts
// rather than their numbers: a table is a caption (表…) and the rows after
// it, and a row is a case when one of its cells, whichever, names a bank;
// a headed section "某某银行：……" is a case with the paragraphs under it;
// a caption or heading that names a dimension or theme of the taxonomy
// (战略层面, 科技金融) gives it to the items under it. Banks is the registry
// to recognise names by (and aliases); a name shaped like a bank's
// (…银行, …农商行, …农信) is taken too and proposed as new.
type Generic struct {
	Banks    []*corpus.Bank
	Taxonomy *corpus.Taxonomy // nil means the default
}

var (
	// 表 3、表3-1、表 三 … followed by the caption.
	reGenCaption = regexp.MustCompile(`^表\s*([0-9一二三四五六七八九十]+(?:\s*[-－—.．]\s*[0-9]+)?)\s*[：:、.]?\s*(.*)$`)
	// A heading: 第三章, 3.2 …, 一、…, （二）…, 专题 …; short, no full stop.
	reGenHeading = regexp.MustCompile(`^(第[一二三四五六七八九十0-9]+[章节部分篇]|[0-9]+(?:\.[0-9]+)*\s|[一二三四五六七八九十]+[、．.\s]|[（(][一二三四五六七八九十0-9]+[）)]|专题)`)
	// A headed bank section: optional numbering, the bank, a colon, a title.
	reGenBankHead = regexp.MustCompile(`^(?:[（(]?[一二三四五六七八九十0-9]+[）)、.．]\s*)?([^\s：:，。,]{2,40}?)\s*[：:]\s*(.*)$`)
	// A bank-like name: what a report calls a bank the registry may lack.
	reBankLike = regexp.MustCompile(`^[\p{Han}A-Za-z（）()]{1,30}(银行|农商行|农信|农信社|信用社|村镇银行|农村商业银行|农村合作银行)$`)
	reGenYear  = regexp.MustCompile(`（\s*(20\d\d)\s*）|\(\s*(20\d\d)\s*\)|^(20\d\d)$|(20\d\d)\s*年?版`)
	reGenSplit = regexp.MustCompile(`\t+|\s{2,}`)
	reGenSrc   = regexp.MustCompile(`^(资料来源|数据来源|来源)[：:]`)
	// Words shaped like a bank's name that name a kind of bank: a header
	// repeated after a page break (代表性银行), a category.
	reNotABank = regexp.MustCompile(`^(代表性|部分|中小|典型|其他|各类|上述|全国|地方|商业银行|民营银行|国有|股份制|城商行|农商行|村镇银行$)`)
	// pdftotext -layout sets a contents line's page number apart by spaces.
	reTOCDots = regexp.MustCompile(`(\.{3,}|…{2,}|·{3,}|\S {4,})\s*\d{1,3}$`)
)

// Unplaced is a table row that looked like a case but named no bank.
type Unplaced struct {
	Where string `json:"where"`
	Line  int    `json:"line"`
	Text  string `json:"text"`
}

// Parse finds the items of a report by shape.
func (g Generic) Parse(r io.Reader) (*Report, error) {
	tax := g.Taxonomy
	if tax == nil {
		tax = corpus.DefaultTaxonomy()
	}
	p := &genParser{g: g, tax: tax, names: corpus.BanksByName(g.Banks), rep: &Report{Layout: g, Generic: true}}
	if err := scanLines(r, p.line); err != nil {
		return nil, err
	}
	p.flush()
	p.endTable()
	return finish(p.rep, "the edition's year, such as （2026） in the title, near the top",
		"no table row or headed section names a bank")
}

type genParser struct {
	g     Generic
	tax   *corpus.Taxonomy
	names map[string]*corpus.Bank
	rep   *Report

	heading     string // the current heading's text
	headingDim  string
	headingThm  string
	headingWhy  string
	headingLine int

	table    string // 表3, "" outside a table
	caption  string
	capDim   string
	capThm   string
	capWhy   string
	header   []string
	rowsSeen bool // a row of this table named a bank
	pending  []Unplaced
	pattern  string // of the row above
	layout   bool   // the table is laid out by position (pdftotext -layout)
	block    []layoutLine

	open *Item // the headed bank section being read
}

func (p *genParser) line(n int, raw string) {
	t := strings.TrimSpace(raw)
	if p.rep.Year == 0 && n <= 60 {
		if m := reGenYear.FindStringSubmatch(t); m != nil {
			for _, y := range m[1:] {
				if y != "" {
					p.rep.Year, _ = strconv.Atoi(y)
					if len([]rune(t)) < 60 && y != t {
						p.rep.Title = strings.ReplaceAll(t, " ", "")
					}
					break
				}
			}
		}
	}
	if t == "" {
		return
	}
	// A table of contents names the headed sections with their pages:
	// not the sections themselves.
	if p.table == "" && (reTOCLine.MatchString(raw) || reTOCDots.MatchString(t)) {
		return
	}
	if reBackMatter.MatchString(t) {
		p.flush()
		p.endTable()
		p.heading, p.headingDim, p.headingThm, p.headingWhy = t, "", "", ""
		return
	}
	if m := reGenCaption.FindStringSubmatch(t); m != nil && len([]rune(t)) < 80 {
		p.flush()
		p.endTable()
		num := strings.Map(func(r rune) rune {
			switch r {
			case ' ', '\t':
				return -1
			case '－', '—', '.', '．':
				return '-'
			}
			return r
		}, m[1])
		p.table, p.caption, p.header, p.rowsSeen, p.pattern = "表"+num, m[2], nil, false, ""
		p.capDim, p.capThm, p.capWhy = p.tags(m[2], "caption")
		return
	}
	if p.table != "" {
		if reGenSrc.MatchString(t) {
			p.endTable()
			return
		}
		if p.header == nil && !strings.Contains(raw, "\t") && len(splitCells(raw)) >= 2 {
			p.layout = true // pdftotext -layout: columns by position
		}
		if p.layout {
			if !(p.isHeading(t) && len(splitCells(raw)) < 2) {
				p.block = append(p.block, layoutLine{n, raw})
				p.header = []string{} // seen
				return
			}
			p.endTable()
		} else if cells := splitCells(raw); len(cells) >= 2 || p.header == nil {
			p.row(n, cells)
			return
		}
		// One cell: the row above wrapped, or the table is over.
		if k := len(p.rep.Items); p.table != "" && k > 0 && p.rep.Items[k-1].Table == p.table && p.rowsSeen && !p.isHeading(t) {
			p.rep.Items[k-1].Text += t
			return
		}
		p.endTable()
	}
	if p.bankHead(n, t) {
		return
	}
	if p.isHeading(t) {
		p.flush()
		p.heading, p.headingLine = t, n
		p.headingDim, p.headingThm, p.headingWhy = p.tags(t, "heading")
		return
	}
	if p.open != nil {
		p.open.Text += "\n" + t
	}
}

// isHeading tells a heading from running text: numbered, short, no full stop.
func (p *genParser) isHeading(t string) bool {
	return reGenHeading.MatchString(t) && len([]rune(t)) <= 40 && !strings.ContainsAny(t, "。；")
}

// bankHead opens a headed section when t is "某某银行：……".
func (p *genParser) bankHead(n int, t string) bool {
	m := reGenBankHead.FindStringSubmatch(t)
	if m == nil {
		return false
	}
	name := strings.TrimSpace(m[1])
	if !p.isBank(name) {
		return false
	}
	p.flush()
	where := "节-" + strings.ReplaceAll(p.heading, " ", "")
	if p.heading == "" {
		where = "节"
	}
	p.open = &Item{Section: where, Heading: p.heading, Bank: name, Text: t, Line: n,
		Dimension: p.headingDim, Theme: p.headingThm, Hint: p.headingWhy}
	return true
}

func (p *genParser) flush() {
	if p.open != nil {
		p.rep.Items = append(p.rep.Items, *p.open)
	}
	p.open = nil
}

func (p *genParser) endTable() {
	if p.layout {
		p.layoutRows()
	}
	if p.rowsSeen {
		p.rep.Unplaced = append(p.rep.Unplaced, p.pending...)
	}
	p.table, p.header, p.pending, p.rowsSeen = "", nil, nil, false
	p.layout, p.block = false, nil
}

// row reads one row of a table: the first is its header; a repeated
// header (after a page break) is skipped; a row is a case when a cell
// names a bank.
func (p *genParser) row(n int, cells []string) {
	if p.header == nil {
		p.header = cells
		return
	}
	if strings.Join(cells, "|") == strings.Join(p.header, "|") {
		return
	}
	col := -1
	for i, c := range cells {
		if p.isBank(c) {
			col = i
			break
		}
	}
	// A row of an alliance or association the registry knows (its
	// organisations' cases), when no cell names a bank.
	for i, c := range cells {
		if b, ok := p.names[corpus.NormalizeBankName(c)]; col < 0 && ok && b.Type == "org" {
			col = i
		}
	}
	if col < 0 {
		for _, c := range cells {
			if n := corpus.NormalizeBankName(c); reBankLike.MatchString(n) && reNotABank.MatchString(n) {
				return // the header again after a page break, in other words
			}
		}
		p.pending = append(p.pending, Unplaced{Where: p.table, Line: n, Text: truncate(strings.Join(cells, " "), 60)})
		return
	}
	p.rowsSeen = true
	var text []string
	var pattern string
	// An empty pattern cell continues the pattern above.
	for i, h := range p.header {
		if strings.HasSuffix(h, "模式") && (i >= len(cells) || cells[i] == "") {
			pattern = p.pattern
		}
	}
	for i, c := range cells {
		if i == col || c == "" {
			continue
		}
		h := ""
		if i < len(p.header) {
			h = p.header[i]
		}
		if strings.HasSuffix(h, "模式") && pattern == "" {
			pattern, p.pattern = c, c
			continue
		}
		if h != "" && len(cells) > 2 {
			c = h + "：" + c
		}
		text = append(text, c)
	}
	p.rep.Items = append(p.rep.Items, Item{
		Section: p.heading, Table: p.table, Heading: p.caption, Bank: cells[col], Pattern: pattern,
		Text: strings.Join(text, "\n"), Line: n, Dimension: p.capDim, Theme: p.capThm, Hint: p.capWhy,
	})
}

// startsKnown says whether n, a normalised name, is the start of a longer
// name the registry knows: 中小银行, wrapped, begins an alliance's name.
func (p *genParser) startsKnown(n string) bool {
	for k := range p.names {
		if len(k) > len(n) && strings.HasPrefix(k, n) {
			return true
		}
	}
	return false
}

// isBank says whether s names a bank: one the registry knows by a name or
// alias, or a name shaped like a bank's.
func (p *genParser) isBank(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" {
		return false
	}
	if b, ok := p.names[corpus.NormalizeBankName(s)]; ok && b.Type != "org" {
		return true // a partner (an org of the registry) is no bank's case
	}
	n := corpus.NormalizeBankName(s)
	return reBankLike.MatchString(n) && !reNotABank.MatchString(n)
}

// tags finds the dimension and theme a caption or heading names, by the
// taxonomy's labels and aliases, the longest name first so that 科技金融
// is not read as 科技; why is the reason, "caption names 战略层面".
func (p *genParser) tags(s, what string) (dim, theme, why string) {
	var reasons []string
	if v, name := longestNamed(p.tax.Dimensions, s); v != "" {
		dim = v
		reasons = append(reasons, what+" names "+name)
	}
	if v, name := longestNamed(p.tax.Themes, s); v != "" {
		theme = v
		reasons = append(reasons, what+" names "+name)
	}
	return dim, theme, strings.Join(reasons, "; ")
}

func longestNamed(vals []corpus.Value, s string) (code, name string) {
	for _, v := range vals {
		for _, n := range append([]string{v.ZH}, v.AliasesZH...) {
			if n != "" && strings.Contains(s, n) && len(n) > len(name) {
				code, name = v.Code, n
			}
		}
	}
	return code, name
}

// splitCells splits a table row at tabs or, in pdftotext -layout output,
// at runs of two or more spaces, and drops HTML tags from the cells.
func splitCells(raw string) []string {
	// Tabs keep an empty first cell (the pattern above continues); spaces
	// cannot tell one.
	parts := strings.Split(strings.TrimRight(raw, " \r"), "\t")
	if len(parts) == 1 {
		parts = reGenSplit.Split(strings.TrimSpace(raw), -1)
	}
	cells := make([]string, 0, len(parts))
	for _, c := range parts {
		cells = append(cells, strings.TrimSpace(reHTMLTag.ReplaceAllString(c, "")))
	}
	return cells
}

// Draft makes the case of a generic item: the dimension its caption or
// heading names (else application), its theme, a title from its pattern or
// first sentence.
func (g Generic) Draft(it Item, bank *corpus.Bank, report string) *corpus.Case {
	excerpt := it.Text
	// A row's text starts with its column's header ("主要做法：…"):
	// the title and summary are the words after it.
	for it.Table != "" {
		first, more, _ := strings.Cut(it.Text, "\n")
		h, rest, ok := strings.Cut(first, "：")
		if !ok || len([]rune(h)) > 8 {
			break
		}
		// A row number (序号：1) is no title: the next cell is.
		if _, err := strconv.Atoi(strings.TrimSpace(rest)); err == nil && more != "" {
			it.Text = more
			continue
		}
		it.Text = rest + strings.TrimPrefix(it.Text, first)
		break
	}
	c := Layout2025.Draft(it, bank, report)
	c.Body, c.Source.Excerpt = excerpt, excerpt
	c.ID = importedID(it, bank.ID)
	c.Dimensions = []string{"application"}
	if it.Dimension != "" {
		c.Dimensions = []string{it.Dimension}
	}
	c.Themes = []string{}
	if it.Theme != "" {
		c.Themes = []string{it.Theme}
	}
	return c
}

// Detect chooses the layout of a report's text: the 2025 layout for the
// 2025 edition, the generic reading for any other.
func Detect(text []byte, banks []*corpus.Bank, tax *corpus.Taxonomy) Layout {
	if rep, err := Layout2025.Parse(bytes.NewReader(text)); err == nil && rep.Year == 2025 {
		return Layout2025
	}
	return Generic{Banks: banks, Taxonomy: tax}
}

// Summary is what a parse found in each table and section.
type Summary struct {
	Layout   string         `json:"layout"` // 2025, or generic
	Year     int            `json:"year"`
	Parts    []PartSummary  `json:"parts"`
	NewBanks []string       `json:"new_banks"`
	Unplaced []Unplaced     `json:"unplaced"`
	Items    int            `json:"items"`
	Resolved int            `json:"resolved"`
	byWhere  map[string]int `json:"-"`
}

// PartSummary counts the items of one table or section.
type PartSummary struct {
	Where    string   `json:"where"`
	Heading  string   `json:"heading,omitempty"`
	Items    int      `json:"items"`
	Resolved int      `json:"resolved"` // to banks the registry knows
	NewBanks []string `json:"new_banks,omitempty"`
	Unplaced int      `json:"unplaced"`
}

// Summarize counts a report's items per table and section against the
// registry.
func Summarize(rep *Report, banks []*corpus.Bank) *Summary {
	names := corpus.BanksByName(banks)
	s := &Summary{Layout: "2025", Year: rep.Year, NewBanks: []string{}, Unplaced: rep.Unplaced, byWhere: map[string]int{}}
	if rep.Generic {
		s.Layout = "generic"
	}
	if s.Unplaced == nil {
		s.Unplaced = []Unplaced{}
	}
	part := func(where, heading string) *PartSummary {
		i, ok := s.byWhere[where]
		if !ok {
			i = len(s.Parts)
			s.byWhere[where] = i
			s.Parts = append(s.Parts, PartSummary{Where: where, Heading: heading})
		}
		return &s.Parts[i]
	}
	newBank := map[string]bool{}
	for _, it := range rep.Items {
		ps := part(it.Where(), it.Heading)
		ps.Items++
		s.Items++
		if _, ok := names[corpus.NormalizeBankName(it.Bank)]; ok {
			ps.Resolved++
			s.Resolved++
		} else if !newBank[it.Bank] {
			newBank[it.Bank] = true
			ps.NewBanks = append(ps.NewBanks, it.Bank)
			s.NewBanks = append(s.NewBanks, it.Bank)
		}
	}
	for _, u := range s.Unplaced {
		part(u.Where, "").Unplaced++
	}
	sort.Strings(s.NewBanks)
	return s
}

// String prints the summary, one line per table or section.
func (s *Summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "layout %s, year %d: %d items, %d resolved to known banks, %d new banks, %d unplaced\n",
		s.Layout, s.Year, s.Items, s.Resolved, len(s.NewBanks), len(s.Unplaced))
	if s.Layout == "generic" {
		b.WriteString("  (no known layout for this edition: read by the shape of its tables and headed sections)\n")
	}
	for _, p := range s.Parts {
		fmt.Fprintf(&b, "  %s %s: %d items, %d resolved", p.Where, truncate(p.Heading, 24), p.Items, p.Resolved)
		if len(p.NewBanks) > 0 {
			fmt.Fprintf(&b, ", new banks: %s", strings.Join(p.NewBanks, "、"))
		}
		if p.Unplaced > 0 {
			fmt.Fprintf(&b, ", %d unplaced", p.Unplaced)
		}
		b.WriteString("\n")
	}
	for _, u := range s.Unplaced {
		fmt.Fprintf(&b, "  unplaced: %s line %d: %s\n", u.Where, u.Line, u.Text)
	}
	return b.String()
}

type layoutLine struct {
	n   int
	raw string
}

type segment struct {
	start int // in runes
	text  string
}

// segments splits a line at runs of two or more spaces, keeping where
// each part starts.
func segments(raw string) []segment {
	var out []segment
	r := []rune(strings.TrimRight(raw, " \r"))
	for i := 0; i < len(r); {
		if r[i] == ' ' || r[i] == '\t' {
			i++
			continue
		}
		j := i
		for j < len(r) && !(r[j] == '\t' || r[j] == ' ' && (j+1 >= len(r) || r[j+1] == ' ')) {
			j++
		}
		out = append(out, segment{i, string(r[i:j])})
		i = j
	}
	return out
}

// layoutRows rebuilds the rows of a table pdftotext laid out by position,
// where a cell's text wraps onto the lines below (a bank's name too: 重庆 /
// 富民 / 银行). The header's parts give the columns; the bank's column is
// the one whose wrapped parts join into banks' names; a row starts where
// its bank's name does, cells being top-aligned.
func (p *genParser) layoutRows() {
	lines := p.block
	if len(lines) < 2 {
		return
	}
	// A page break (form feed) inside a table is no character of a cell.
	for i := range lines {
		lines[i].raw = strings.ReplaceAll(lines[i].raw, "\f", " ")
	}
	hdr := segments(lines[0].raw)
	cols := make([]int, len(hdr))
	header := make([]string, len(hdr))
	for i, s := range hdr {
		cols[i], header[i] = s.start, s.text
	}
	colOf := func(start int) int {
		c := 0
		for i, s := range cols {
			if s <= start+1 {
				c = i
			}
		}
		return c
	}
	frags := func(raw string) []string {
		f := make([]string, len(cols))
		for _, s := range segments(raw) {
			f[colOf(s.start)] += s.text
		}
		return f
	}
	i := 1
	for ; i < len(lines); i++ { // a header's wrapped words: short, no bank
		ss := segments(lines[i].raw)
		short := len(ss) > 0
		for _, s := range ss {
			if len([]rune(s.text)) > 4 || p.isBank(s.text) {
				short = false
			}
		}
		if !short {
			break
		}
		for _, s := range ss {
			header[colOf(s.start)] += s.text
		}
	}
	// The header again (after a page break, or a table split in two)
	// may stand elsewhere: its words give the columns from there on.
	words := make([]string, len(hdr))
	for k, h := range hdr {
		words[k] = h.text
	}
	data := make([][]string, 0, len(lines)-i)
	at := make([]int, 0, len(lines)-i)
	// Its wording may differ (代表性机构 for 机构): two words of the
	// header at their places make it the header; its wrapped words follow.
	wrapped := false
	for k, l := range lines[i:] {
		ss := segments(l.raw)
		if wrapped {
			short := len(ss) > 0
			for _, sg := range ss {
				short = short && len([]rune(sg.text)) <= 4 && !p.isBank(sg.text)
			}
			if short {
				continue
			}
			wrapped = false
		}
		if len(ss) == len(words) {
			same := 0
			for j, sg := range ss {
				if sg.text == words[j] {
					same++
				}
			}
			if same == len(words) || same >= 2 {
				for j, sg := range ss {
					cols[j] = sg.start
				}
				wrapped = true
				continue
			}
		}
		data = append(data, frags(l.raw))
		at = append(at, i+k)
	}
	best, bestN := -1, 0
	for c := range cols {
		acc, n := "", 0
		for _, f := range data {
			if f[c] == "" {
				continue
			}
			if acc += f[c]; p.isBank(acc) {
				acc, n = "", n+1
			} else if len([]rune(acc)) > 30 || p.isBank(f[c]) {
				acc = ""
			}
		}
		if n > bestN {
			best, bestN = c, n
		}
	}
	p.header = header
	if best < 0 {
		return
	}
	type row struct {
		n     int
		cells []string
	}
	// A name the registry knows, banks' and organisations' (an alliance's
	// row is its members' case), ends a wrapped name.
	known := func(s string) bool {
		_, ok := p.names[corpus.NormalizeBankName(s)]
		return ok
	}
	var rows []row
	complete, inHeader := true, false
	for k, f := range data {
		// The header again may wrap too (代表/性机/构): its short words
		// are no row.
		if inHeader {
			short := true
			for _, sg := range segments(lines[at[k]].raw) {
				short = short && len([]rune(sg.text)) <= 4 && !p.isBank(sg.text)
			}
			if short {
				continue
			}
			inHeader = false
		}
		cur := ""
		if len(rows) > 0 && !complete {
			cur = rows[len(rows)-1].cells[best]
		}
		// A wrapped name's next line may look like a name itself
		// (北京中关 / 村银行): the registry's name it completes wins.
		if f[best] != "" && (complete || p.isBank(f[best]) && !known(cur+f[best])) {
			rows = append(rows, row{n: lines[at[k]].n, cells: make([]string, len(cols))})
			complete = false
		}
		if len(rows) == 0 {
			continue
		}
		r := &rows[len(rows)-1]
		for c := range f {
			r.cells[c] += f[c]
		}
		n := corpus.NormalizeBankName(r.cells[best])
		switch {
		case (reBankLike.MatchString(n) && reNotABank.MatchString(n) || strings.HasPrefix(n, "代表性")) && !p.startsKnown(n):
			rows, complete, inHeader = rows[:len(rows)-1], true, true // the header again (代表性银行)
		case p.isBank(r.cells[best]) || known(r.cells[best]):
			complete = true
		}
	}
	for _, r := range rows {
		p.row(r.n, r.cells)
	}
}
