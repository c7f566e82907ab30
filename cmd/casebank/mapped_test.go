package main

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

// Mapped pages are let go of only above the budget, and not when the
// resident size cannot be read.
func TestReleaseIfOver(t *testing.T) {
	for _, tc := range []struct {
		name     string
		resident int64
		err      error
		want     bool
	}{
		{"over the budget", 200 << 20, nil, true},
		{"at the budget", 128 << 20, nil, false},
		{"under the budget", 20 << 20, nil, false},
		{"unknown", 0, errors.New("no /proc"), false},
	} {
		released := false
		got := releaseIfOver(128<<20, func() (int64, error) { return tc.resident, tc.err }, func() { released = true })
		if got != tc.want || released != tc.want {
			t.Errorf("%s: reported %v, released %v; want %v", tc.name, got, released, tc.want)
		}
	}
}

// The releaser checks on every tick and stops with its context.
func TestReleaseMappedEveryStopsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var checks atomic.Int32
	done := make(chan struct{})
	go func() {
		defer close(done)
		releaseMappedEvery(ctx, time.Millisecond, 0, func() (int64, error) {
			if checks.Add(1) == 3 {
				cancel()
			}
			return 1, nil
		}, func() {})
	}()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("the releaser did not stop after its context was cancelled")
	}
	if n := checks.Load(); n < 3 {
		t.Errorf("%d checks before the stop, want 3", n)
	}
}

// The process's file-backed resident size is read from /proc: at least the
// pages of the running program's code.
func TestResidentFileBytes(t *testing.T) {
	n, err := residentFileBytes()
	if err != nil {
		t.Skip("no /proc/self/status:", err)
	}
	if n < 1<<20 {
		t.Errorf("RssFile %d bytes, want at least the program's code (1 MiB)", n)
	}
}
