package app

import (
	"net"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Failed authentications: each client address may fail maxFailures times at
// once, then once every failureWindow/maxFailures. An address over its limit
// is refused before its credential is checked, so the answer never tells a
// guesser whether a guess was right.
const (
	maxFailures   = 10
	failureWindow = time.Minute
	// maxTrackedAddrs bounds the table (a few hundred bytes an address).
	// When it is full, new addresses share one overflow allowance: nothing
	// is evicted early, since eviction would let an attacker with many
	// addresses wipe its own blocked ones.
	maxTrackedAddrs = 10_000
	// sweepEvery is how often addresses that have fully recovered, and so
	// are the same as never seen, are dropped.
	sweepEvery = 10 * time.Second
)

// failures holds the failed-authentication allowance of each client address.
type failures struct {
	mu        sync.Mutex
	addrs     map[string]*allowance
	overflow  *allowance // shared by new addresses while the table is full
	lastSweep time.Time
	max       int              // tracked addresses; 0 means maxTrackedAddrs
	now       func() time.Time // nil means time.Now
}

// allowance is one address's remaining failures. inFlight counts attempts
// being checked, each holding one failure's worth, so that guesses sent at
// once cannot pass the limit together.
type allowance struct {
	lim      *rate.Limiter
	inFlight int
}

func newAllowance() *allowance {
	return &allowance{lim: rate.NewLimiter(rate.Every(failureWindow/maxFailures), maxFailures)}
}

// begin reserves one failure for an attempt from addr and returns finish,
// to be called with the attempt's outcome; or, when addr has no failures
// left, ok false and how long until it has one.
func (f *failures) begin(addr string) (finish func(failed bool), wait time.Duration, ok bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := clock(f.now)
	f.sweep(now)
	a := f.allowanceOf(addrKey(addr))
	left := a.lim.TokensAt(now) - float64(a.inFlight)
	if left < 1 {
		return nil, max(time.Duration((1-left)*float64(failureWindow/maxFailures)), time.Second), false
	}
	a.inFlight++
	return func(failed bool) {
		f.mu.Lock()
		defer f.mu.Unlock()
		a.inFlight--
		if failed {
			a.lim.AllowN(clock(f.now), 1)
		}
	}, 0, true
}

func (f *failures) allowanceOf(key string) *allowance {
	if a, ok := f.addrs[key]; ok {
		return a
	}
	limit := f.max
	if limit == 0 {
		limit = maxTrackedAddrs
	}
	if len(f.addrs) >= limit {
		if f.overflow == nil {
			f.overflow = newAllowance()
		}
		return f.overflow
	}
	if f.addrs == nil {
		f.addrs = map[string]*allowance{}
	}
	a := newAllowance()
	f.addrs[key] = a
	return a
}

// sweep drops the addresses that have all their failures back.
func (f *failures) sweep(now time.Time) {
	if now.Sub(f.lastSweep) < sweepEvery {
		return
	}
	f.lastSweep = now
	recovered := func(a *allowance) bool { return a.inFlight == 0 && a.lim.TokensAt(now) >= maxFailures }
	dropped := 0
	for k, a := range f.addrs {
		if recovered(a) {
			delete(f.addrs, k)
			dropped++
		}
	}
	if f.overflow != nil && recovered(f.overflow) {
		f.overflow = nil
	}
	// A Go map keeps its size after deletes: copy it once most entries went.
	if dropped > len(f.addrs) {
		kept := make(map[string]*allowance, len(f.addrs))
		for k, a := range f.addrs {
			kept[k] = a
		}
		f.addrs = kept
	}
}

// addrKey groups IPv6 addresses by /64, the block one subscriber usually
// gets, so that rotating through it does not multiply the allowance.
func addrKey(addr string) string {
	ip := net.ParseIP(addr)
	switch {
	case ip == nil:
		return addr
	case ip.To4() != nil:
		return ip.String()
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// Failure log lines: logBurst at once, then logPerMinute, so that a flood of
// guesses cannot flood the log.
const (
	logBurst     = 20
	logPerMinute = 20
)

// quietLog rate-limits log lines; the next line let through reports how
// many were dropped before it.
type quietLog struct {
	mu      sync.Mutex
	lim     *rate.Limiter
	dropped int
	now     func() time.Time // nil means time.Now
}

func (q *quietLog) allow() (ok bool, dropped int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.lim == nil {
		q.lim = rate.NewLimiter(rate.Every(time.Minute/logPerMinute), logBurst)
	}
	if !q.lim.AllowN(clock(q.now), 1) {
		q.dropped++
		return false, 0
	}
	dropped, q.dropped = q.dropped, 0
	return true, dropped
}

// By default each token may write DefaultWriteRate times a second, in
// bursts of DefaultWriteBurst.
const (
	DefaultWriteRate  = 50
	DefaultWriteBurst = 200
)

// writeLimits holds one token bucket per token; idle ones are dropped.
type writeLimits struct {
	mu        sync.Mutex
	buckets   map[string]*rate.Limiter
	lastSweep time.Time
	now       func() time.Time // nil means time.Now
}

// allow spends one of tokenID's writes, at perSecond in bursts of burst.
func (w *writeLimits) allow(tokenID string, perSecond rate.Limit, burst int) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := clock(w.now)
	if now.Sub(w.lastSweep) >= sweepEvery {
		w.lastSweep = now
		for id, l := range w.buckets {
			if l.TokensAt(now) >= float64(burst) {
				delete(w.buckets, id)
			}
		}
	}
	if w.buckets == nil {
		w.buckets = map[string]*rate.Limiter{}
	}
	l, ok := w.buckets[tokenID]
	if !ok {
		l = rate.NewLimiter(perSecond, burst)
		w.buckets[tokenID] = l
	}
	return l.AllowN(now, 1)
}

func clock(now func() time.Time) time.Time {
	if now == nil {
		return time.Now()
	}
	return now()
}
