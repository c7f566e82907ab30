package app

import (
	"fmt"
	"testing"
	"time"
)

// fakeClock is a clock that moves only when told.
type fakeClock struct{ at time.Time }

func (c *fakeClock) now() time.Time          { return c.at }
func (c *fakeClock) advance(d time.Duration) { c.at = c.at.Add(d) }

// fail makes one failed attempt from addr and reports whether it was let
// through to be checked.
func fail(f *failures, addr string) bool {
	finish, _, ok := f.begin(addr)
	if ok {
		finish(true)
	}
	return ok
}

// Many addresses never grow the table past its cap, an address blocked
// before the flood stays blocked through it, new addresses share one
// allowance while the table is full, and everything is forgotten once
// recovered.
func TestFailuresTableIsBounded(t *testing.T) {
	clock := &fakeClock{at: time.Unix(1_800_000_000, 0)}
	f := &failures{max: 100, now: clock.now}
	for range maxFailures {
		fail(f, "192.0.2.1")
	}
	if fail(f, "192.0.2.1") {
		t.Fatal("the 11th failure was checked")
	}
	checked := 0
	for i := range 5000 {
		if fail(f, fmt.Sprintf("10.%d.%d.%d", i>>16, i>>8&255, i&255)) {
			checked++
		}
	}
	if len(f.addrs) > 100 {
		t.Fatalf("%d addresses tracked, cap 100", len(f.addrs))
	}
	// 99 tracked newcomers once each, then the shared overflow's 10.
	if checked != 99+maxFailures {
		t.Fatalf("%d of 5000 new addresses checked, want %d", checked, 99+maxFailures)
	}
	if fail(f, "192.0.2.1") {
		t.Fatal("the flood unblocked an address")
	}
	clock.advance(failureWindow)
	if !fail(f, "192.0.2.2") {
		t.Fatal("a newcomer after the window was refused")
	}
	if len(f.addrs) != 1 || f.overflow != nil {
		t.Fatalf("after the window %d addresses tracked (overflow %v), want only the newest", len(f.addrs), f.overflow != nil)
	}
}

// A valid credential gives back the failure it reserved.
func TestSuccessCostsNothing(t *testing.T) {
	clock := &fakeClock{at: time.Unix(1_800_000_000, 0)}
	f := &failures{now: clock.now}
	for range 100 {
		finish, _, ok := f.begin("192.0.2.1")
		if !ok {
			t.Fatal("successes used up the allowance")
		}
		finish(false)
	}
	for range maxFailures - 1 {
		fail(f, "192.0.2.1")
	}
	// One left: two attempts at once get one check between them.
	finish, _, ok := f.begin("192.0.2.1")
	if _, wait, ok2 := f.begin("192.0.2.1"); !ok || ok2 || wait < time.Second {
		t.Fatalf("two attempts at once with one failure left: %v %v (wait %s)", ok, ok2, wait)
	}
	finish(true)
}

// The addresses of one IPv6 /64 share an allowance.
func TestIPv6SharesByPrefix(t *testing.T) {
	f := &failures{now: (&fakeClock{at: time.Unix(1_800_000_000, 0)}).now}
	for i := range maxFailures {
		fail(f, fmt.Sprintf("2001:db8:1:2::%x", i+1))
	}
	if fail(f, "2001:db8:1:2:ffff::1") {
		t.Fatal("another address of the same /64 was checked")
	}
	if !fail(f, "2001:db8:1:3::1") || !fail(f, "192.0.2.1") || !fail(f, "::ffff:192.0.2.2") {
		t.Fatal("other prefixes were refused")
	}
	if addrKey("::ffff:192.0.2.2") != "192.0.2.2" || addrKey("") != "" {
		t.Fatalf("keys %q %q", addrKey("::ffff:192.0.2.2"), addrKey(""))
	}
}

// The line that gets through after a quiet spell counts the dropped ones.
func TestQuietLogCountsDropped(t *testing.T) {
	clock := &fakeClock{at: time.Unix(1_800_000_000, 0)}
	q := &quietLog{now: clock.now}
	logged := 0
	for range 1000 {
		if ok, _ := q.allow(); ok {
			logged++
		}
	}
	if logged != logBurst {
		t.Fatalf("%d of 1000 lines logged at once, want %d", logged, logBurst)
	}
	clock.advance(time.Minute / logPerMinute)
	if ok, dropped := q.allow(); !ok || dropped != 1000-logBurst {
		t.Fatalf("next line: %v, %d dropped, want %d", ok, dropped, 1000-logBurst)
	}
}

// Idle tokens' write buckets are dropped.
func TestWriteBucketsExpire(t *testing.T) {
	clock := &fakeClock{at: time.Unix(1_800_000_000, 0)}
	w := &writeLimits{now: clock.now}
	for i := range 1000 {
		w.allow(fmt.Sprint("t", i), DefaultWriteRate, DefaultWriteBurst)
	}
	clock.advance(sweepEvery)
	w.allow("t-new", DefaultWriteRate, DefaultWriteBurst)
	if len(w.buckets) != 1 {
		t.Fatalf("%d buckets after the others went idle", len(w.buckets))
	}
}
