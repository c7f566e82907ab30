package api_test

import (
	"context"
	"net/url"
	"testing"

	"casebank/api"
	"casebank/corpus"
)

// TestCityFacet checks a facet that exists only as a row of corpus.Facets:
// it filters as a parameter and as typed field:value, and it is counted.
func TestCityFacet(t *testing.T) {
	w := newWriteSite(t)
	store, ts := w.store, w.ts

	cases, err := store.FindCases(context.Background(), corpus.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	byCity := map[string]int{}
	for _, c := range cases {
		if c.Bank.City != "" {
			byCity[c.Bank.City]++
		}
	}
	city, n := "", 0
	for c, k := range byCity {
		if k > n || k == n && c < city {
			city, n = c, k
		}
	}
	if n < 2 {
		t.Fatalf("the default corpus should have a city with several cases: %v", byCity)
	}

	for _, path := range []string{
		"/api/v1/search?kind=case&size=100&city=" + url.QueryEscape(city),
		"/api/v1/search?kind=case&size=100&q=" + url.QueryEscape("city:"+city),
	} {
		var res api.SearchJSON
		if code := get(t, ts, path, &res); code != 200 {
			t.Fatalf("GET %s: status %d", path, code)
		}
		if res.Total != uint64(n) {
			t.Errorf("GET %s: %d hits, the store has %d cases of banks in %s", path, res.Total, n, city)
		}
		for _, h := range res.Hits {
			c, err := store.FindCaseByID(context.Background(), h.ID)
			if err != nil || c.Bank.City != city {
				t.Errorf("GET %s: hit %s is not a case of a bank in %s (%v)", path, h.ID, city, err)
			}
		}
	}

	var all api.SearchJSON
	if code := get(t, ts, "/api/v1/search?kind=case", &all); code != 200 {
		t.Fatalf("status %d", code)
	}
	counted := -1
	for _, f := range all.Facets {
		if f.Field != "city" {
			continue
		}
		for _, v := range f.Values {
			if v.Code == city {
				counted = v.Count
			}
		}
	}
	if counted != n {
		t.Errorf("city facet counts %d cases in %s, want %d", counted, city, n)
	}
}
