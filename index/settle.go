package index

import (
	"context"
	"errors"
	"sync"
	"time"
)

// After a write is committed to the store it must be answered as a success
// — a client that saw an error would retry and store it twice — even when
// the index cannot take it now (a full disk). Then the index is caught up in
// the background, retrying with growing pauses, and healthz shows the lag.

var errRepairing = errors.New("index: being rebuilt from the store")

// retrier runs at most one background catch-up.
type retrier struct {
	mu      sync.Mutex
	running bool
	lastErr error
}

// Retry pauses: the first soon, then doubling up to the longest.
var (
	firstRetry   = 200 * time.Millisecond
	longestRetry = 30 * time.Second
)

// Settle makes committed writes searchable: it catches the index up now,
// or, when that fails, keeps trying in the background and returns why it
// could not now. The write stands either way.
func (ix *Index) Settle(ctx context.Context) error {
	err := ix.CatchUp(ctx)
	if err == nil && ix.Damaged() {
		// Nothing is applied to a damaged index: the rebuilt one takes the
		// write when it is swapped in.
		return errRepairing
	}
	if err == nil {
		ix.retry.mu.Lock()
		ix.retry.lastErr = nil // caught up, whatever the retrier last saw
		ix.retry.mu.Unlock()
		return nil
	}
	if ctx.Err() != nil {
		// The client went away; the next write or the retry catches up.
		err = ctx.Err()
	}
	ix.log.Error("index behind the store; catching up in the background", "err", err)
	ix.retry.mu.Lock()
	defer ix.retry.mu.Unlock()
	ix.retry.lastErr = err
	if !ix.retry.running {
		ix.retry.running = true
		go ix.retryCatchUp()
	}
	return err
}

func (ix *Index) retryCatchUp() {
	pause := firstRetry
	for {
		time.Sleep(pause)
		err := ix.CatchUp(context.Background())
		ix.retry.mu.Lock()
		ix.retry.lastErr = err
		if err == nil || errors.Is(err, ErrClosed) {
			ix.retry.running = false
			ix.retry.mu.Unlock()
			if err == nil {
				ix.log.Info("index caught up with the store")
			}
			return
		}
		ix.retry.mu.Unlock()
		pause = min(2*pause, longestRetry)
	}
}

// ErrStillIndexing says a write's catch-up outlasted the wait of its request
// and goes on in the background.
var ErrStillIndexing = errors.New("index: still taking in the change")

// SettleWithin is Settle for a write that may retag thousands of cases (a
// codebook merge at 100,000 cases takes the index tens of seconds): it waits
// at most wait, or not at all when wait is not positive, then answers
// ErrStillIndexing while the catch-up goes on. The client gets its answer
// before the write timeout instead of none.
func (ix *Index) SettleWithin(ctx context.Context, wait time.Duration) error {
	done := make(chan error, 1)
	go func() { done <- ix.Settle(context.WithoutCancel(ctx)) }()
	if wait <= 0 {
		return ErrStillIndexing
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case err := <-done:
		return err
	case <-timer.C:
		return ErrStillIndexing
	case <-ctx.Done():
		return ctx.Err()
	}
}

// CatchUpError is why the index is behind the store, or nil.
func (ix *Index) CatchUpError() error {
	ix.retry.mu.Lock()
	defer ix.retry.mu.Unlock()
	if !ix.retry.running {
		return nil
	}
	return ix.retry.lastErr
}
