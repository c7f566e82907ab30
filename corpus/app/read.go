package app

import (
	"context"
	"io"
	"os"
	"time"

	"casebank/corpus"
	"casebank/corpus/export"
	"casebank/corpus/tagger"
	"casebank/index"
)

// FindCaseByID returns a case.
func (s *Service) FindCaseByID(ctx context.Context, id string) (*corpus.Case, error) {
	return s.store.FindCaseByID(ctx, id)
}

// FindCasesByIDs returns the cases of ids that exist, in the order given.
func (s *Service) FindCasesByIDs(ctx context.Context, ids []string) ([]*corpus.Case, error) {
	return s.store.FindCasesByIDs(ctx, ids)
}

// History returns a case's changes, oldest first.
func (s *Service) History(ctx context.Context, id string) ([]corpus.HistoryEntry, error) {
	return s.store.History(ctx, id)
}

// Taxonomy returns the codes and labels in force.
func (s *Service) Taxonomy() (*corpus.Taxonomy, error) { return s.store.Taxonomy() }

// FindBanks returns the bank registry.
func (s *Service) FindBanks(ctx context.Context) ([]*corpus.Bank, error) {
	return s.store.FindBanks(ctx)
}

// BankCount is a bank with the number of its cases.
type BankCount struct {
	corpus.Bank
	Cases int `json:"cases"`
}

// CountBanks returns the bank registry with each bank's number of cases,
// counted from the index.
func (s *Service) CountBanks(ctx context.Context) ([]BankCount, error) {
	banks, err := s.store.FindBanks(ctx)
	if err != nil {
		return nil, err
	}
	counts, err := s.index.CountCases(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]BankCount, len(banks))
	for i, b := range banks {
		out[i] = BankCount{Bank: *b, Cases: counts.ByBank[b.ID]}
	}
	return out, nil
}

// BankProfile is a bank with its cases (in id order) and its most similar
// banks.
type BankProfile struct {
	Bank  *corpus.Bank
	Cases []*corpus.Case
	Peers []index.Peer
}

// peerBanks is how many similar banks a profile names.
const peerBanks = 8

// FindBankProfile returns a bank's profile.
func (s *Service) FindBankProfile(ctx context.Context, id string) (*BankProfile, error) {
	b, err := s.store.FindBankByID(ctx, id)
	if err != nil {
		return nil, err
	}
	cases, err := s.index.BankCases(ctx, b.ID)
	if err != nil {
		return nil, err
	}
	peers, err := s.index.PeerBanks(ctx, b.ID, peerBanks)
	if err != nil {
		return nil, err
	}
	return &BankProfile{Bank: b, Cases: cases, Peers: peers}, nil
}

// Glossary returns the glossary: the stored one, or the embedded default.
func (s *Service) Glossary() (*corpus.Glossary, error) { return s.store.Glossary() }

// FindPolicies returns every policy.
func (s *Service) FindPolicies(ctx context.Context) ([]*corpus.Policy, error) {
	return s.store.FindPolicies(ctx)
}

// FindPolicyByID returns a policy.
func (s *Service) FindPolicyByID(ctx context.Context, id string) (*corpus.Policy, error) {
	return s.store.FindPolicyByID(ctx, id)
}

// Search answers a search request.
func (s *Service) Search(ctx context.Context, req index.Request) (*index.Result, error) {
	start := time.Now()
	res, err := s.index.Search(ctx, req)
	s.observeSearch(ctx, req, res, time.Since(start), err)
	return res, err
}

// SearchIDs collects the ids of the cases a search matches, best first, up
// to one more than limit, so that a caller can refuse a search too large for
// it by the count alone.
func (s *Service) SearchIDs(ctx context.Context, req index.Request, limit int) ([]string, error) {
	ids, _, err := s.index.MatchIDs(ctx, req, limit+1)
	return ids, err
}

// SimilarCases returns up to n cases like the case id, best first; fresh
// computes them even when a recent view's are kept.
func (s *Service) SimilarCases(ctx context.Context, id string, n int, fresh bool) ([]index.Similar, error) {
	return s.index.SimilarCases(ctx, id, n, fresh)
}

// Suggest completes a search box's prefix with up to n suggestions.
func (s *Service) Suggest(ctx context.Context, prefix string, n int) ([]index.Suggestion, error) {
	return s.index.Suggest(ctx, prefix, n)
}

// SuggestTags proposes tags for a draft case from the model of the corpus.
func (s *Service) SuggestTags(ctx context.Context, d tagger.Draft) (*tagger.Suggestions, error) {
	return s.tags.Suggest(ctx, d)
}

// WarmTagModel trains the tag model now, so that the first suggestion does
// not wait for it; a server calls it once at start.
func (s *Service) WarmTagModel(ctx context.Context) error { return s.tags.Warm(ctx) }

// Stats are the report's honeycomb index scores and the case counts the
// stats pages show.
type Stats struct {
	Honeycomb *corpus.Honeycomb
	*index.CaseCounts
}

// Stats counts from the index's facet columns, reading no case.
func (s *Service) Stats(ctx context.Context) (*Stats, error) {
	h, err := corpus.DefaultHoneycomb()
	if err != nil {
		return nil, err
	}
	counts, err := s.index.CountCases(ctx)
	if err != nil {
		return nil, err
	}
	return &Stats{Honeycomb: h, CaseCounts: counts}, nil
}

// Export formats.
const (
	ExportJSONL = "jsonl" // banks, cases and policies, re-importable
	ExportCSV   = "csv"   // cases, one row each
)

// Export writes the whole corpus as format, or, when ids is not nil, the
// cases of ids (read a chunk at a time, however many).
func (s *Service) Export(ctx context.Context, w io.Writer, format string, ids []string) error {
	switch {
	case format == ExportCSV && ids != nil:
		return export.IDsCSV(ctx, w, s.store, ids)
	case format == ExportCSV:
		return export.CSV(ctx, w, s.store)
	case ids != nil:
		return export.IDsJSONL(ctx, w, s.store, ids)
	}
	return export.JSONL(ctx, w, s.store)
}

// Backup writes a consistent copy of the store file.
func (s *Service) Backup(ctx context.Context, w io.Writer) (int64, error) {
	return s.store.Backup(ctx, w)
}

// StoreSize is the store file's size in bytes, 0 when it cannot be read.
func (s *Service) StoreSize() int64 {
	st, err := os.Stat(s.store.Path())
	if err != nil {
		return 0
	}
	return st.Size()
}

// Health is the state of the store and the index.
type Health struct {
	Records  uint64 // records the index holds: cases and policies
	Cases    uint64 // of them, cases
	Policies uint64 // and policies
	LogSeq   uint64 // the store's newest change
	IndexSeq uint64 // the newest change the index took
	// Index is "ok"; "damaged" (being rebuilt: searches may fail until
	// then); or "behind" (stored writes the index could not take yet, a
	// full disk: still serving, retrying in the background).
	Index string
}

// Lag is how many changes the index is behind the store.
func (h Health) Lag() uint64 { return h.LogSeq - min(h.IndexSeq, h.LogSeq) }

// Health reports the state of the store and the index.
func (s *Service) Health(ctx context.Context) (Health, error) {
	var h Health
	var err error
	if h.Records, err = s.index.DocCount(); err != nil {
		return h, err
	}
	kinds, err := s.index.CountKinds(ctx)
	if err != nil {
		return h, err
	}
	h.Cases, h.Policies = uint64(kinds[corpus.KindCase]), uint64(kinds[corpus.KindPolicy])
	if h.LogSeq, err = s.store.LastSeq(); err != nil {
		return h, err
	}
	if h.IndexSeq, err = s.index.AppliedSeq(); err != nil {
		return h, err
	}
	h.Index = "ok"
	switch {
	case s.index.Damaged():
		h.Index = "damaged"
	case s.index.CatchUpError() != nil:
		h.Index = "behind"
	}
	return h, nil
}
