package corpus

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// OpDraftPut is the log entry of a draft's write. The index has no use for
// it (drafts are not searched); it marks the store's generation.
const OpDraftPut = "draft.put"

// Draft statuses.
const (
	DraftOpen      = "open"
	DraftPublished = "published"
	DraftRejected  = "rejected"
)

// Draft is a case a report import found and a researcher has yet to
// review: what the report says, and what the importer proposes. It is no
// case: not searched, not exported, until it is published.
type Draft struct {
	ID     uint64 `json:"id"`
	Key    string `json:"key"` // SourceKey(year, table or section, bank, part): the same item of a re-import
	Status string `json:"status"`
	Year   int    `json:"year"`
	// Bank is the registry's when the report's name resolved to it, else
	// the one proposed from the name (NewBank).
	Bank     Bank   `json:"bank"`
	NewBank  bool   `json:"new_bank"`
	BankName string `json:"bank_name"` // as the report writes it
	// Title and summary are proposed from the report's text by the
	// importer, not written by anyone: MachineMade says so.
	Title       Text   `json:"title"`
	Summary     Text   `json:"summary"`
	MachineMade bool   `json:"machine_made"`
	Pattern     string `json:"pattern,omitempty"`
	// Suggested tags, each with why.
	Dimensions []DraftTag `json:"dimensions"`
	Themes     []DraftTag `json:"themes"`
	BankType   []DraftTag `json:"bank_type"`
	Source     Source     `json:"source"`
	Layout     string     `json:"layout"`            // 2025, generic
	CaseID     string     `json:"case_id,omitempty"` // once published
	Created    *Stamp     `json:"created,omitempty"`
	Updated    *Stamp     `json:"updated,omitempty"`
	// Reviewed is who published or rejected the draft, and when: a
	// rejected draft stays, so that counts are true and a re-import of
	// the edition does not bring it back.
	Reviewed *Stamp `json:"reviewed,omitempty"`
	// Proposed is the bank the importer proposed for a name the registry
	// lacked, kept once a reviewer has mapped it to a registry bank or
	// registered it (BankReviewed); NewBank is true until then.
	Proposed     *Bank  `json:"proposed,omitempty"`
	BankReviewed *Stamp `json:"bank_reviewed,omitempty"`
}

// DraftTag is one suggested tag of a draft.
type DraftTag struct {
	Code   string  `json:"code"`
	Score  float64 `json:"score"`
	Source string  `json:"source"` // report (its caption or heading), registry, name, or the tagger's source
	Reason string  `json:"reason"`
	// ReasonZH is Reason in Chinese; drafts imported before it lack it.
	ReasonZH string `json:"reason_zh,omitempty"`
	// Words are the report's words behind it (the caption's 战略层面, the
	// tagger's evidence): pages say why in their own language around them.
	Words []string `json:"words,omitempty"`
}

// Where is the draft's table, or its section outside tables.
func (d *Draft) Where() string {
	if d.Source.Table != "" {
		return d.Source.Table
	}
	return d.Source.Section
}

// DraftsResult counts what a write of drafts did.
type DraftsResult struct {
	Created int `json:"created"`
	Updated int `json:"updated"` // open drafts whose text the report changed
	Same    int `json:"same"`    // already there, or reviewed already
}

// Accepted is the tags a review accepts unless the researcher says
// otherwise: those the report's own caption or heading gives and the
// suggestions scored at least 0.5; a draft left with no dimension takes
// its best-scored one (a case needs one).
func (d *Draft) Accepted() (dims, themes []string) {
	pick := func(tags []DraftTag) []string {
		out := []string{}
		for _, t := range tags {
			if t.Source == "report" || t.Score >= 0.5 {
				out = append(out, t.Code)
			}
		}
		return out
	}
	dims, themes = pick(d.Dimensions), pick(d.Themes)
	if len(dims) == 0 && len(d.Dimensions) > 0 {
		best := d.Dimensions[0]
		for _, t := range d.Dimensions[1:] {
			if t.Score > best.Score {
				best = t
			}
		}
		dims = []string{best.Code}
	}
	return dims, themes
}

// Case is the case a draft becomes with the given tags: its proposed
// wording, the report's text as body and excerpt, its source; a proposed
// bank is given whole, so that publishing registers it.
func (d *Draft) Case(dims, themes []string) *Case {
	bank := Bank{ID: d.Bank.ID}
	if d.NewBank {
		bank = d.Bank
	}
	return &Case{Kind: KindCase, Year: d.Year, Bank: bank, Title: d.Title, Summary: d.Summary,
		Body: d.Source.Excerpt, Pattern: d.Pattern, Dimensions: dims, Themes: themes, Source: d.Source}
}

// CaseIDBase is the id a published draft's case is given, made unique by
// the store with a -2, -3 … suffix: its year, place and bank, as the 2025
// import names its cases (r2026-t3-beijing-bank, r2026-s5-chongqing-bank);
// a section without a number is named by the draft's (r2026-d12-…).
func (d *Draft) CaseIDBase() string {
	kind, n := PlaceOf(d.Where())
	where := fmt.Sprintf("d%d", d.ID)
	switch {
	case n == "":
	case kind == "table":
		where = "t" + n
	case kind == "topic":
		where = "topic-" + n
	default:
		where = "s" + n
	}
	id := fmt.Sprintf("r%d-%s-%s", d.Year, where, d.Bank.ID)
	if d.Source.Part != "" {
		id += "-" + d.Source.Part
	}
	return strings.Trim(reIDUnsafe.ReplaceAllString(strings.ToLower(id), "-"), "-")
}

// PlaceOf reads a draft's table or section: its kind (table, topic or
// section) and its number in digits (5-3, 2-4-1, 5 for 五), "" when it has
// none.
func PlaceOf(where string) (kind, number string) {
	switch {
	case strings.HasPrefix(where, "表"):
		return "table", numberOf(strings.TrimPrefix(where, "表"))
	case strings.HasPrefix(where, "专题"):
		return "topic", numberOf(strings.TrimPrefix(where, "专题"))
	}
	return "section", numberOf(strings.TrimPrefix(where, "节-"))
}

var (
	reIDUnsafe = regexp.MustCompile(`[^a-z0-9]+`)
	// A place's leading number: 5-3, 2.4.1, 三 (of 专题-三, 五、科技金融专题).
	rePlaceNumber = regexp.MustCompile(`^[-－—\s]*([0-9]+(?:\s*[-－—.．]\s*[0-9]+)*|[一二三四五六七八九十]+)`)
)

// numberOf reads the number a table or section starts with, Chinese
// numerals as digits; "" when it has none.
func numberOf(s string) string {
	m := rePlaceNumber.FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	if n := chineseNumber(m[1]); n > 0 {
		return strconv.Itoa(n)
	}
	return TableNumber(m[1])
}

// TableNumber writes a table's number as the store's ids do: 5－3, 5.3
// and "5 - 3" are all 5-3.
func TableNumber(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t':
			return -1
		case '－', '—', '.', '．':
			return '-'
		}
		return r
	}, s)
}

// chineseNumber reads 一 … 九十九; 0 for anything else.
func chineseNumber(s string) int {
	digit := func(r rune) int {
		if i := strings.IndexRune("一二三四五六七八九", r); i >= 0 {
			return i/3 + 1
		}
		return 0
	}
	rs := []rune(s)
	switch {
	case len(rs) == 1 && rs[0] == '十':
		return 10
	case len(rs) == 1 && digit(rs[0]) > 0:
		return digit(rs[0])
	case len(rs) == 2 && rs[0] == '十' && digit(rs[1]) > 0:
		return 10 + digit(rs[1])
	case len(rs) == 2 && rs[1] == '十' && digit(rs[0]) > 0:
		return 10 * digit(rs[0])
	case len(rs) == 3 && rs[1] == '十' && digit(rs[0]) > 0 && digit(rs[2]) > 0:
		return 10*digit(rs[0]) + digit(rs[2])
	}
	return 0
}

// Decisions records the reviewer's answer to each suggested tag, from the
// tags the published case has (codes): a suggested dimension, theme or
// bank type the case has is accepted, one it lacks rejected.
func (d *Draft) Decisions(dims, themes []string, bankType string) *Decisions {
	out := &Decisions{Accepted: []string{}, Rejected: []string{}}
	decide := func(kind string, tags []DraftTag, has func(string) bool) {
		for _, t := range tags {
			if has(t.Code) {
				out.Accepted = append(out.Accepted, kind+":"+t.Code)
			} else {
				out.Rejected = append(out.Rejected, kind+":"+t.Code)
			}
		}
	}
	decide("dimension", d.Dimensions, func(c string) bool { return slices.Contains(dims, c) })
	decide("theme", d.Themes, func(c string) bool { return slices.Contains(themes, c) })
	decide("bank_type", d.BankType, func(c string) bool { return c == bankType })
	return out
}

// DraftCounts counts drafts by status, and the banks they propose.
type DraftCounts struct {
	Extracted int `json:"extracted"`
	Open      int `json:"open"`
	Published int `json:"published"`
	Rejected  int `json:"rejected"`
	// NewBanks counts the banks the drafts proposed (names the registry
	// lacked), reviewed or not; BanksToReview those still awaiting review
	// in open drafts.
	NewBanks      int `json:"new_banks"`
	BanksToReview int `json:"banks_to_review"`
}

// ProposedBank is a bank that open drafts propose and that awaits review:
// to be mapped to a registry bank (its name becomes an alias) or
// registered as new, with a type and region.
type ProposedBank struct {
	Bank
	Drafts []uint64 `json:"drafts"` // the open drafts that name it
	Where  []string `json:"where"`  // their tables and sections
}

// CountDrafts counts ds, and lists the banks awaiting review in the order
// their first drafts come.
func CountDrafts(ds []*Draft) (DraftCounts, []*ProposedBank) {
	var n DraftCounts
	proposed := map[string]bool{}
	byID := map[string]*ProposedBank{}
	var banks []*ProposedBank
	for _, d := range ds {
		n.Extracted++
		switch d.Status {
		case DraftOpen:
			n.Open++
		case DraftPublished:
			n.Published++
		case DraftRejected:
			n.Rejected++
		}
		if d.Proposed != nil {
			proposed[d.Proposed.ID] = true
		}
		if d.Status != DraftOpen || !d.NewBank {
			continue
		}
		p := byID[d.Bank.ID]
		if p == nil {
			p = &ProposedBank{Bank: d.Bank, Drafts: []uint64{}, Where: []string{}}
			byID[d.Bank.ID] = p
			banks = append(banks, p)
		}
		p.Drafts = append(p.Drafts, d.ID)
		if !slices.Contains(p.Where, d.Where()) {
			p.Where = append(p.Where, d.Where())
		}
	}
	n.NewBanks, n.BanksToReview = len(proposed), len(banks)
	if banks == nil {
		banks = []*ProposedBank{}
	}
	return n, banks
}

// BankReview is a reviewer's answer to a proposed bank: Bank names the
// registry bank it is (by id, name or alias; the proposed name becomes an
// alias), or else it is registered as new with Type and Region (codes or
// labels), and optionally an ID, NameEN and City of the reviewer's.
type BankReview struct {
	Bank   string `json:"bank,omitempty"`
	ID     string `json:"id,omitempty"`
	Name   string `json:"name,omitempty"`
	NameEN string `json:"name_en,omitempty"`
	Type   string `json:"type,omitempty"`
	Region string `json:"region,omitempty"`
	City   string `json:"city,omitempty"`
}

// BankReviewResult is what a bank review did.
type BankReviewResult struct {
	Bank   *Bank    `json:"bank"`   // the registry's bank the drafts now name
	Action string   `json:"action"` // alias or new
	Drafts []uint64 `json:"drafts"` // the drafts it changed
}
