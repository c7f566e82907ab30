package corpus

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
	Bank    Bank `json:"bank"`
	NewBank bool `json:"new_bank"`
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
}

// DraftTag is one suggested tag of a draft.
type DraftTag struct {
	Code   string  `json:"code"`
	Score  float64 `json:"score"`
	Source string  `json:"source"` // report (its caption or heading), or the tagger's source
	Reason string  `json:"reason"`
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
