package app

import (
	"context"
	"log/slog"
	"time"

	"golang.org/x/time/rate"

	"casebank/corpus/boltdb"
	"casebank/corpus/tagger"
	"casebank/index"
)

// Service is the application: the store and the index behind one set of
// operations. Set its exported fields before the first request.
type Service struct {
	store  *boltdb.Store
	index  *index.Index
	tags   *tagger.Suggester
	logger *slog.Logger

	// WriteRate and WriteBurst bound each token's writes a second; zero
	// means DefaultWriteRate and DefaultWriteBurst.
	WriteRate  rate.Limit
	WriteBurst int
	// SettleWait is how long a codebook change or a bulk tag waits for the
	// index before answering that the change becomes searchable later; zero
	// means DefaultSettleWait, negative not at all.
	SettleWait time.Duration
	// Now is the clock of the failed-authentication limit and of its log;
	// nil means time.Now.
	Now func() time.Time

	failed  failures    // failed authentications, per client address
	authLog quietLog    // their log lines
	writes  writeLimits // writes, per token

	observers searchObservers // of every search, for the metrics
}

// New returns the service over an open store and its index. Close it
// before closing the store.
func New(store *boltdb.Store, ix *index.Index, logger *slog.Logger) *Service {
	s := &Service{store: store, index: ix, tags: tagger.New(store), logger: logger}
	s.failed.now, s.authLog.now = s.clock, s.clock
	return s
}

// Close ends the service's background work (a training of the tag model),
// so that closing the store need not wait for it.
func (s *Service) Close() { s.tags.Close() }

func (s *Service) clock() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Searchable says whether a stored write can be found by search yet.
type Searchable struct {
	// Behind is why the index did not take the write at once, nil when it
	// did. The write stands either way: the index catches up in the
	// background, and the health check shows the lag.
	Behind error
}

// Later reports whether the write becomes searchable only later.
func (w Searchable) Later() bool { return w.Behind != nil }

// settle catches the index up after a committed write.
func (s *Service) settle(ctx context.Context) Searchable {
	return Searchable{Behind: s.index.Settle(ctx)}
}

// DefaultSettleWait keeps a large retagging's answer well inside the
// server's 30 s write timeout.
const DefaultSettleWait = 10 * time.Second

// settleLarge is settle for a write that may retag many cases: past the
// wait the answer says searchable later while the index goes on.
func (s *Service) settleLarge(ctx context.Context) Searchable {
	wait := s.SettleWait
	if wait == 0 {
		wait = DefaultSettleWait
	}
	return Searchable{Behind: s.index.SettleWithin(ctx, wait)}
}
