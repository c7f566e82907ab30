package ui_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"casebank/api"
	"casebank/corpus"
	"casebank/corpus/app"
	"casebank/corpus/boltdb"
	"casebank/corpus/boltdb/bolttest"
	"casebank/index/indextest"
	"casebank/ui"
)

// testStore is the store of the last site newSite made, for tests that need tokens.
var testStore *boltdb.Store

func newSite(t testing.TB, configure ...func(*api.Server)) (*httptest.Server, func(path string) (int, http.Header, string)) {
	t.Helper()
	store, ix := indextest.MustOpen(t)
	hostile := bolttest.NewCase("hostile-text", "jiangsu-bank", `<script>alert("t")</script>标题`, `正文 <img src=x onerror=alert(1)> 防火墙`)
	if _, err := store.CreateCase(context.Background(), hostile, "tester"); err != nil {
		t.Fatal(err)
	}
	if err := ix.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.DiscardHandler)
	svc := app.New(store, ix, logger)
	pages, err := ui.New(svc)
	if err != nil {
		t.Fatal(err)
	}
	s := &api.Server{App: svc, Logger: logger, PageError: pages.PageError}
	for _, f := range configure {
		f(s)
	}
	testStore = store
	e := s.Echo()
	pages.Register(e)
	ts := httptest.NewServer(e)
	t.Cleanup(ts.Close)
	return ts, func(path string) (int, http.Header, string) {
		t.Helper()
		res, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, res.Header, string(b)
	}
}

func TestSearchPageWithoutJavaScript(t *testing.T) {
	_, get := newSite(t)
	code, h, body := get("/?q=DeepSeek")
	if code != 200 {
		t.Fatalf("status %d", code)
	}
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Fatalf("CSP %q", csp)
	}
	for _, want := range []string{`<form class="search" action="/" method="get"`, `href="/cases/r2025-t1-4-jiangsu-bank"`, "<mark>DeepSeek</mark>", "城商行", "表1-4"} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// Facet links toggle a filter and keep the query.
	if !strings.Contains(body, `href="/?bank_type=city_commercial&amp;q=DeepSeek"`) {
		t.Errorf("no facet link for city_commercial")
	}
	total := func(body string) int {
		var n int
		i := strings.Index(body, "共 ")
		if i < 0 {
			t.Fatal("no total on the page")
		}
		fmt.Sscanf(body[i+len("共 "):], "%d", &n)
		return n
	}
	all := total(body)
	code, _, body = get("/?q=DeepSeek&bank_type=city_commercial")
	if code != 200 || total(body) >= all || total(body) < 4 || !strings.Contains(body, `aria-current="true"`) {
		t.Fatalf("filtered page: %d, %d of %d", code, total(body), all)
	}
}

func TestPagesEscapeCaseText(t *testing.T) {
	_, get := newSite(t)
	for _, path := range []string{"/?q=" + url.QueryEscape("防火墙"), "/cases/hostile-text"} {
		code, _, body := get(path)
		if code != 200 {
			t.Fatalf("%s: status %d", path, code)
		}
		if strings.Contains(body, `<script>alert`) || strings.Contains(body, "<img src=x") {
			t.Fatalf("%s renders case text as markup", path)
		}
		if !strings.Contains(body, "&lt;script&gt;") {
			t.Fatalf("%s does not show the escaped text", path)
		}
	}
}

func TestPageErrors(t *testing.T) {
	_, get := newSite(t)
	code, h, body := get("/cases/no-such-case")
	if code != 404 || !strings.HasPrefix(h.Get("Content-Type"), "text/html") || !strings.Contains(body, "no-such-case") {
		t.Fatalf("missing case page: %d %s", code, h.Get("Content-Type"))
	}
	code, _, body = get("/?q=" + url.QueryEscape(`"unclosed`))
	if code != 400 || !strings.Contains(body, "unterminated quote") || !strings.Contains(body, `value="&#34;unclosed"`) {
		t.Fatalf("bad query page: %d", code)
	}
	code, _, _ = get("/static/app.css")
	if code != 200 {
		t.Fatalf("static: %d", code)
	}
}

func TestInferredFiltersShowAsRemovableChips(t *testing.T) {
	_, get := newSite(t)
	code, _, body := get("/?q=" + url.QueryEscape("城商行 DeepSeek"))
	if code != 200 || !strings.Contains(body, `class="chip"`) || !strings.Contains(body, "银行类型: 城商行") {
		t.Fatalf("no bank-type chip (status %d)", code)
	}
	i := strings.Index(body, `class="chip"`)
	j := strings.Index(body[i:], `href="`)
	k := strings.Index(body[i+j+6:], `"`)
	removeURL := strings.ReplaceAll(body[i+j+6:i+j+6+k], "&amp;", "&")
	if !strings.Contains(removeURL, "noinfer=bank_type") {
		t.Fatalf("chip link %q", removeURL)
	}
	code, _, body = get(removeURL)
	if code != 200 || strings.Contains(body, `class="chip"`) {
		t.Fatalf("after removing the chip: %d, chip still there", code)
	}
}

// The cases at the bank type the query names come first; a divider and a
// note mark the other matches; policies have a box of their own.
func TestOtherMatchesAreDividedAndPoliciesApart(t *testing.T) {
	_, get := newSite(t)
	code, _, body := get("/?q=" + url.QueryEscape("城商行 DeepSeek"))
	divider := strings.Index(body, `class="divider"`)
	if code != 200 || divider < 0 || strings.Count(body[:divider], `<article class="hit"`) != 4 ||
		!strings.Contains(body[divider:], `<article class="hit outside"`) || !strings.Contains(body[divider:], "不符合：城商行") {
		t.Fatalf("status %d, divider at %d, hits before it %d", code, divider, strings.Count(body[:max(divider, 0)], `<article class="hit"`))
	}
	code, _, body = get("/?lang=en&q=" + url.QueryEscape("tech finance"))
	if code != 200 || !strings.Contains(body, `class="policies"`) || strings.Contains(body, `<span class="kind">Policy</span>`) {
		t.Fatalf("status %d: no policy box, or a policy among the cases", code)
	}
	code, _, body = get("/?lang=en&q=" + url.QueryEscape("元宇宙"))
	if code != 200 || !strings.Contains(body, "No case mentions “元宇宙”") {
		t.Fatalf("status %d: the word nothing matched is not named", code)
	}
}

// An editor, as a new user would: signs in, drafts a case, asks for tags,
// accepts one and rejects another, saves, finds it in search at once, sees
// its history; then signs out.
func TestEditorFlow(t *testing.T) {
	ts, _ := newSite(t)
	secret, _, err := testStore.CreateToken(context.Background(), "研究员小王", corpus.RoleEditor)
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	page := func(method, path string, form url.Values) (int, string) {
		t.Helper()
		var res *http.Response
		var err error
		if method == "GET" {
			res, err = client.Get(ts.URL + path)
		} else {
			res, err = client.PostForm(ts.URL+path, form)
		}
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	// Not signed in: the form sends you to sign in.
	code, body := page("GET", "/cases/new", nil)
	if code != 200 || !strings.Contains(body, `name="token"`) {
		t.Fatalf("new case without session: %d", code)
	}
	form := between(body, `name="signin_csrf" value="`, `"`)
	if code, body := page("POST", "/signin", url.Values{"token": {"wrong"}, "next": {"/cases/new"}, "signin_csrf": {form}}); code != 401 || !strings.Contains(body, "unknown token") {
		t.Fatalf("bad sign-in: %d", code)
	}
	code, body = page("POST", "/signin", url.Values{"token": {secret}, "next": {"/cases/new"}, "signin_csrf": {form}})
	if code != 200 || !strings.Contains(body, "新建案例") || !strings.Contains(body, "研究员小王") {
		t.Fatalf("sign-in: %d", code)
	}
	csrf := between(body, `name="csrf" value="`, `"`)
	draft := url.Values{"csrf": {csrf}, "bank": {"jiangsu-bank"}, "year": {"2026"},
		"title_zh": {"江苏银行上线国产分布式核心系统"}, "title_en": {"Bank of Jiangsu moves its core system to domestic databases"},
		"summary_zh": {"完成信创改造。"}, "body": {"江苏银行完成核心系统国产化改造，采用国产分布式数据库，实现信创全栈替代。"},
		"dimension": {"technology"}, "action": {"suggest"},
		"source_report": {"中小银行数字金融发展研究报告（2026）"}, "source_section": {"5.3"}}
	code, body = page("POST", "/cases/new", draft)
	if code != 200 || !strings.Contains(body, `name="decide:theme:xinchuang"`) || !strings.Contains(body, "依据：") ||
		!strings.Contains(body, "理由：银行名录中草稿的银行江苏银行为城商行") || !strings.Contains(body, "点名：") {
		t.Fatalf("suggestions: %d", code)
	}
	// A form without the CSRF token is refused.
	noCSRF := url.Values{}
	for k, v := range draft {
		noCSRF[k] = v
	}
	noCSRF.Del("csrf")
	if code, _ := page("POST", "/cases/new", noCSRF); code != 403 {
		t.Fatalf("form without CSRF: %d", code)
	}
	draft.Set("action", "save")
	draft.Set("decide:theme:xinchuang", "accept")
	draft.Set("decide:theme:green", "reject")
	code, body = page("POST", "/cases/new", draft)
	if code != 200 || !strings.Contains(body, "江苏银行上线国产分布式核心系统") || !strings.Contains(body, "theme:xinchuang") || !strings.Contains(body, "theme:green") {
		t.Fatalf("saved case page: %d", code)
	}
	if !strings.Contains(body, "研究员小王") || !strings.Contains(body, "create") {
		t.Fatal("history does not show the editor")
	}
	code, body = page("GET", "/?q="+url.QueryEscape("国产分布式核心系统")+"&theme=xinchuang", nil)
	if code != 200 || !strings.Contains(body, "江苏银行上线国产分布式核心系统") {
		t.Fatalf("not in search at once: %d", code)
	}
	if code, _ := page("POST", "/signout", url.Values{"csrf": {csrf}}); code != 200 {
		t.Fatalf("sign out: %d", code)
	}
	if code, body := page("GET", "/cases/new", nil); code != 200 || !strings.Contains(body, `name="token"`) {
		t.Fatalf("still signed in after sign-out: %d", code)
	}
}

// signIn posts the sign-in form with the given cookies and returns the
// response, not following its redirect.
func signIn(t *testing.T, ts *httptest.Server, form url.Values, headers ...string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("POST", ts.URL+"/signin", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	res, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	res.Body = io.NopCloser(strings.NewReader(string(b)))
	return res
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// cookie returns the response's Set-Cookie named name, or nil.
func cookie(res *http.Response, name string) *http.Cookie {
	for _, c := range res.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// signinForm fetches the sign-in page and returns its pre-session cookie
// and the form's matching field.
func signinForm(t *testing.T, ts *httptest.Server, path string, headers ...string) (*http.Cookie, string, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", ts.URL+path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	ck := cookie(res, "casebank_signin")
	if res.StatusCode != 200 || ck == nil {
		t.Fatalf("sign-in page: %d, cookies %v", res.StatusCode, res.Cookies())
	}
	return ck, between(string(b), `name="signin_csrf" value="`, `"`), string(b)
}

// Another site cannot post its own token to /signin: the form must carry
// the value of the browser's pre-session cookie.
func TestSignInNeedsItsOwnForm(t *testing.T) {
	ts, _ := newSite(t)
	secret, _, err := testStore.CreateToken(context.Background(), "攻击者", corpus.RoleEditor)
	if err != nil {
		t.Fatal(err)
	}
	ck, field, _ := signinForm(t, ts, "/signin")
	if !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/signin" || len(field) < 20 || field != ck.Value {
		t.Fatalf("pre-session cookie %+v, form field %q", ck, field)
	}
	// The issued value with its signature's first character changed.
	forged := field[:len(field)-1] + "A"
	if strings.HasSuffix(field, "A") {
		forged = field[:len(field)-1] + "B"
	}
	for name, c := range map[string]struct {
		form   url.Values
		cookie string
		extra  []string // more request headers
	}{
		"no cookie, no field":  {url.Values{"token": {secret}}, "", nil},
		"no cookie":            {url.Values{"token": {secret}, "signin_csrf": {field}}, "", nil},
		"no field":             {url.Values{"token": {secret}}, "casebank_signin=" + ck.Value, nil},
		"the attacker's value": {url.Values{"token": {secret}, "signin_csrf": {"AAAAAAAAAAAAAAAAAAAAAAAAAA"}}, "casebank_signin=" + ck.Value, nil},
		// A value the server never issued, set as cookie and field alike
		// (a cookie planted from a sibling subdomain, say).
		"a value it never issued": {url.Values{"token": {secret}, "signin_csrf": {"x"}}, "casebank_signin=x", nil},
		"an unsigned value of the issued shape": {url.Values{"token": {secret}, "signin_csrf": {"AAAAAAAAAAAAAAAAAAAAAAAAAA"}},
			"casebank_signin=AAAAAAAAAAAAAAAAAAAAAAAAAA", nil},
		"a forged signature": {url.Values{"token": {secret}, "signin_csrf": {forged}}, "casebank_signin=" + forged, nil},
		// The browser's own form values, posted from another site.
		"from another origin":      {url.Values{"token": {secret}, "signin_csrf": {field}}, "casebank_signin=" + ck.Value, []string{"Origin", "https://evil.example"}},
		"from another scheme":      {url.Values{"token": {secret}, "signin_csrf": {field}}, "casebank_signin=" + ck.Value, []string{"Origin", "https" + strings.TrimPrefix(ts.URL, "http")}},
		"from an opaque origin":    {url.Values{"token": {secret}, "signin_csrf": {field}}, "casebank_signin=" + ck.Value, []string{"Origin", "null"}},
		"referred by another site": {url.Values{"token": {secret}, "signin_csrf": {field}}, "casebank_signin=" + ck.Value, []string{"Referer", "https://evil.example/signin"}},
	} {
		var headers []string
		if c.cookie != "" {
			headers = []string{"Cookie", c.cookie}
		}
		headers = append(headers, c.extra...)
		res := signIn(t, ts, c.form, headers...)
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != 403 || cookie(res, "casebank_session") != nil || !strings.Contains(string(body), "请在本页重新登录") ||
			!strings.Contains(string(body), `name="signin_csrf"`) {
			t.Errorf("%s: %d, session cookie %v", name, res.StatusCode, cookie(res, "casebank_session"))
		}
	}
	// From this site's own page (the browser names its origin): accepted.
	res := signIn(t, ts, url.Values{"token": {secret}, "signin_csrf": {field}, "next": {"/cases/new"}},
		"Cookie", "casebank_signin="+ck.Value, "Origin", ts.URL, "Referer", ts.URL+"/signin")
	if res.StatusCode != 303 || cookie(res, "casebank_session") == nil || res.Header.Get("Location") != "/cases/new" {
		t.Fatalf("sign-in with its form: %d %v", res.StatusCode, res.Cookies())
	}
	if done := cookie(res, "casebank_signin"); done == nil || done.MaxAge >= 0 {
		t.Fatalf("the pre-session cookie is kept after sign-in: %+v", done)
	}
}

// The page to go back to after signing in stays on this site.
func TestSignInRedirectStaysLocal(t *testing.T) {
	ts, _ := newSite(t)
	secret, _, err := testStore.CreateToken(context.Background(), "研究员", corpus.RoleEditor)
	if err != nil {
		t.Fatal(err)
	}
	ck, field, body := signinForm(t, ts, "/signin?next=/%09/evil.example")
	if !strings.Contains(body, `name="next" value="/"`) {
		t.Fatalf("the sign-in form keeps a hostile next: %s", between(body, `name="next"`, ">"))
	}
	res := signIn(t, ts, url.Values{"token": {secret}, "signin_csrf": {field}, "next": {"/\t/evil.example"}}, "Cookie", "casebank_signin="+ck.Value)
	if loc := res.Header.Get("Location"); res.StatusCode != 303 || loc != "/" {
		t.Fatalf("sign-in redirect: %d to %q", res.StatusCode, loc)
	}
	res, err = noRedirect.Get(ts.URL + "/lang?to=en&next=" + url.QueryEscape("/\t/evil.example"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if loc := res.Header.Get("Location"); loc != "/" {
		t.Fatalf("language switch redirects to %q", loc)
	}
}

// Behind a trusted proxy that says the browser used https, cookies are
// Secure and pages carry HSTS; the same header from anyone else is ignored.
func TestCookiesSecureBehindTrustedProxy(t *testing.T) {
	for _, c := range []struct {
		name    string
		trusted []string
		secure  bool
	}{
		{"trusted proxy", []string{"127.0.0.1/32"}, true},
		{"no trusted proxy", nil, false},
		{"another proxy trusted", []string{"192.0.2.0/24"}, false},
	} {
		ts, _ := newSite(t, func(s *api.Server) {
			for _, cidr := range c.trusted {
				_, n, _ := net.ParseCIDR(cidr)
				s.TrustedProxies = append(s.TrustedProxies, n)
			}
		})
		secret, _, err := testStore.CreateToken(context.Background(), "研究员", corpus.RoleEditor)
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest("GET", ts.URL+"/signin", nil)
		req.Header.Set("X-Forwarded-Proto", "https")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		pre := cookie(res, "casebank_signin")
		hsts := res.Header.Get("Strict-Transport-Security")
		if pre == nil || pre.Secure != c.secure || (hsts != "") != c.secure {
			t.Fatalf("%s: pre-session cookie %+v, HSTS %q; want secure %v", c.name, pre, hsts, c.secure)
		}
		// The browser names the origin it saw: https through a trusted proxy.
		origin := ts.URL
		if c.secure {
			origin = "https://" + strings.TrimPrefix(ts.URL, "http://")
		}
		res = signIn(t, ts, url.Values{"token": {secret}, "signin_csrf": {between(string(b), `name="signin_csrf" value="`, `"`)}},
			"Cookie", "casebank_signin="+pre.Value, "X-Forwarded-Proto", "https", "Origin", origin)
		if sess := cookie(res, "casebank_session"); sess == nil || sess.Secure != c.secure {
			t.Fatalf("%s: session cookie %+v; want secure %v", c.name, sess, c.secure)
		}
	}
}

func between(s, start, end string) string {
	i := strings.Index(s, start)
	if i < 0 {
		return ""
	}
	s = s[i+len(start):]
	j := strings.Index(s, end)
	if j < 0 {
		return ""
	}
	return s[:j]
}

// The first page is small and has one stylesheet and one deferred script.
func TestFirstPageWeight(t *testing.T) {
	ts, get := newSite(t)
	code, _, body := get("/")
	if code != 200 {
		t.Fatal(code)
	}
	if n := strings.Count(body, `rel="stylesheet"`); n != 1 {
		t.Errorf("%d stylesheets", n)
	}
	if n := strings.Count(body, "<script"); n != 1 || !strings.Contains(body, " defer>") {
		t.Errorf("%d scripts, or not deferred", n)
	}
	total := len(body)
	for _, asset := range []string{between(body, `href="/static/`, `"`), between(body, `src="/static/`, `"`)} {
		res, err := http.Get(ts.URL + "/static/" + strings.ReplaceAll(asset, "&amp;", "&"))
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("asset %s: %v", asset, err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		total += len(b)
		if !strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
			t.Errorf("asset %s is not cached", asset)
		}
	}
	t.Logf("first page: %d bytes", total)
	if total > 50<<10 {
		t.Fatalf("first page is %d bytes, over 50 KB", total)
	}
}

// BenchmarkSearchAsYouType is the round trip of one keystroke's search: the
// browser asks for the page and swaps in its results.
func BenchmarkSearchAsYouType(b *testing.B) {
	ts, _ := newSite(b)
	for b.Loop() {
		res, err := http.Get(ts.URL + "/?q=" + url.QueryEscape("城商行 DeepSeek"))
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
}

// A new case and the editor's decisions on its suggested tags are stored in
// one write: one log entry and one history entry, the decisions in it, so
// that no failure in between can leave the case without them.
func TestNewCaseIsOneWrite(t *testing.T) {
	ts, _ := newSite(t)
	secret, _, err := testStore.CreateToken(context.Background(), "研究员", corpus.RoleEditor)
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	post := func(path string, form url.Values) (int, string) {
		t.Helper()
		res, err := client.PostForm(ts.URL+path, form)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	res, err := client.Get(ts.URL + "/signin?next=/cases/new")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	code, body := post("/signin", url.Values{"token": {secret}, "next": {"/cases/new"}, "signin_csrf": {between(string(b), `name="signin_csrf" value="`, `"`)}})
	if code != 200 {
		t.Fatalf("sign-in: %d", code)
	}
	before, err := testStore.LastSeq()
	if err != nil {
		t.Fatal(err)
	}
	draft := url.Values{"csrf": {between(body, `name="csrf" value="`, `"`)}, "bank": {"jiangsu-bank"}, "year": {"2026"},
		"title_zh": {"江苏银行一次写入测试"}, "title_en": {"One write"}, "summary_zh": {"摘要。"}, "body": {"正文。"},
		"dimension": {"technology"}, "source_report": {"中小银行数字金融发展研究报告（2026）"}, "source_section": {"5.3"},
		"action": {"save"}, "decide:theme:xinchuang": {"accept"}, "decide:theme:green": {"reject"}}
	if code, body := post("/cases/new", draft); code != 200 || !strings.Contains(body, "江苏银行一次写入测试") {
		t.Fatalf("save: %d", code)
	}
	changes, err := testStore.ChangesSince(before, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 1 || changes[0].Op != corpus.OpCasePut {
		t.Fatalf("saving a new case with decisions wrote %d log entries, want 1: %+v", len(changes), changes)
	}
	hist, err := testStore.History(context.Background(), changes[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 1 || hist[0].Op != corpus.HistCreate || hist[0].Decisions == nil ||
		strings.Join(hist[0].Decisions.Accepted, ",") != "theme:xinchuang" || strings.Join(hist[0].Decisions.Rejected, ",") != "theme:green" {
		t.Fatalf("history %+v, want one creation entry with the decisions", hist)
	}
}

// Wrong tokens on the sign-in page count against the address's limit, as
// the API's do; past it the page says when to try again (Retry-After).
func TestSignInLimitSaysWhenToRetry(t *testing.T) {
	at := time.Now() // stopped, so that no failure is given back meanwhile
	ts, _ := newSite(t, func(s *api.Server) { s.App.Now = func() time.Time { return at } })
	ck, field, _ := signinForm(t, ts, "/signin")
	for i := range 11 {
		res := signIn(t, ts, url.Values{"token": {"cb_guess"}, "signin_csrf": {field}}, "Cookie", "casebank_signin="+ck.Value)
		switch {
		case i < 10 && res.StatusCode != 401:
			t.Fatalf("guess %d: %d, want 401", i, res.StatusCode)
		case i == 10 && (res.StatusCode != 429 || res.Header.Get("Retry-After") == ""):
			t.Fatalf("guess %d: %d, Retry-After %q; want 429 saying when", i, res.StatusCode, res.Header.Get("Retry-After"))
		}
	}
}

// In English a case page reads in English: practice, outcome, figures,
// names and bank; the Chinese original is one click away. In Chinese it
// carries no English body.
func TestCasePageReadsInEnglish(t *testing.T) {
	_, get := newSite(t)
	code, _, body := get("/cases/r2025-t1-4-chengdu-bank?lang=en")
	if code != 200 || !strings.Contains(body, "Bank of Chengdu") || !strings.Contains(body, `<p lang="en">`) ||
		!strings.Contains(body, "retrieval-augmented") || !strings.Contains(body, `<details class="original">`) {
		t.Fatalf("English case page: status %d, English body or original missing", code)
	}
	if i := strings.Index(body, `<details class="original">`); strings.Contains(body[:i], "报告在表1-4前的正文中") {
		t.Error("the Chinese body shows outside the original's box")
	}
	code, _, body = get("/cases/r2025-t1-4-chengdu-bank")
	if code != 200 || strings.Contains(body, "retrieval-augmented") || strings.Contains(body, `class="original"`) || !strings.Contains(body, "报告在表1-4前的正文中") {
		t.Fatalf("Chinese case page: status %d, English body shown or Chinese missing", code)
	}
}
