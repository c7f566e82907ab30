package api_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"casebank/api"
	"casebank/corpus/app"
)

// HEAD answers like GET without a body; a served path asked with a method it
// does not take is a 405 naming the ones it does; OPTIONS lists them.
func TestHTTPMethods(t *testing.T) {
	ts := newServer(t)
	send := func(method, path string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(method, ts.URL+path, nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	for _, path := range []string{"/api/v1/search?q=DeepSeek", "/api/v1/cases/r2025-t1-4-jiangsu-bank", "/api/v1/taxonomy", "/healthz"} {
		get, body := send("GET", path)
		head, empty := send("HEAD", path)
		if head.StatusCode != 200 || empty != "" || head.Header.Get("Content-Type") != get.Header.Get("Content-Type") || body == "" {
			t.Errorf("HEAD %s: %d %q %q, GET gave %q", path, head.StatusCode, empty, head.Header.Get("Content-Type"), get.Header.Get("Content-Type"))
		}
		if cl := head.Header.Get("Content-Length"); cl != get.Header.Get("Content-Length") || cl == "0" {
			t.Errorf("HEAD %s: Content-Length %q, GET's %q", path, cl, get.Header.Get("Content-Length"))
		}
		if path == "/api/v1/cases/r2025-t1-4-jiangsu-bank" && head.Header.Get("ETag") == "" {
			t.Errorf("HEAD %s: no ETag", path)
		}
	}
	if res, _ := send("HEAD", "/api/v1/cases/no-such-case"); res.StatusCode != 404 {
		t.Errorf("HEAD of a missing case: %d", res.StatusCode)
	}
	// Allow names every method served, HEAD wherever GET is.
	for _, tc := range []struct{ method, path, allow string }{
		{"DELETE", "/api/v1/search", "GET, HEAD, OPTIONS"},
		{"POST", "/api/v1/taxonomy", "GET, HEAD, OPTIONS"},
		{"PUT", "/healthz", "GET, HEAD, OPTIONS"},
		{"GET", "/api/v1/bulk-tags", "OPTIONS, POST"},
		{"PATCH", "/api/v1/cases/r2025-t1-4-jiangsu-bank", "DELETE, GET, HEAD, OPTIONS, PUT"},
		{"OPTIONS", "/api/v1/cases/r2025-t1-4-jiangsu-bank", "DELETE, GET, HEAD, OPTIONS, PUT"},
	} {
		res, body := send(tc.method, tc.path)
		want, code := tc.allow, 405
		if tc.method == "OPTIONS" {
			code = 204
		}
		if res.StatusCode != code || allowed(res) != want || (code == 405 && !strings.Contains(body, `"code":"method_not_allowed"`)) {
			t.Errorf("%s %s: %d Allow %q (want %q) %s", tc.method, tc.path, res.StatusCode, res.Header.Get("Allow"), want, body)
		}
	}
	// A query string Go would parse only in part is refused, not half read.
	for _, path := range []string{"/api/v1/search?q=%ZZ", "/api/v1/search?q=DeepSeek&theme=%E4%B", "/?q=%ZZ"} {
		if res, body := send("GET", path); res.StatusCode != 400 {
			t.Errorf("GET %s: %d %.100s, want 400", path, res.StatusCode, body)
		}
	}
	if res, body := send("POST", "/api/v1/launch-missiles"); res.StatusCode != 404 || !strings.Contains(body, "no API endpoint") {
		t.Errorf("unknown endpoint: %d %s", res.StatusCode, body)
	}
}

// allowed is a response's Allow header, its methods in order.
func allowed(res *http.Response) string {
	methods := strings.Split(res.Header.Get("Allow"), ", ")
	slices.Sort(methods)
	return strings.Join(methods, ", ")
}

// A request its client abandoned is not a server error.
func TestCancelledRequestIsNotAServerError(t *testing.T) {
	status, body := api.Status(fmt.Errorf("index: search: %w", context.Canceled))
	if status != app.StatusClientClosed || body.Error.Code != "canceled" {
		t.Fatalf("cancelled: %d %+v", status, body)
	}
}
