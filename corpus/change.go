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
}
