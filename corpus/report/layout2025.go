package report

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"casebank/corpus"
)

// Layout2025 reads the 2025 edition (中小银行数字金融发展研究报告（2025）)
// in the text format of its PDF extraction: tables as tab-separated rows
// (cells may hold HTML, a header row repeats after a page break, an empty
// first cell continues the pattern above, a line without tabs continues the
// row above), numbered section headings, the case studies of section 2.4
// with one part per dimension, and the special topic's parts with one
// heading per bank.
var Layout2025 Layout = layout2025{}

type layout2025 struct{}

var (
	reSection     = regexp.MustCompile(`^(\d+\.\d+(?:\.\d+)?) (\S.*)$`)
	reTOCLine     = regexp.MustCompile(`\t\s*\d+\s*$`)
	reCaption     = regexp.MustCompile(`^表 ?(\d+(?:-\d+)?) (.+)$`)
	reTopicPart   = regexp.MustCompile(`^([一二三四五六七八九十]+) (\S.*)$`)
	reTopicBank   = regexp.MustCompile(`^[（(]\s*[一二三四五六七八九十]+\s*[）)]\s*([^：:]+)[：:](.*)$`)
	reHTMLTag     = regexp.MustCompile(`<[^>]*>`)
	reYear        = regexp.MustCompile(`^(20\d\d)$`)
	reChapter     = regexp.MustCompile(`^0\d$`) // a chapter's opening page
	reBackMatter  = regexp.MustCompile(`^(关于我们|参考文献|附录)`)
	reCaseStudy   = regexp.MustCompile(`^(某.+?)数字金融发展案例分析$`)
	dimensionWord = []struct{ word, code string }{
		{"战略", "strategy"}, {"组织", "organization"}, {"技术", "technology"},
		{"应用", "application"}, {"数据", "data"}, {"生态", "ecosystem"},
	}
)

// Parse finds the items of a report in the 2025 layout.
func (layout2025) Parse(r io.Reader) (*Report, error) {
	p := &parser2025{rep: &Report{Layout: Layout2025}}
	if err := scanLines(r, p.line); err != nil {
		return nil, err
	}
	p.flush()
	return finish(p.rep, "a line holding only the year, such as 2025, near the top",
		"is this a report in the expected text format?")
}

// scanLines calls line with each line of r and its number, without its
// line ending.
func scanLines(r io.Reader, line func(n int, text string)) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 256*1024), 8<<20)
	for n := 1; sc.Scan(); n++ {
		line(n, strings.TrimRight(sc.Text(), "\r"))
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read report: %w", err)
	}
	return nil
}

// finish checks that a parse found the edition's year and some items, and
// gives every item the year; the hints say where each was looked for.
func finish(rep *Report, yearHint, itemsHint string) (*Report, error) {
	if rep.Year == 0 {
		return nil, corpus.Errorf(corpus.EINVALID, "report: no year found (%s)", yearHint)
	}
	if len(rep.Items) == 0 {
		return nil, corpus.Errorf(corpus.EINVALID, "report: no bank cases found: %s", itemsHint)
	}
	for i := range rep.Items {
		rep.Items[i].Year = rep.Year
	}
	return rep, nil
}

type parser2025 struct {
	rep     *Report
	section string
	heading string
	inTopic bool
	topic   string // current topic part, e.g. 专题-三
	topicOK bool   // the current topic part presents banks

	// table state
	table      string
	caption    string
	header     []string
	bankCol    int
	patternCol int
	pattern    string

	// open multi-paragraph item (2.4.x parts, topic banks)
	open *Item
}

func (p *parser2025) line(n int, s string) {
	t := strings.TrimSpace(s)
	if p.rep.Year == 0 && reYear.MatchString(t) {
		p.rep.Year, _ = strconv.Atoi(t)
	}
	if p.rep.Title == "" && strings.Contains(t, "发展研究报告") {
		p.rep.Title = strings.ReplaceAll(t, " ", "")
	}
	if p.table != "" {
		// A table ends at its source line; a table without one (表2-2)
		// ends at the next caption or section heading.
		if !reCaption.MatchString(t) && !(reSection.MatchString(t) && !reTOCLine.MatchString(s)) {
			p.tableLine(n, s, t)
			return
		}
		p.table = ""
	}
	if t == "" {
		return
	}
	if reChapter.MatchString(t) || reBackMatter.MatchString(t) {
		p.flush()
		p.topicOK = false
		return
	}
	if m := reCaption.FindStringSubmatch(t); m != nil {
		p.flush()
		p.table, p.caption, p.header, p.pattern = "表"+m[1], m[2], nil, ""
		return
	}
	if t == "专题" {
		p.flush()
		p.inTopic = true
		return
	}
	if m := reSection.FindStringSubmatch(t); m != nil && !reTOCLine.MatchString(s) && !p.inTopic {
		p.flush()
		p.section, p.heading = m[1], t
		if cs := reCaseStudy.FindStringSubmatch(m[2]); cs != nil {
			p.open = &Item{Section: m[1], Heading: t, Bank: cs[1], Line: n}
		}
		return
	}
	if p.inTopic {
		if m := reTopicPart.FindStringSubmatch(t); m != nil && len([]rune(t)) < 60 {
			p.flush()
			p.topic, p.heading = "专题-"+m[1], m[2]
			p.topicOK = strings.Contains(m[2], "典型案例")
			return
		}
		// A heading whose bank part is blank ("(二) :") names no bank.
		if m := reTopicBank.FindStringSubmatch(t); m != nil && p.topicOK && strings.TrimSpace(m[1]) != "" {
			p.flush()
			p.open = &Item{Section: p.topic, Heading: p.heading, Bank: strings.TrimSpace(m[1]), Text: t, Line: n}
			return
		}
	}
	p.paragraph(n, t)
}

// paragraph adds running text to the open item. In a 2.4.x case study each
// part opens with a sentence naming the dimension whose score it explains.
func (p *parser2025) paragraph(n int, t string) {
	it := p.open
	if it == nil {
		return
	}
	if it.Section == "" || strings.HasPrefix(it.Section, "专题") {
		it.Text += "\n" + t
		return
	}
	if strings.HasPrefix(t, "图 ") || strings.HasPrefix(t, "图") && len([]rune(t)) < 40 {
		return // a figure caption
	}
	first, _, _ := strings.Cut(t, "。")
	if strings.Contains(first, "得分") {
		for _, d := range dimensionWord {
			if strings.Contains(first, d.word) {
				if it.Part != "" {
					p.rep.Items = append(p.rep.Items, *it)
				}
				*it = Item{Section: it.Section, Heading: it.Heading, Bank: it.Bank, Part: d.code, Text: t, Line: n}
				return
			}
		}
	}
	if it.Part != "" { // a paragraph continuing the part (page breaks split them)
		it.Text += "\n" + t
	}
}

func (p *parser2025) flush() {
	if p.open != nil && p.open.Text != "" && (p.open.Part != "" || strings.HasPrefix(p.open.Section, "专题")) {
		p.rep.Items = append(p.rep.Items, *p.open)
	}
	p.open = nil
}

func (p *parser2025) tableLine(n int, raw, t string) {
	switch {
	case strings.HasPrefix(t, "资料来源"):
		p.table = ""
		return
	case t == "":
		return
	}
	cells := strings.Split(raw, "\t")
	for i := range cells {
		cells[i] = strings.TrimSpace(reHTMLTag.ReplaceAllString(cells[i], ""))
	}
	if p.header == nil {
		p.header, p.bankCol, p.patternCol = cells, -1, -1
		for i, h := range cells {
			switch {
			case strings.HasSuffix(h, "模式"): // 先进模式, once misprinted 先行模式
				p.patternCol = i
			case p.bankCol < 0 && (h == "中小银行" || strings.HasPrefix(h, "代表性")):
				p.bankCol = i
			}
		}
		return
	}
	if p.bankCol >= 0 && p.bankCol < len(cells) && cells[p.bankCol] == p.header[p.bankCol] {
		return // the header again after a page break (its wording may differ)
	}
	if p.bankCol < 0 {
		return // not a table of banks (policies, scores)
	}
	if len(cells) == 1 {
		if k := len(p.rep.Items); k > 0 && p.rep.Items[k-1].Table == p.table {
			p.rep.Items[k-1].Text += cells[0] // the row above wrapped
		}
		return
	}
	if p.patternCol >= 0 && p.patternCol < len(cells) && cells[p.patternCol] != "" {
		p.pattern = cells[p.patternCol]
	}
	if p.bankCol >= len(cells) || cells[p.bankCol] == "" {
		return
	}
	var text []string
	for i, c := range cells {
		if i == p.bankCol || i == p.patternCol || c == "" {
			continue
		}
		if len(p.header) > 2+boolInt(p.patternCol >= 0) && i < len(p.header) {
			c = p.header[i] + "：" + c // several text columns: keep their names
		}
		text = append(text, c)
	}
	p.rep.Items = append(p.rep.Items, Item{
		Section: p.section, Table: p.table, Heading: p.caption, Bank: cells[p.bankCol],
		Pattern: p.pattern, Text: strings.Join(text, "\n"), Line: n,
	})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Dimensions of the chapter-5 tables, one table per dimension.
var tableDimension = map[string]string{
	"表5-1": "strategy", "表5-2": "organization", "表5-3": "technology",
	"表5-4": "application", "表5-5": "data", "表5-6": "ecosystem",
}

// Draft makes the case for an item no curated case covers: the dimension
// of its chapter-5 table or 2.4.x part (else application), the theme
// tech_finance in the special topic, a title from its pattern or first
// sentence. Its text is the report's own: the user supplied the file,
// nothing of it is committed.
func (layout2025) Draft(it Item, bank *corpus.Bank, report string) *corpus.Case {
	c := &corpus.Case{
		ID:   importedID(it, bank.ID),
		Kind: corpus.KindCase, Year: it.Year, Bank: *bank,
		Body: it.Text, Pattern: it.Pattern, Themes: []string{},
		Source: corpus.Source{Report: report, Year: it.Year, Section: it.Section, Table: it.Table,
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

// importedID names a drafted case after its year, place and bank:
// r2025-t5-3-<bank>, r2025-topic-3-<bank>, r2025-s2-4-1-<bank>-<part>.
func importedID(it Item, bankID string) string {
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
