package tagger

import (
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// The subject of a draft is the institution it is about: the first
// institution named as a clause's subject ("某城商行…", "江苏银行…"), not
// one named as an object or in passing ("加入…联盟", "与阿里云合作",
// "工商银行等大型银行…", "unlike the big banks"). These word lists are
// Chinese and English grammar, not domain data: the institutions themselves
// come from the taxonomy's bank-type words and the bank registry.
var (
	// Before a name, these make it something the subject joins, relies on,
	// is compared with or is set in: never the subject's type.
	asideZH = []string{"加入", "参加", "参与", "成为", "依托", "借助", "借力", "依靠", "引入", "采用", "通过", "根据", "据", "继", "例如", "比如", "诸如", "譬如", "如同", "像", "包括", "参照", "参考", "借鉴", "对标", "学习", "相比", "不同于", "区别于", "相较", "对比", "对于", "在", "由", "被"}
	asideEN = []string{"like", "unlike", "than", "such", "including", "following", "after", "whereas", "while", "join", "joined", "joins", "joining", "member", "members", "via", "through", "using", "by", "from", "among", "besides", "behind"}
	// Before a name, these make it one the subject works with or for: the
	// subject's type unless no other institution is the subject.
	roleZH = []string{"为", "给", "帮助", "帮", "助力", "协助", "支持", "服务", "赋能", "与", "和", "同", "跟", "及", "携手", "联合", "联手", "牵手", "向", "对", "将", "把", "收购", "并购", "入股", "控股", "接入", "对接", "委托"}
	roleEN = []string{"for", "with", "and", "or", "help", "helps", "helped", "helping", "support", "supports", "supported", "serve", "serves", "served", "serving", "to", "partner", "partners", "partnered", "acquire", "acquired", "acquires", "alongside", "behalf"}
	// Words that contain a marker but are not one (为 in 作为, 据 in 数据).
	neutralZH = strings.NewReplacer(mapToSpace("作为", "身为", "因为", "认为", "称为", "名为", "行为", "以为", "为主", "更为", "较为", "极为", "尤为", "最为", "视为", "转为", "改为", "变为", "分为", "列为", "定为", "评为", "为此", "为止",
		"针对", "面对", "对公", "对外", "相对", "同时", "同业", "共同", "同比", "和谐", "总和", "数据", "依据", "证据", "继续", "正在", "现在", "存在", "在线", "所在", "由于", "自由", "理由",
		"方向", "面向", "导向", "转向", "取向", "走向", "即将", "将来", "把握", "图像", "影像", "画像", "好像", "机器学习", "深度学习", "联邦学习")...)
	// After a name, these make it an example or a comparison.
	asideAfterZH = []string{"相比", "相较", "比较", "一样", "类似", "不同", "之后", "以后", "之外", "那样"}
	notEtc       = []string{"等保", "等级", "等待", "等同", "等于", "等额", "等候"}
	// Before a name after a self-reference: the name says what the subject is.
	appositionZH = []string{"作为", "身为", "是"}
	appositionEN = []string{"as"}
	selfNames    = []string{"我行", "本行", "该行", "我们", "our bank", "this bank", "the bank", "we"}
)

func mapToSpace(words ...string) []string {
	var out []string
	for _, w := range words {
		out = append(out, w, strings.Repeat(" ", len(w)))
	}
	return out
}

// mention is a name of an institution (or a self-reference) in a draft.
type mention struct {
	lexMatch
	entry                  lexEntry
	clauseStart, clauseEnd int
	sentEnd                int
	before, after          string // the text between it and the names or clause ends either side
	role                   mentionRole
	etc                    bool // ends a list of examples (…等)
}

type mentionRole int

const (
	roleSubject  mentionRole = iota
	roleObject               // worked with or for
	roleAside                // joined, relied on, compared with, an example
	roleModifier             // 南京银行牵头的紫金山·鑫合: the one that follows is the head
)

// subject is what the draft says its institution is.
type subject struct {
	typ     string // bank type; "" for a self-reference of no named type
	written string // the name in the text (normalised)
	bank    string // the registry's bank, when named
	how     string // subject, apposition, served, provider
	via     string // the provider (how = provider) or the self-reference (apposition)
}

// findSubject reads the institution a normalised text is about, or nil when
// it names none in a way that says. noRegistry leaves the registry's names
// unread (a measurement of the bank-type words alone).
func (l *lexicon) findSubject(text string, ms []lexMatch, noRegistry bool) *subject {
	keep := func(n lexName) bool {
		for _, e := range n.entries {
			if e.kind == entrySelf || (e.kind == entryInstitution && (!noRegistry || e.bank == "")) {
				return true
			}
		}
		return false
	}
	found := l.longest(ms, keep)
	if len(found) == 0 {
		return nil
	}
	clauses, sentences := boundaries(text)
	mentions := make([]mention, len(found))
	for i, m := range found {
		mn := mention{lexMatch: m}
		for _, e := range l.names[m.name].entries {
			if e.kind == entrySelf || (e.kind == entryInstitution && (!noRegistry || e.bank == "")) {
				mn.entry = e
				break
			}
		}
		mn.clauseStart, mn.clauseEnd = span(text, clauses, m.start)
		_, mn.sentEnd = span(text, sentences, m.start)
		// A name may hold a comma ("alliance, association or non-bank"):
		// its clause runs on to the boundary after the name.
		if mn.clauseEnd < m.end {
			_, mn.clauseEnd = span(text, clauses, m.end)
		}
		if mn.sentEnd < m.end {
			_, mn.sentEnd = span(text, sentences, m.end)
		}
		mentions[i] = mn
	}
	for i := range mentions {
		m := &mentions[i]
		from := m.clauseStart
		if i > 0 && mentions[i-1].end > from {
			from = mentions[i-1].end
		}
		to := m.clauseEnd
		if i+1 < len(mentions) && mentions[i+1].start < to {
			to = mentions[i+1].start
		}
		m.before, m.after = text[from:m.start], text[m.end:to]
	}
	// Roles, right to left: a name is an example when the names after it
	// in its list are.
	for i := len(mentions) - 1; i >= 0; i-- {
		m := &mentions[i]
		next := (*mention)(nil)
		if i+1 < len(mentions) && mentions[i+1].start == m.end+len(m.after) && mentions[i+1].clauseStart == m.clauseStart {
			next = &mentions[i+1]
		}
		after := strings.TrimSpace(m.after)
		switch {
		case hasAny(m.before, asideZH, asideEN) || strings.HasSuffix(strings.TrimSpace(m.before), "等") ||
			startsEtc(after) || hasPrefixAny(after, asideAfterZH) ||
			(next != nil && next.role == roleAside && isListJoin(after)) ||
			(strings.HasPrefix(after, "、") && strings.Contains(firstRunes(after, 12), "等") && !hasAnyWord(after, notEtc)):
			m.role = roleAside
		case next != nil && strings.HasSuffix(after, "的") && utf8.RuneCountInString(after) <= 8:
			m.role = roleModifier
		case hasAny(m.before, roleZH, roleEN):
			m.role = roleObject
		}
	}
	for i, m := range mentions {
		if m.role != roleSubject {
			continue
		}
		if m.entry.kind == entrySelf {
			// 我行作为…农商行: the type is said of the subject.
			for _, a := range mentions[i+1:] {
				if a.start >= m.sentEnd {
					break
				}
				if a.entry.kind == entryInstitution && a.role != roleAside && isApposition(a.before) {
					return &subject{typ: a.entry.code, written: a.entry.written, bank: a.entry.bank, how: "apposition", via: m.entry.written}
				}
			}
			return &subject{written: m.entry.written, how: "subject"}
		}
		if m.entry.code == "org" {
			// 阿里云为某农商行…: the bank the provider serves is the subject.
			for _, o := range mentions[i+1:] {
				if o.start >= m.sentEnd {
					break
				}
				if o.entry.kind == entryInstitution && o.entry.code != "org" && o.role == roleObject {
					return &subject{typ: o.entry.code, written: o.entry.written, bank: o.entry.bank, how: "provider", via: m.entry.written}
				}
			}
		}
		return &subject{typ: m.entry.code, written: m.entry.written, bank: m.entry.bank, how: "subject"}
	}
	// No institution is a subject (华为云为某城商行…, with the vendor
	// unregistered): the first bank worked for is.
	for _, m := range mentions {
		if m.role == roleObject && m.entry.kind == entryInstitution && m.entry.code != "org" {
			return &subject{typ: m.entry.code, written: m.entry.written, bank: m.entry.bank, how: "served"}
		}
	}
	return nil
}

// boundaries returns the byte offsets where clauses and sentences end.
func boundaries(text string) (clauses, sentences []int) {
	for i, r := range text {
		switch r {
		case '，', ',', '：', ':':
			clauses = append(clauses, i)
		case '。', '！', '？', '!', '?', '；', ';', '\n':
			clauses, sentences = append(clauses, i), append(sentences, i)
		case '.':
			// a full stop, not a decimal point or an abbreviation's dot
			if next, _ := utf8.DecodeRuneInString(text[i+1:]); i+1 >= len(text) || next == ' ' {
				clauses, sentences = append(clauses, i), append(sentences, i)
			}
		}
	}
	return clauses, sentences
}

// span returns the bounds of the piece of text holding pos: from just
// after the boundary before it up to the boundary after it.
func span(text string, bounds []int, pos int) (int, int) {
	k := sort.SearchInts(bounds, pos)
	start, end := 0, len(text)
	if k > 0 {
		_, size := utf8.DecodeRuneInString(text[bounds[k-1]:])
		start = bounds[k-1] + size
	}
	if k < len(bounds) {
		end = bounds[k]
	}
	return start, end
}

func hasAny(seg string, zh, en []string) bool {
	if seg == "" {
		return false
	}
	han := neutralZH.Replace(seg)
	for _, w := range zh {
		if strings.Contains(han, w) {
			return true
		}
	}
	if len(en) == 0 {
		return false
	}
	for _, w := range strings.FieldsFunc(seg, func(r rune) bool { return !isWordASCII(r) }) {
		for _, m := range en {
			if w == m {
				return true
			}
		}
	}
	return false
}

// isApposition: 作为…农商行, "as a rural bank" (read before the neutral
// words are blanked: 作为 is one).
func isApposition(seg string) bool {
	for _, w := range appositionZH {
		if strings.Contains(seg, w) {
			return true
		}
	}
	for _, w := range strings.FieldsFunc(seg, func(r rune) bool { return !isWordASCII(r) }) {
		if slices.Contains(appositionEN, w) {
			return true
		}
	}
	return false
}

func hasPrefixAny(s string, ps []string) bool {
	for _, p := range ps {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func hasAnyWord(s string, ws []string) bool {
	for _, w := range ws {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// startsEtc: 工商银行等大型银行, not 等保 or 等级.
func startsEtc(after string) bool {
	return strings.HasPrefix(after, "等") && !hasPrefixAny(after, notEtc)
}

func isListJoin(after string) bool {
	switch after {
	case "、", "和", "与", "及", "以及", ",", "，", "and", "or", "":
		return true
	}
	return false
}

func firstRunes(s string, n int) string {
	i := 0
	for k := range s {
		if i == n {
			return s[:k]
		}
		i++
	}
	return s
}
