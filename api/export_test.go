package api

import (
	"context"
	"sync"
	"time"
)

// StopClock freezes the clock of s's failure limiter and failure log, so
// that tests of their limits do not depend on how fast the machine is.
func StopClock(s *Server) {
	at := time.Now()
	s.App.Now = func() time.Time { return at }
}

// HoldJobs makes every job of s wait, once running and before its import,
// until release is called or s is closed: tests see a job running for as
// long as they need, whatever the machine's speed. Call it before s.Echo.
func HoldJobs(s *Server) (release func()) {
	gate := make(chan struct{})
	s.holdJobs = func(ctx context.Context) {
		select {
		case <-gate:
		case <-ctx.Done():
		}
	}
	var once sync.Once
	return func() { once.Do(func() { close(gate) }) }
}
