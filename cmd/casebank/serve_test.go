package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// selfSigned writes a certificate for 127.0.0.1 and its key as PEM files
// and returns their paths and a pool that trusts the certificate.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "casebank test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// With --tls-cert and --tls-key the server speaks https, sends HSTS, and a
// browser's sign-in cookies are Secure.
func TestServeTLS(t *testing.T) {
	certFile, keyFile, pool := selfSigned(t)
	base, token := browserSite(t, "--tls-cert", certFile, "--tls-key", keyFile)
	if !strings.HasPrefix(base, "https://") {
		t.Fatalf("ready line names %s", base)
	}
	client := &http.Client{
		Transport:     &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	res, err := client.Get(base + "/signin")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if hsts := res.Header.Get("Strict-Transport-Security"); res.StatusCode != 200 || hsts != "max-age=31536000" {
		t.Fatalf("sign-in page over TLS: %d, HSTS %q", res.StatusCode, hsts)
	}
	var pre *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "casebank_signin" {
			pre = c
		}
	}
	if pre == nil || !pre.Secure {
		t.Fatalf("pre-session cookie over TLS: %+v", pre)
	}
	field := regexp.MustCompile(`name="signin_csrf" value="([^"]+)"`).FindSubmatch(page)
	if field == nil {
		t.Fatal("no sign-in token in the form")
	}
	form := url.Values{"token": {token}, "signin_csrf": {string(field[1])}, "next": {"/cases/new"}}
	req, _ := http.NewRequest("POST", base+"/signin", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(pre)
	res, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	var session *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "casebank_session" {
			session = c
		}
	}
	if res.StatusCode != 303 || session == nil || !session.Secure {
		t.Fatalf("sign-in over TLS: %d, session cookie %+v", res.StatusCode, session)
	}
	// Plain http to the TLS port is refused, not served.
	res, err = http.Get("http" + strings.TrimPrefix(base, "https") + "/healthz")
	if err == nil {
		res.Body.Close()
		if res.StatusCode != 400 {
			t.Fatalf("plain http to the TLS port: %d", res.StatusCode)
		}
	}
}

// Wrong TLS and proxy flags stop serve at once with a message that names
// the problem.
func TestServeFlagErrors(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.pem")
	os.WriteFile(garbage, []byte("not a certificate"), 0o600)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--tls-cert", garbage}, 2, "--tls-cert and --tls-key together"},
		{[]string{"--tls-key", garbage}, 2, "--tls-cert and --tls-key together"},
		{[]string{"--tls-cert", filepath.Join(dir, "missing.pem"), "--tls-key", garbage}, 1, "missing.pem: no such file"},
		{[]string{"--tls-cert", garbage, "--tls-key", garbage}, 1, "failed to find any PEM data"},
		{[]string{"--trusted-proxy", "10.0.0.0/8,proxy.example"}, 2, `"proxy.example" is not an address or a CIDR range`},
		{[]string{"--trusted-proxy", "10.0.0.0/33"}, 2, `"10.0.0.0/33" is not an address or a CIDR range`},
		{[]string{"--write-rate", "0"}, 2, "--write-rate must be above 0"},
		{[]string{"--write-burst", "0"}, 2, "--write-burst at least 1"},
		{[]string{"--write-rate", "fast"}, 2, "invalid value"},
	} {
		code, _, errs := run(t, append([]string{"serve", "--addr", "127.0.0.1:0", "--data", filepath.Join(dir, "data")}, c.args...)...)
		if code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("serve %v: exit %d, want %d with %q; stderr:\n%s", c.args, code, c.code, c.want, errs)
		}
	}
}

func TestTrustedProxyFlag(t *testing.T) {
	var l cidrList
	for _, v := range []string{"10.0.0.0/8, 192.0.2.7", "2001:db8::/32", "::1"} {
		if err := l.Set(v); err != nil {
			t.Fatal(err)
		}
	}
	if got := l.String(); got != "10.0.0.0/8,192.0.2.7/32,2001:db8::/32,::1/128" {
		t.Fatalf("parsed %s", got)
	}
}

// --write-rate and --write-burst reach the limiter: with a burst of one and
// a slow rate, an editor's second write in a row is a 429.
func TestWriteRateFlags(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := run(t, "token", "create", "--data", dir, "--role", "editor", "--name", "ed")
	if code != 0 {
		t.Fatalf("token create: %d %s", code, errs)
	}
	secret := strings.TrimSpace(out)
	base, stop, _ := serveLogged(t, dir, "--write-rate", "0.001", "--write-burst", "1")
	defer stop()
	var codes []int
	for range 2 {
		req, _ := http.NewRequest("PATCH", base+"api/v1/cases/r2025-t1-4-chengdu-bank/tags", strings.NewReader(`{"add":{"themes":["ai"]}}`))
		req.Header.Set("Authorization", "Bearer "+secret)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		codes = append(codes, res.StatusCode)
	}
	if codes[0] != http.StatusOK || codes[1] != http.StatusTooManyRequests {
		t.Fatalf("two writes in a row: %v, want [200 429]", codes)
	}
}

// At --log-level debug every request is logged with the X-Request-ID its
// answer carries; at the default level, reads are not.
func TestLogLevel(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	for _, tc := range []struct {
		flags  []string
		logged bool
	}{{nil, false}, {[]string{"--log-level", "debug"}, true}} {
		base, stop, logs := serveLogged(t, dir, tc.flags...)
		res, err := http.Get(base + "api/v1/search?q=DeepSeek")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		id := res.Header.Get("X-Request-ID")
		stop()
		if got := strings.Contains(logs.String(), "id="+id); id == "" || got != tc.logged {
			t.Errorf("%v: request %q logged %v, want %v", tc.flags, id, got, tc.logged)
		}
	}
	if code, _, errs := run(t, "serve", "--log-level", "loud", "--data", dir); code != 2 || !strings.Contains(errs, "log-level") {
		t.Fatalf("--log-level loud: exit %d %s", code, errs)
	}
}

// Tokens are made, listed and revoked on a running server by an admin,
// through the API and `casebank token … --from`; a revoked token is refused
// at once, and the offline command, refused while the server holds the
// store, says how to go through it.
func TestTokensOnARunningServer(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := run(t, "token", "create", "--data", dir, "--role", "admin", "--name", "first admin")
	if code != 0 {
		t.Fatalf("offline token create: %d %s", code, errs)
	}
	admin := strings.TrimSpace(out)
	base, stop, _ := serveLogged(t, dir)
	defer stop()
	base = strings.TrimSuffix(base, "/")

	code, out, errs = run(t, "token", "create", "--from", base, "--token", admin, "--role", "editor", "--name", "王研究员")
	if code != 0 || !strings.HasPrefix(strings.TrimSpace(out), "cb_") {
		t.Fatalf("token create --from: %d %q %s", code, out, errs)
	}
	editor := strings.TrimSpace(out)
	patch := func() int {
		req, _ := http.NewRequest("PATCH", base+"/api/v1/cases/r2025-t1-4-chengdu-bank/tags", strings.NewReader(`{"add":{"themes":["ai"]}}`))
		req.Header.Set("Authorization", "Bearer "+editor)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if got := patch(); got != http.StatusOK {
		t.Fatalf("a write with the new editor token: %d", got)
	}
	code, out, errs = run(t, "token", "list", "--from", base, "--token", admin)
	if code != 0 || !strings.Contains(out, "王研究员") || strings.Contains(out, "hash") {
		t.Fatalf("token list --from: %d %q %s", code, out, errs)
	}
	var id string
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "王研究员") {
			id = strings.Fields(line)[0]
		}
	}
	if code, out, errs = run(t, "token", "list", "--from", base, "--token", editor); code == 0 || !strings.Contains(errs, "403") {
		t.Fatalf("an editor listed the tokens: %d %q %s", code, out, errs)
	}
	if code, _, errs = run(t, "token", "revoke", "--from", base, "--token", admin, id); code != 0 {
		t.Fatalf("token revoke --from %s: %d %s", id, code, errs)
	}
	if got := patch(); got != http.StatusUnauthorized {
		t.Fatalf("a write with the revoked token: %d, want 401", got)
	}
	if code, _, errs = run(t, "token", "list", "--data", dir); code == 0 || !strings.Contains(errs, "--from http://ADDR") {
		t.Fatalf("offline token list while serving: %d %s", code, errs)
	}
}

// Searches are counted and timed by front end and tier wherever they come
// from: the API or the search page, which share the server; /healthz counts
// cases and policies apart.
func TestSearchMetricsOfTheAPIAndThePages(t *testing.T) {
	base, stop := serveInProcess(t, t.TempDir())
	defer stop()
	for _, path := range []string{"api/v1/search?q=DeepSeek", "?q=DeepSeek", "?q=DeepSeek", "?q=元宇宙", "?q=deepseak"} {
		res, err := http.Get(base + path)
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("GET %s: %v %v", path, res, err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
	res, err := http.Get(base + "metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{
		`casebank_searches_total{source="api",tier="all_words"} 1`,
		`casebank_searches_total{source="ui",tier="all_words"} 2`,
		`casebank_searches_total{source="ui",tier="no_match"} 1`,
		`casebank_searches_total{source="ui",tier="corrected"} 1`,
		`casebank_search_duration_seconds_count{source="ui"} 4`,
		`casebank_search_duration_seconds_count{source="api"} 1`,
		`casebank_records{kind="case"} 114`,
		`casebank_records{kind="policy"} 32`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	var health struct{ Records, Cases, Policies int }
	getJSON(t, base+"healthz", "", &health)
	if health != (struct{ Records, Cases, Policies int }{146, 114, 32}) {
		t.Errorf("healthz: %+v, want 146 records: 114 cases, 32 policies", health)
	}
	if t.Failed() {
		for _, line := range strings.Split(string(body), "\n") {
			if strings.HasPrefix(line, "casebank_search") || strings.HasPrefix(line, "casebank_records") {
				t.Log(line)
			}
		}
	}
}
