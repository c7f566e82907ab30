package api_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"casebank/api"
	"casebank/corpus/app"
	"casebank/index/indextest"
)

// BenchmarkSearchHTTP is one search through the whole API (routing,
// middleware, search, JSON), computed fresh each time as with
// Cache-Control: no-cache.
func BenchmarkSearchHTTP(b *testing.B) {
	store, ix := indextest.MustOpen(b)
	logger := slog.New(slog.DiscardHandler)
	s := &api.Server{App: app.New(store, ix, logger), Logger: logger, Version: "bench"}
	h := s.Echo()
	queries := []string{"DeepSeek", "城商行 DeepSeek", "数据治理", "四川 农商行", "DeepSeek deployments at city commercial banks", "智能客服", "供应链金融", "杭州银行 信创"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		req := httptest.NewRequest(http.MethodGet, "/api/v1/search?q="+url.QueryEscape(queries[i%len(queries)]), nil)
		req.Header.Set("Cache-Control", "no-cache")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		io.Copy(io.Discard, rec.Body)
	}
}
