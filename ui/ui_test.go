package ui_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"casebank/api"
	"casebank/corpus/corpustest"
	"casebank/index/indextest"
	"casebank/ui"
)

func newSite(t *testing.T) (*httptest.Server, func(path string) (int, http.Header, string)) {
	t.Helper()
	store, ix := indextest.MustOpen(t)
	hostile := corpustest.NewCase("hostile-text", "jiangsu-bank", `<script>alert("t")</script>标题`, `正文 <img src=x onerror=alert(1)> 防火墙`)
	if _, err := store.CreateCase(context.Background(), hostile, "tester"); err != nil {
		t.Fatal(err)
	}
	if err := ix.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	pages, err := ui.New(store, ix)
	if err != nil {
		t.Fatal(err)
	}
	s := &api.Server{Store: store, Index: ix, Logger: slog.New(slog.DiscardHandler), PageError: pages.PageError}
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
	if code != 200 || !strings.Contains(body, `class="chip"`) || !strings.Contains(body, "银行类型：城商行") {
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
