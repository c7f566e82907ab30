package tagger

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"casebank/corpus"
)

// Source is what a Suggester reads: the store's log sequence, its cases,
// taxonomy and glossary to train on, and its banks to resolve a draft's
// bank. *boltdb.Store is one.
type Source interface {
	LastSeq() (uint64, error)
	EachRecord(ctx context.Context, policy func(*corpus.Policy) error, kase func(*corpus.Case) error) (uint64, error)
	Taxonomy() (*corpus.Taxonomy, error)
	Glossary() (*corpus.Glossary, error)
	FindBankByID(ctx context.Context, id string) (*corpus.Bank, error)
	FindBankByName(ctx context.Context, name string) (*corpus.Bank, error)
	FindBanks(ctx context.Context) ([]*corpus.Bank, error)
}

// Suggester keeps the model of a store's current cases. A write makes it
// stale: the stale one keeps answering while one new one is trained in the
// background, no more often than rebuildSpacing times the last training's
// duration, so that a stream of writes cannot keep the cores busy.
type Suggester struct {
	src      Source
	ctx      context.Context    // of every training
	stop     context.CancelFunc // ends a training when the suggester closes
	mu       sync.Mutex
	model    *Model
	building chan struct{} // closed when the running training ends
	err      error         // of the last training
	next     time.Time     // no training before
	builds   int
}

const rebuildSpacing = 4

// New returns a suggester of src's cases; it trains its first model when
// first asked (or warmed). Close it before closing src.
func New(src Source) *Suggester {
	ctx, stop := context.WithCancel(context.Background())
	return &Suggester{src: src, ctx: ctx, stop: stop}
}

// Suggest suggests tags for a draft from the model of the store's cases.
func (s *Suggester) Suggest(ctx context.Context, d Draft) (*Suggestions, error) {
	if strings.TrimSpace(d.Text) == "" {
		return nil, &corpus.Error{Code: corpus.EINVALID, Message: "give the draft's text", Fields: []corpus.FieldError{{Field: "text", Message: "empty"}}}
	}
	if n := utf8.RuneCountInString(d.Text); n > MaxDraftRunes {
		return nil, &corpus.Error{Code: corpus.EINVALID, Message: fmt.Sprintf("the draft's text has %d characters; at most %d", n, MaxDraftRunes),
			Fields: []corpus.FieldError{{Field: "text", Message: fmt.Sprintf("at most %d characters", MaxDraftRunes)}}}
	}
	if n := utf8.RuneCountInString(d.Bank); n > 200 {
		return nil, &corpus.Error{Code: corpus.EINVALID, Message: "the bank's name is longer than 200 characters",
			Fields: []corpus.FieldError{{Field: "bank", Message: "at most 200 characters"}}}
	}
	m, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	var bank *corpus.Bank
	if d.Bank != "" {
		if bank, err = s.src.FindBankByID(ctx, d.Bank); corpus.ErrorCode(err) == corpus.ENOTFOUND {
			bank, err = s.src.FindBankByName(ctx, d.Bank)
		}
		if corpus.ErrorCode(err) == corpus.ENOTFOUND {
			g := corpus.GuessBank(d.Bank, nil)
			bank, err = &g, nil
		}
		if err != nil {
			return nil, err
		}
	}
	sg := m.Suggest(d, bank, "")
	sg.Model = ModelInfo{Cases: m.docs, Seq: m.Seq}
	return sg, nil
}

// ModelInfo says what a suggestion was learned from.
type ModelInfo struct {
	Cases int    `json:"cases"`
	Seq   uint64 `json:"seq"` // the store's change-log sequence at training
}

// Warm trains the model now, so that the first suggestion does not wait
// for it; a server calls it once at start.
func (s *Suggester) Warm(ctx context.Context) error {
	_, err := s.current(ctx)
	return err
}

// Close ends a running training, so that closing the store need not wait
// for it.
func (s *Suggester) Close() {
	s.stop()
}

// current returns the model, training the first one (and waiting for it) or
// starting a new one when the store has changed since.
func (s *Suggester) current(ctx context.Context) (*Model, error) {
	seq, err := s.src.LastSeq()
	if err != nil {
		return nil, err
	}
	for {
		s.mu.Lock()
		m := s.model
		if m != nil && m.Seq == seq {
			s.mu.Unlock()
			return m, nil
		}
		if s.building == nil && (m == nil || !time.Now().Before(s.next)) {
			s.building = make(chan struct{})
			go s.train()
		}
		building, lastErr := s.building, s.err
		s.mu.Unlock()
		if m != nil {
			return m, nil // stale by a few writes: good enough while the next one trains
		}
		if building == nil {
			return nil, lastErr
		}
		select {
		case <-building:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		s.mu.Lock()
		m, lastErr = s.model, s.err
		s.mu.Unlock()
		if m == nil {
			return nil, lastErr
		}
		if m.Seq >= seq {
			return m, nil
		}
	}
}

// train builds a model from one read of the store.
func (s *Suggester) train() {
	start := time.Now()
	m, err := s.read(s.ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil {
		s.model = m
		s.builds++
	}
	s.err = err
	s.next = time.Now().Add(rebuildSpacing * time.Since(start))
	close(s.building)
	s.building = nil
}

func (s *Suggester) read(ctx context.Context) (*Model, error) {
	tax, err := s.src.Taxonomy()
	if err != nil {
		return nil, err
	}
	gloss, err := s.src.Glossary()
	if err != nil {
		return nil, err
	}
	// The registry's names resolve a draft's subject to its bank type.
	banks, err := s.src.FindBanks(ctx)
	if err != nil {
		return nil, err
	}
	m := newModel(tax, gloss, banks)
	// The taxonomy, registry and glossary read above may be a write older than the
	// sequence: then the model's Seq is behind and the next request trains again.
	seq, err := s.src.EachRecord(ctx, func(*corpus.Policy) error { return nil }, func(c *corpus.Case) error { m.add(c); return nil })
	if err != nil {
		return nil, err
	}
	m.Seq = seq
	return m, nil
}
