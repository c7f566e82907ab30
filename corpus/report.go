package corpus

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// ReportItem is one case-shaped piece of a report: a table row naming a
// bank, a part of a bank's case study, or a bank's section of the special topic.
type ReportItem struct {
	Year    int
	Section string // most specific section number, or 专题-三 for the topic
	Table   string // 表5-3, or "" outside tables
	Heading string // table caption or section heading
	Part    string // dimension code for the parts of sections 2.4.x
	Bank    string // bank name as the report writes it
	Pattern string // 先进模式 of chapter-5 rows
	Text    string // the report's own words: the excerpt
	Line    int    // line number where the item starts
}

// Where returns the table, or the section when the item is not in a table.
func (it ReportItem) Where() string {
	if it.Table != "" {
		return it.Table
	}
	return it.Section
}

// Report is what ParseReport found.
type Report struct {
	Title string
	Year  int
	Items []ReportItem
}

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

// ParseReport reads a report in the text format of the PDF extraction: tables
// as tab-separated rows (cells may hold HTML, a header row repeats after a
// page break, an empty first cell continues the pattern above, a line without
// tabs continues the row above), numbered section headings, and the special
// topic's parts with one heading per bank.
func ParseReport(r io.Reader) (*Report, error) {
	p := &reportParser{rep: &Report{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 256*1024), 8<<20)
	for n := 1; sc.Scan(); n++ {
		p.line(n, strings.TrimRight(sc.Text(), "\r"))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read report: %w", err)
	}
	p.flush()
	if p.rep.Year == 0 {
		return nil, Errorf(EINVALID, "report: no year found (a line holding only the year, such as 2025, near the top)")
	}
	if len(p.rep.Items) == 0 {
		return nil, Errorf(EINVALID, "report: no bank cases found: is this a report in the expected text format?")
	}
	for i := range p.rep.Items {
		p.rep.Items[i].Year = p.rep.Year
	}
	return p.rep, nil
}

type reportParser struct {
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
	open *ReportItem
}

func (p *reportParser) line(n int, s string) {
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
			p.open = &ReportItem{Section: m[1], Heading: t, Bank: cs[1], Line: n}
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
			p.open = &ReportItem{Section: p.topic, Heading: p.heading, Bank: strings.TrimSpace(m[1]), Text: t, Line: n}
			return
		}
	}
	p.paragraph(n, t)
}

// paragraph adds running text to the open item. In a 2.4.x case study each
// part opens with a sentence naming the dimension whose score it explains.
func (p *reportParser) paragraph(n int, t string) {
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
				*it = ReportItem{Section: it.Section, Heading: it.Heading, Bank: it.Bank, Part: d.code, Text: t, Line: n}
				return
			}
		}
	}
	if it.Part != "" { // a paragraph continuing the part (page breaks split them)
		it.Text += "\n" + t
	}
}

func (p *reportParser) flush() {
	if p.open != nil && p.open.Text != "" && (p.open.Part != "" || strings.HasPrefix(p.open.Section, "专题")) {
		p.rep.Items = append(p.rep.Items, *p.open)
	}
	p.open = nil
}

func (p *reportParser) tableLine(n int, raw, t string) {
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
	p.rep.Items = append(p.rep.Items, ReportItem{
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
