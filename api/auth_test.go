package api_test

import (
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"casebank/api"
)

// clientFrom returns a client whose connections come from ip; every
// 127.x.y.z address reaches the loopback server on Linux.
func clientFrom(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	return &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
}

// call sends a bodiless request with a token and header pairs and returns
// the response (body closed).
func (w *writeSite) call(t *testing.T, client *http.Client, method, path, token string, headers ...string) *http.Response {
	t.Helper()
	res, err := client.Do(w.request(method, path, token, nil, headers...))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res
}

// Forwarding headers from a client are ignored: naming another address
// neither escapes the limit nor locks that address out.
func TestFailedAuthLimitIgnoresForwardedHeaders(t *testing.T) {
	w := newWriteSite(t, api.StopClock)
	attacker, victim := clientFrom("127.0.0.2"), clientFrom("127.0.0.1")
	var refused []int
	for i := range 15 {
		// The first ten name the victim's address; the rest rotate.
		named := "127.0.0.1"
		if i >= 10 {
			named = "198.51.100." + strconv.Itoa(i)
		}
		res := w.call(t, attacker, "GET", "/api/v1/backup", "cb_guess-"+strconv.Itoa(i), "X-Forwarded-For", named, "X-Real-IP", named)
		switch {
		case i < 10 && res.StatusCode != 401:
			t.Fatalf("guess %d: %d, want 401", i, res.StatusCode)
		case i >= 10 && res.StatusCode != 429:
			refused = append(refused, res.StatusCode)
		case i >= 10 && res.Header.Get("Retry-After") == "":
			t.Fatalf("429 without Retry-After")
		}
	}
	if len(refused) > 0 {
		t.Fatalf("rotating X-Forwarded-For escaped the limit: %v", refused)
	}
	if res := w.call(t, victim, "GET", "/api/v1/backup", w.admin); res.StatusCode != 200 {
		t.Fatalf("the named address was locked out: admin backup %d", res.StatusCode)
	}
	if n := strings.Count(w.logs.String(), "X-Forwarded-For ignored"); n != 1 {
		t.Fatalf("%d warnings about ignored forwarding headers, want 1", n)
	}
	// The locked-out address is refused even with a valid token: checking it
	// would tell a guesser which guess was right.
	if res := w.call(t, attacker, "GET", "/api/v1/backup", w.admin); res.StatusCode != 429 {
		t.Fatalf("valid token from a locked-out address: %d, want 429", res.StatusCode)
	}
}

// Guesses sent at once are held to the same limit as guesses in a row.
func TestConcurrentGuessesAreBounded(t *testing.T) {
	w := newWriteSite(t, api.StopClock)
	var mu sync.Mutex
	codes := map[int]int{}
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			res := w.call(t, http.DefaultClient, "POST", "/api/v1/cases", "cb_guess-"+strconv.Itoa(i))
			mu.Lock()
			codes[res.StatusCode]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if codes[401] > 10 || codes[401]+codes[429] != 40 {
		t.Fatalf("40 concurrent guesses: %v; want at most 10 checked (401), the rest 429", codes)
	}
	if n := strings.Count(w.logs.String(), "failed authentication"); n != codes[401] {
		t.Fatalf("%d failure lines for %d failures", n, codes[401])
	}
}

func trustProxies(cidrs ...string) func(*api.Server) {
	return func(s *api.Server) {
		for _, c := range cidrs {
			_, n, err := net.ParseCIDR(c)
			if err != nil {
				panic(err)
			}
			s.TrustedProxies = append(s.TrustedProxies, n)
		}
	}
}

// Behind a trusted proxy each client behind it has its own limit; no one
// else's forwarding headers count, not even loopback's.
func TestTrustedProxyNamesTheClient(t *testing.T) {
	w := newWriteSite(t, trustProxies("127.0.0.3/32"), api.StopClock)
	proxy, other, local := clientFrom("127.0.0.3"), clientFrom("127.0.0.2"), clientFrom("127.0.0.1")
	for i := range 11 {
		// The proxy appends the address it saw to what the client sent.
		res := w.call(t, proxy, "GET", "/api/v1/backup", "cb_guess", "X-Forwarded-For", "127.0.0.9, 203.0.113.7")
		if want := map[bool]int{true: 401, false: 429}[i < 10]; res.StatusCode != want {
			t.Fatalf("guess %d through the proxy: %d, want %d", i, res.StatusCode, want)
		}
	}
	if res := w.call(t, proxy, "GET", "/api/v1/backup", w.admin, "X-Forwarded-For", "203.0.113.8"); res.StatusCode != 200 {
		t.Fatalf("another client behind the proxy: %d", res.StatusCode)
	}
	// Peers that are not the proxy cannot name the blocked client, nor
	// escape their own limit by naming others.
	if res := w.call(t, local, "GET", "/api/v1/backup", w.admin, "X-Forwarded-For", "203.0.113.7"); res.StatusCode != 200 {
		t.Fatalf("loopback naming the blocked client: %d", res.StatusCode)
	}
	for i := range 11 {
		res := w.call(t, other, "GET", "/api/v1/backup", "cb_guess", "X-Forwarded-For", "203.0.113."+strconv.Itoa(100+i))
		if want := map[bool]int{true: 401, false: 429}[i < 10]; res.StatusCode != want {
			t.Fatalf("guess %d from an untrusted peer: %d, want %d", i, res.StatusCode, want)
		}
	}
	if !strings.Contains(w.logs.String(), "addr=203.0.113.7") {
		t.Fatalf("the log does not name the client behind the proxy:\n%s", w.logs.String())
	}
}

// Failures from many addresses write a bounded number of log lines.
func TestFailureLogIsRateLimited(t *testing.T) {
	w := newWriteSite(t, trustProxies("127.0.0.1/32"), api.StopClock)
	for i := range 200 {
		res := w.call(t, http.DefaultClient, "GET", "/api/v1/backup", "cb_guess", "X-Forwarded-For", "203.0.113."+strconv.Itoa(i))
		if res.StatusCode != 401 {
			t.Fatalf("guess %d: %d", i, res.StatusCode)
		}
	}
	if n := strings.Count(w.logs.String(), "failed authentication"); n == 0 || n > 20 {
		t.Fatalf("200 failures wrote %d failure lines, want 1 to 20", n)
	}
}
