package api_test

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// /metrics speaks Prometheus: requests by route pattern (never by id, so
// that ids do not multiply the series) and status, latencies, and the
// store's and the index's figures: records by kind, searches by front end
// and tier.
func TestMetrics(t *testing.T) {
	w := newWriteSite(t)
	for _, path := range []string{"/api/v1/search?q=DeepSeek", "/api/v1/cases/r2025-t1-4-chengdu-bank", "/api/v1/cases/r2025-t1-4-jiangsu-bank", "/api/v1/cases/nope", "/no/such/path"} {
		res, err := http.Get(w.ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		// Read whole, the connection is reused: the server takes the next
		// request on it only after this one's handler (and its count) is done.
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
	for _, method := range []string{"FROB1", "FROB2"} {
		req, _ := http.NewRequest(method, w.ts.URL+"/api/v1/search", nil)
		if res, err := http.DefaultClient.Do(req); err == nil {
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
		}
	}
	res, err := http.Get(w.ts.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	text := string(body)
	for _, want := range []string{
		`casebank_http_requests_total{method="GET",route="/api/v1/search",status="200"} 1`,
		`casebank_http_requests_total{method="GET",route="/api/v1/cases/:id",status="200"} 2`,
		`casebank_http_requests_total{method="GET",route="/api/v1/cases/:id",status="404"} 1`,
		`casebank_http_request_duration_seconds_bucket{method="GET",route="/api/v1/search",le="5"} 1`,
		`casebank_index_lag 0`,
		`go_goroutines`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if !strings.Contains(text, `casebank_searches_total{source="api",tier="all_words"} 1`) ||
		!strings.Contains(text, `casebank_search_duration_seconds_count{source="api"} 1`) {
		t.Errorf("/metrics does not count the search by its front end and tier")
	}
	if !regexp.MustCompile(`(?m)^casebank_records\{kind="case"\} 114$`).MatchString(text) || !regexp.MustCompile(`(?m)^casebank_records\{kind="policy"\} 32$`).MatchString(text) || !regexp.MustCompile(`(?m)^casebank_store_bytes [1-9]`).MatchString(text) {
		t.Errorf("/metrics lacks the record count or the store size")
	}
	if strings.Contains(text, "r2025-t1-4") || strings.Contains(text, "/no/such/path") || strings.Contains(text, "FROB") {
		t.Errorf("a label holds an id, a raw path or a made-up method")
	}
	if t.Failed() {
		for _, line := range strings.Split(text, "\n") {
			if strings.HasPrefix(line, "casebank_http_requests_total") {
				t.Log(line)
			}
		}
	}
}
