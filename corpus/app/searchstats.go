package app

import (
	"context"
	"sync"
	"time"

	"casebank/index"
)

// SearchEvent is one search a front end asked for, as the metrics count it.
type SearchEvent struct {
	Source string // the front end that asked (WithSearchSource), "other" if none said
	// Tier is how it was answered: "all_words" (every word matched),
	// "relaxed" (some words), "corrected" (a typo corrected), "no_match",
	// "browse" (no text, filters only) or "error".
	Tier string
	Took time.Duration
}

type sourceKey struct{}

// WithSearchSource names the front end ("api", "ui") whose searches ctx
// carries, for the metrics.
func WithSearchSource(ctx context.Context, source string) context.Context {
	return context.WithValue(ctx, sourceKey{}, source)
}

// searchObservers are the functions every search is reported to.
type searchObservers struct {
	mu  sync.RWMutex
	fns []func(SearchEvent)
}

// ObserveSearches calls f after every search, from the searching goroutine.
func (s *Service) ObserveSearches(f func(SearchEvent)) {
	s.observers.mu.Lock()
	defer s.observers.mu.Unlock()
	s.observers.fns = append(s.observers.fns, f)
}

func (s *Service) observeSearch(ctx context.Context, req index.Request, res *index.Result, took time.Duration, err error) {
	s.observers.mu.RLock()
	defer s.observers.mu.RUnlock()
	if len(s.observers.fns) == 0 {
		return
	}
	ev := SearchEvent{Source: "other", Tier: searchTier(req, res, err), Took: took}
	if src, ok := ctx.Value(sourceKey{}).(string); ok {
		ev.Source = src
	}
	for _, f := range s.observers.fns {
		f(ev)
	}
}

func searchTier(req index.Request, res *index.Result, err error) string {
	switch {
	case err != nil:
		return "error"
	case res.Total == 0 && res.PoliciesTotal == 0:
		return "no_match"
	case res.Query.Corrected != "":
		return "corrected"
	case res.Query.Relaxed:
		return "relaxed"
	case req.Text == "":
		return "browse"
	}
	return "all_words"
}
