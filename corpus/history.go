package corpus

import (
	"reflect"
)

// FieldChange is one field's old and new value.
type FieldChange struct {
	Field string `json:"field"`
	Old   any    `json:"old"`
	New   any    `json:"new"`
}

// Decisions records which suggested tags an editor accepted or rejected.
type Decisions struct {
	Accepted []string `json:"accepted,omitempty"` // "theme:ai", "dimension:technology", "bank_type:private"
	Rejected []string `json:"rejected,omitempty"`
}

// HistoryEntry is one change to a case: who, when, what, old → new. It is
// written in the transaction that makes the change.
type HistoryEntry struct {
	Seq       uint64        `json:"seq"` // the change log entry of the same write
	At        Stamp         `json:"at"`
	Op        string        `json:"op"` // create, update, tags, delete, bulk, codebook, import
	Changes   []FieldChange `json:"changes"`
	Decisions *Decisions    `json:"decisions,omitempty"`
	Note      string        `json:"note,omitempty"`
}

// Change kinds recorded in history.
const (
	HistCreate   = "create"
	HistUpdate   = "update"
	HistTags     = "tags"
	HistDelete   = "delete"
	HistBulk     = "bulk"
	HistCodebook = "codebook"
)

// DiffCases lists the fields that differ between two versions of a case;
// old is nil for a new case.
func DiffCases(old, cur *Case) []FieldChange {
	var o, n Case
	if old != nil {
		o = *old
	}
	if cur != nil {
		n = *cur
	}
	fields := []struct {
		name     string
		old, new any
	}{
		{"bank.id", o.Bank.ID, n.Bank.ID}, {"year", o.Year, n.Year},
		{"title.zh", o.Title.ZH, n.Title.ZH}, {"title.en", o.Title.EN, n.Title.EN},
		{"summary.zh", o.Summary.ZH, n.Summary.ZH}, {"summary.en", o.Summary.EN, n.Summary.EN},
		{"body", o.Body, n.Body}, {"outcome", o.Outcome, n.Outcome},
		{"products", o.Products, n.Products}, {"figures", o.Figures, n.Figures},
		{"partners", o.Partners, n.Partners}, {"technologies", o.Technologies, n.Technologies},
		{"pattern", o.Pattern, n.Pattern},
		{"body_en", o.BodyEN, n.BodyEN}, {"outcome_en", o.OutcomeEN, n.OutcomeEN},
		{"products_en", o.ProductsEN, n.ProductsEN}, {"partners_en", o.PartnersEN, n.PartnersEN},
		{"technologies_en", o.TechnologiesEN, n.TechnologiesEN},
		{"dimensions", o.Dimensions, n.Dimensions}, {"themes", o.Themes, n.Themes},
		{"source", o.Source, n.Source},
	}
	var out []FieldChange
	for _, f := range fields {
		if !reflect.DeepEqual(empty(f.old), empty(f.new)) {
			out = append(out, FieldChange{Field: f.name, Old: empty(f.old), New: empty(f.new)})
		}
	}
	return out
}

// empty folds nil and empty lists together so that they do not count as changes.
func empty(v any) any {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Slice && rv.Len() == 0 {
		return nil
	}
	return v
}
