package index

import (
	"context"
	"errors"
	"log/slog"
)

// Engine runs plans over the documents of a store: the search engine behind
// an Index, which knows nothing of any engine. casebank/index/bleveengine is
// one, over bleve files on disk; docs/opensearch.md designs another.
//
// An engine's errors are corpus errors where they are the user's to act on:
// EINVALID for a search over its budget or with too many filters,
// EUNAVAILABLE while it cannot answer (damaged, being replaced, over time).
type Engine interface {
	Analyzer

	// Open opens the engine's index of src, building it from src when it is
	// missing, unreadable, damaged, of another version or another store's,
	// and catches it up. Close releases it; a second call does nothing.
	Open(ctx context.Context, src Source, log *slog.Logger) error
	Close() error
	// Rebuild discards the index and builds it again from the source.
	Rebuild(ctx context.Context) error
	// CatchUp applies the source's changes after AppliedSeq, a batch at a
	// time, each with the sequence it reaches. It returns ErrClosed after
	// Close, and nil without applying anything while Damaged.
	CatchUp(ctx context.Context) error

	// Run answers a plan: it tries the plan's tiers in order and returns
	// the window of the first that finds enough, with every facet counted.
	Run(ctx context.Context, p *Plan, w Window) (*Answer, error)
	// Similar returns the n records most like l's, best first.
	Similar(ctx context.Context, l *Like, n int) ([]Scored, error)
	// Count counts the records that pass a request's filters by facet values.
	Count(ctx context.Context, r *CountRequest) (*Counts, error)
	// Complete returns the names documents offer for completion whose
	// lowercase form starts with prefix (lowercase), in that order, each
	// with the number of records naming it; at most limit.
	Complete(ctx context.Context, prefix string, limit int) ([]Completion, error)

	// AppliedSeq is the last change-log sequence applied.
	AppliedSeq() (uint64, error)
	DocCount() (uint64, error)
	Contains(id string) (bool, error)
	// Damaged reports damage found and not yet repaired.
	Damaged() bool
	// Generation advances whenever what a search would find may have
	// changed (a batch applied, a rebuild swapped in); cached answers are
	// keyed by it.
	Generation() uint64
}

// Analyzer is how an engine reads text. Understanding uses it to leave out
// the glossary equivalents that would find nothing more, evidence to mark the
// words a record matched by.
type Analyzer interface {
	// Terms returns the terms the engine makes of text in a field of lang.
	Terms(lang Lang, text string) []string
	// MatchStems returns whether a lowercase English word stems to one of
	// stems (English terms): evidence stems a text's words, which is far
	// cheaper than analysing the whole text.
	MatchStems(stems map[string]bool) func(word string) bool
}

// Source is what an engine indexes: the store's records as documents and
// its change log as changes to records. The Index gives one to its engine's Open.
type Source interface {
	// StoreID and LastSeq identify the store and how far its log reaches:
	// an index of another store, or ahead of the log, is rebuilt.
	StoreID() string
	LastSeq() (uint64, error)
	// Documents calls put with every record's document and returns the
	// change-log sequence they reflect.
	Documents(ctx context.Context, put func(*Document) error) (uint64, error)
	// Changes calls put with what each of at most n change-log entries
	// after seq does to the index, one record at a time (a bank's change may
	// touch every case), and returns the sequence they reach: after itself
	// when there are none.
	Changes(ctx context.Context, after uint64, n int, put func(Change) error) (uint64, error)
}

// Change indexes a record's document, or deletes the record when Doc is nil.
type Change struct {
	ID  string
	Doc *Document
}

// ErrClosed is returned by an engine's reads and catch-ups after Close.
var ErrClosed = errors.New("index: closed")

// Window is the stretch of ranked records a search returns; Size 0 only counts.
type Window struct{ From, Size int }

// Answer is what a plan found.
type Answer struct {
	Tier  int    // the tier that answered, an index into Plan.Tiers
	Total uint64 // records matched
	// Inside counts the records matched that meet every inferred filter;
	// Met counts, for each of Plan.Filters, the records that meet it.
	Inside uint64
	Met    []uint64
	// Unmatched lists the required concepts (indices into Plan.Required)
	// that no record matched.
	Unmatched []int
	Hits      []Scored
	// Aside is the best records Plan.Aside lists apart, and how many there are.
	Aside      []Scored
	AsideTotal uint64
	// Facets counts every facet's values over the records matched, most
	// frequent first, ties by value, cut to the facet's size. A facet with a
	// filter is counted without its own filters, so that choosing 城商行
	// still shows 农商行 with what it would add.
	Facets map[string][]Count
}

// Scored is a record found, with its kind (case or policy) when known.
type Scored struct {
	ID    string
	Kind  string
	Score float64
	// Unmet lists the inferred filters (indices into Plan.Filters) the
	// record does not meet; Missed the implied ones it does not meet, which
	// do not put it outside (Filter.Implied).
	Unmet, Missed []int
}

// Count is how many records have a facet value.
type Count struct {
	Value string
	Count int
}

// Like asks for the records most like a case: of Kind, sharing its facet
// values or its words, the case itself (ID) left out. One of Values or Text
// must match.
type Like struct {
	ID     string
	Kind   string
	Values []ValueWeight
	Text   []Alternative
}

// ValueWeight is a facet value and what sharing it weighs.
type ValueWeight struct {
	Facet, Value string
	Weight       float64
}

// CountRequest counts the records that pass Filters: by each value of the
// facets in By, and by each value of Cross[0] with the record's value of
// Cross[1], a facet of one value per record ("" for a record without one).
type CountRequest struct {
	Filters []Filter
	By      []string
	Cross   [2]string
}

// Counts answer a CountRequest; every map of By is there, empty or not.
type Counts struct {
	Records int
	By      map[string]map[string]int
	Cross   map[string]map[string]int
}

// Completion is a name autocomplete offers, with the records naming it.
type Completion struct {
	Name  string
	Count int
}
