package api_test

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"casebank/api"
	"casebank/corpus"
	"casebank/corpus/app"
	"casebank/index"
	"casebank/index/indextest"
)

// newServer runs the real API over a real store and index.
func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	store, ix := indextest.MustOpen(t)
	logger := slog.New(slog.DiscardHandler)
	s := &api.Server{App: app.New(store, ix, logger), Logger: logger, Version: "test"}
	ts := httptest.NewServer(s.Echo())
	t.Cleanup(ts.Close)
	return ts
}

func get(t *testing.T, ts *httptest.Server, path string, out any) int {
	t.Helper()
	res, err := http.Get(ts.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("GET %s: content type %q, body %s", path, ct, body)
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			t.Fatalf("GET %s: decode %s: %v", path, body, err)
		}
	}
	return res.StatusCode
}

func TestSearchReturnsDeepSeekCases(t *testing.T) {
	ts := newServer(t)
	var res api.SearchJSON
	if code := get(t, ts, "/api/v1/search?q=DeepSeek&size=100", &res); code != 200 {
		t.Fatalf("status %d", code)
	}
	if res.Total < 7 || len(res.Hits) != int(res.Total) {
		t.Fatalf("total %d, hits %d", res.Total, len(res.Hits))
	}
	var t14 []string
	for _, h := range res.Hits {
		if h.Source.Table == "表1-4" {
			t14 = append(t14, h.ID)
		}
	}
	if len(t14) != 7 {
		t.Fatalf("hits from table 1-4: %v", t14)
	}
	h := res.Hits[0]
	if h.ID == "" || h.Title.ZH == "" || h.Title.EN == "" || h.Bank.Name == "" || h.Bank.Type == "" || h.Bank.Region == "" ||
		h.Source.Section == "" || h.Source.Report == "" || h.Kind != "case" || h.Year != 2025 || h.Score <= 0 || len(h.Dimensions) == 0 {
		t.Fatalf("hit lacks fields: %+v", h)
	}
	marked := false
	for _, frags := range h.Highlights {
		for _, f := range frags {
			marked = marked || strings.Contains(f, "<mark>DeepSeek</mark>")
		}
	}
	if !marked {
		t.Fatalf("no <mark>DeepSeek</mark> in %v", h.Highlights)
	}
	city := 0
	for _, h := range res.Hits {
		if h.Bank.Type == "city_commercial" {
			city++
		}
	}
	fields := map[string]bool{}
	for _, f := range res.Facets {
		fields[f.Field] = true
		if f.Field == "bank_type" {
			for _, v := range f.Values {
				if v.Code == "city_commercial" && (v.Count != city || v.Label.ZH != "城商行" || v.Label.EN == "") {
					t.Fatalf("city_commercial facet %+v, %d city commercial hits", v, city)
				}
			}
		}
	}
	for _, want := range []string{"dimension", "bank_type", "theme", "region", "year", "bank"} {
		if !fields[want] {
			t.Errorf("no %s facet", want)
		}
	}
	if res.Query.Raw != "DeepSeek" {
		t.Errorf("query echo %+v", res.Query)
	}
}

func TestSearchFiltersEchoed(t *testing.T) {
	ts := newServer(t)
	var res api.SearchJSON
	code := get(t, ts, "/api/v1/search?q=DeepSeek&bank_type=private&bank_type=rural_commercial&region=jiangsu", &res)
	if code != 200 || res.Total == 0 {
		t.Fatalf("status %d, %d hits", code, res.Total)
	}
	for _, h := range res.Hits {
		if h.Bank.Region != "jiangsu" || (h.Bank.Type != "private" && h.Bank.Type != "rural_commercial") {
			t.Errorf("hit %s: %+v", h.ID, h.Bank)
		}
	}
	if got := res.Query.Filters[corpus.FacetBankType]; len(got) != 2 {
		t.Fatalf("filters echoed %+v", res.Query.Filters)
	}
}

func TestErrorsArePreciseJSON(t *testing.T) {
	ts := newServer(t)
	tests := []struct {
		path string
		code int
		want string // error code
	}{
		{"/api/v1/search?q=" + url.QueryEscape(`"DeepSeek`), 400, "invalid"},
		{"/api/v1/search?q=" + url.QueryEscape(`foo:bar`), 400, "invalid"},
		{"/api/v1/search?q=" + url.QueryEscape(`(`), 400, "invalid"},
		{"/api/v1/search?q=" + url.QueryEscape(`/[/`), 400, "invalid"},
		{"/api/v1/search?q=" + strings.Repeat("x", 10000), 400, "invalid"},
		{"/api/v1/search?theme=nonsense", 400, "invalid"},
		{"/api/v1/search?page=-1", 400, "invalid"},
		{"/api/v1/search?page=abc", 400, "invalid"},
		{"/api/v1/search?size=100000", 400, "invalid"},
		{"/api/v1/search?year=20x5", 400, "invalid"},
		{"/api/v1/search?q=a&q=b", 400, "invalid"},
		{"/api/v1/cases/no-such-case", 404, "not_found"},
		{"/api/v1/cases/..%2F..%2Fetc", 404, "not_found"},
		{"/api/v1/banks/no-such-bank", 404, "not_found"},
		{"/api/v1/nothing-here", 404, "not_found"},
	}
	for _, tt := range tests {
		var body app.ErrorBody
		code := get(t, ts, tt.path, &body)
		if code != tt.code || body.Error.Code != tt.want || body.Error.Message == "" {
			t.Errorf("GET %.80s: %d %+v, want %d %s", tt.path, code, body.Error, tt.code, tt.want)
		}
	}
	// Unknown codes say which codes exist.
	var body app.ErrorBody
	get(t, ts, "/api/v1/search?theme=nonsense", &body)
	if len(body.Error.Fields) != 1 || !body.Error.Fields[0].Allows("xinchuang") {
		t.Fatalf("unknown theme error %+v", body.Error)
	}
	// The server is still healthy afterwards.
	if code := get(t, ts, "/healthz", nil); code != 200 {
		t.Fatalf("healthz %d", code)
	}
}

func TestCaseBanksTaxonomyHealth(t *testing.T) {
	ts := newServer(t)
	var c struct {
		ID      string
		Bank    struct{ Name, Type, Region string }
		Figures []struct{ Label, Value string }
		Source  struct{ Report, Section, Table string }
	}
	if code := get(t, ts, "/api/v1/cases/r2025-t1-4-jiangsu-bank", &c); code != 200 {
		t.Fatalf("case status %d", code)
	}
	if c.Bank.Name != "江苏银行" || c.Bank.Type != "city_commercial" || c.Source.Table != "表1-4" || len(c.Figures) == 0 {
		t.Fatalf("case %+v", c)
	}
	var banks struct {
		Banks []struct {
			ID    string
			Cases int
		}
		Total int
	}
	if code := get(t, ts, "/api/v1/banks", &banks); code != 200 || banks.Total != len(banks.Banks) || banks.Total < 7 {
		t.Fatalf("banks %d %+v", code, banks)
	}
	var tax struct {
		Themes []struct{ Code, ZH, EN string } `json:"themes"`
	}
	if code := get(t, ts, "/api/v1/taxonomy", &tax); code != 200 || len(tax.Themes) < 14 {
		t.Fatalf("taxonomy %d, %d themes", code, len(tax.Themes))
	}
	var pols struct {
		Policies []struct{ ID, Name, Date string }
		Total    int
	}
	if code := get(t, ts, "/api/v1/policies", &pols); code != 200 || pols.Total != 32 || pols.Policies[0].Name == "" {
		t.Fatalf("policies %d %d", code, pols.Total)
	}
	var polHits api.SearchJSON
	if code := get(t, ts, "/api/v1/search?kind=policy&q="+url.QueryEscape("科技金融"), &polHits); code != 200 || polHits.Total == 0 || polHits.Hits[0].Kind != "policy" || polHits.Hits[0].Bank != nil {
		t.Fatalf("policy search %d: %+v", code, polHits.Hits)
	}
	var stats struct {
		Cases     int
		Honeycomb struct{ Scores []struct{ Score float64 } }
	}
	if code := get(t, ts, "/api/v1/stats", &stats); code != 200 || len(stats.Honeycomb.Scores) != 54 || stats.Cases < 79 {
		t.Fatalf("stats %d: %d scores, %d cases", code, len(stats.Honeycomb.Scores), stats.Cases)
	}
	var health struct {
		Status                   string
		Records, Cases, Policies int
		LogSeq                   uint64 `json:"log_seq"`
		IndexSeq                 uint64 `json:"index_seq"`
	}
	// Cases and policies apart: stats counts cases only, so must healthz.
	if code := get(t, ts, "/healthz", &health); code != 200 || health.Status != "ok" || health.Cases != stats.Cases || health.Policies != 32 ||
		health.Records != health.Cases+health.Policies || health.LogSeq != health.IndexSeq {
		t.Fatalf("healthz %d %+v", code, health)
	}
}

func TestExport(t *testing.T) {
	ts := newServer(t)
	res, err := http.Get(ts.URL + "/api/v1/export?format=jsonl")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	lines := strings.Split(strings.TrimSpace(string(body)), "\n")
	kinds := map[string]int{}
	for _, l := range lines {
		var rec struct{ ID, Kind string }
		if err := json.Unmarshal([]byte(l), &rec); err != nil || rec.ID == "" {
			t.Fatalf("bad line %q: %v", l, err)
		}
		kinds[rec.Kind]++
	}
	if res.StatusCode != 200 || kinds["case"] < 79 || kinds["policy"] != 32 {
		t.Fatalf("jsonl export: %d, %v", res.StatusCode, kinds)
	}

	res, err = http.Get(ts.URL + "/api/v1/export?format=csv")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(readAll(t, res), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if rows[0][0] != "id" || len(rows)-1 != kinds["case"] {
		t.Fatalf("csv: header %v, %d rows for %d cases", rows[0][:3], len(rows)-1, kinds["case"])
	}
	var body2 app.ErrorBody
	if code := get(t, ts, "/api/v1/export?format=xml", &body2); code != 400 {
		t.Fatalf("unknown format: %d", code)
	}
}

func readAll(t *testing.T, res *http.Response) string {
	t.Helper()
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestUnderstandingSimilarPeersSuggest(t *testing.T) {
	ts := newServer(t)
	var res api.SearchJSON
	get(t, ts, "/api/v1/search?q="+url.QueryEscape("DeepSeek deployments at city commercial banks"), &res)
	// The bank type from its words; DeepSeek names its theme too.
	byField := map[string]index.Inferred{}
	for _, in := range res.Query.Inferred {
		byField[in.Field] = in
	}
	if bt := byField["bank_type"]; len(res.Query.Inferred) != 2 || bt.Code != "city_commercial" || bt.Words != "city commercial banks" ||
		byField["theme"].Code != "ai" || res.Query.Text != "DeepSeek deployments" {
		t.Fatalf("query %+v", res.Query)
	}
	get(t, ts, "/api/v1/search?infer=false&q="+url.QueryEscape("城商行 DeepSeek"), &res)
	if len(res.Query.Inferred) != 0 {
		t.Fatalf("infer=false: %+v", res.Query.Inferred)
	}
	var bad app.ErrorBody
	if code := get(t, ts, "/api/v1/search?infer=maybe", &bad); code != 400 {
		t.Fatalf("infer=maybe: %d", code)
	}
	if code := get(t, ts, "/api/v1/search?noinfer=colour", &bad); code != 400 {
		t.Fatalf("noinfer=colour: %d", code)
	}

	var sim struct {
		Similar []struct {
			ID      string
			Reasons []struct{ Kind string }
		}
	}
	if code := get(t, ts, "/api/v1/cases/r2025-t1-4-jiangsu-bank/similar", &sim); code != 200 || len(sim.Similar) == 0 || len(sim.Similar[0].Reasons) == 0 {
		t.Fatalf("similar %d %+v", code, sim)
	}
	if code := get(t, ts, "/api/v1/cases/nope/similar", &bad); code != 404 {
		t.Fatalf("similar of unknown case: %d", code)
	}
	var bank struct {
		Peers []struct {
			Bank    struct{ ID string }
			Reasons []struct{ Kind string }
		}
	}
	if code := get(t, ts, "/api/v1/banks/chengdu-rcb", &bank); code != 200 || len(bank.Peers) == 0 {
		t.Fatalf("peers %d %+v", code, bank)
	}
	var sug struct {
		Suggestions []struct{ Text, Kind string }
	}
	if code := get(t, ts, "/api/v1/suggest?q="+url.QueryEscape("智慧"), &sug); code != 200 || len(sug.Suggestions) == 0 {
		t.Fatalf("suggest %d %+v", code, sug)
	}
}

// Queries made only of filters, typed or given, answer with hits: every
// score must survive JSON (a query of clauses that score nothing once gave
// NaN scores and a 500).
func TestFilterOnlyQueriesAnswer(t *testing.T) {
	ts := newServer(t)
	for _, path := range []string{
		"/api/v1/search?q=" + url.QueryEscape("四川 农商行"),
		"/api/v1/search?q=" + url.QueryEscape("杭州银行 信创"),
		"/api/v1/search?bank_type=city_commercial&theme=ai",
		"/api/v1/search?q=" + url.QueryEscape("科技金融 农商行") + "&region=sichuan",
	} {
		var res api.SearchJSON
		if code := get(t, ts, path, &res); code != 200 || res.Total == 0 {
			t.Errorf("GET %s: status %d, %d hits", path, code, res.Total)
		}
	}
}

// Filters read from the words rank rather than hide: the hits that meet them
// come first, each marked, the other matches after; policies come apart;
// words nothing matched are named, and a typo is corrected.
func TestSearchRanksByInferredFiltersAndListsPoliciesApart(t *testing.T) {
	ts := newServer(t)
	var res api.SearchJSON
	get(t, ts, "/api/v1/search?q="+url.QueryEscape("DeepSeek deployments at city commercial banks"), &res)
	if res.Inside != 4 || res.Total <= res.Inside || len(res.Hits) <= 4 {
		t.Fatalf("inside %d of %d, %d hits", res.Inside, res.Total, len(res.Hits))
	}
	for i, h := range res.Hits {
		inside := i < int(res.Inside)
		meetsType := slices.Contains(h.MatchedFilters, index.FilterRef{Field: "bank_type", Code: "city_commercial"})
		if inside != (len(h.OutsideFilters) == 0) || inside != meetsType || inside != (h.Bank.Type == "city_commercial") {
			t.Errorf("hit %d %s (%s): matched %v outside %v", i, h.ID, h.Bank.Type, h.MatchedFilters, h.OutsideFilters)
		}
	}

	get(t, ts, "/api/v1/search?q="+url.QueryEscape("科技金融"), &res)
	if len(res.Policies) == 0 || res.PoliciesTotal < uint64(len(res.Policies)) {
		t.Fatalf("policies apart: %d of %d", len(res.Policies), res.PoliciesTotal)
	}
	for _, h := range res.Hits {
		if h.Kind != "case" {
			t.Fatalf("a %s among the cases: %s", h.Kind, h.ID)
		}
	}
	for _, h := range res.Policies {
		if h.Kind != "policy" {
			t.Fatalf("a %s among the policies: %s", h.Kind, h.ID)
		}
	}
	var all api.SearchJSON
	get(t, ts, "/api/v1/search?kind=all&size=100&q="+url.QueryEscape("科技金融"), &all)
	policies := 0
	for _, h := range all.Hits {
		if h.Kind == "policy" {
			policies++
		}
	}
	if policies == 0 || len(all.Policies) != 0 || all.Total != res.Total+res.PoliciesTotal {
		t.Fatalf("kind=all: %d policies in %d hits, %d apart; total %d, want %d+%d", policies, len(all.Hits), len(all.Policies), all.Total, res.Total, res.PoliciesTotal)
	}

	get(t, ts, "/api/v1/search?q="+url.QueryEscape("元宇宙"), &res)
	if res.Total != 0 || len(res.Query.Unmatched) != 1 || res.Query.Unmatched[0] != "元宇宙" {
		t.Fatalf("nothing matches: total %d, unmatched %v", res.Total, res.Query.Unmatched)
	}
	get(t, ts, "/api/v1/search?q="+url.QueryEscape("deepseak"), &res)
	if res.Total == 0 || !strings.Contains(strings.ToLower(res.Query.Corrected), "deepseek") {
		t.Fatalf("typo: total %d, corrected %q", res.Total, res.Query.Corrected)
	}
}
