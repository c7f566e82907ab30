package corpus

import "time"

// Change operations recorded in the log.
const (
	OpCasePut     = "case.put"
	OpCaseDelete  = "case.delete"
	OpBankPut     = "bank.put"
	OpTaxonomyPut = "taxonomy.put"
	OpPolicyPut   = "policy.put"
	OpGlossaryPut = "glossary.put"
)

// Change is one entry of the store's change log. Entries have gap-free,
// strictly increasing sequence numbers; the index replays them to catch up.
type Change struct {
	Seq uint64    `json:"seq"`
	Op  string    `json:"op"`
	ID  string    `json:"id"`
	At  time.Time `json:"at"`
	By  string    `json:"by,omitempty"`
	// Scoped, on a taxonomy entry, says that the change relabelled no value
	// but the themes of Relabelled (a codebook change), so that the index
	// re-reads only their cases: none for a merge or a retirement, whose
	// retagged cases have entries of their own. A taxonomy entry without it
	// may have changed any label, and every case is re-read.
	Scoped     bool     `json:"scoped,omitempty"`
	Relabelled []string `json:"relabelled,omitempty"`
}
