package api_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"casebank/api"
	"casebank/corpus"
	"casebank/corpus/app"
	"casebank/index"
)

// Readers and writers at once for a bounded time: searches, creates, retags
// and bulk tags. No request fails, no acknowledged write is lost, and the
// index ends up holding exactly the store's records.
func TestConcurrentReadersAndWriters(t *testing.T) {
	w := newWriteSite(t, unlimitedWrites)
	deadline := time.Now().Add(2 * time.Second)
	var created sync.Map
	var failures, writes, reads atomic.Int64
	fail := func(format string, args ...any) {
		if failures.Add(1) <= 5 {
			t.Errorf(format, args...)
		}
	}
	var wg sync.WaitGroup
	for g := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(g), 1))
			for n := 0; time.Now().Before(deadline); n++ {
				switch op := r.IntN(10); {
				case op < 5:
					var res api.SearchJSON
					q := []string{"DeepSeek", "城商行 信创", "tech finance", "并发测试"}[r.IntN(4)]
					if code := w.do(t, "GET", "/api/v1/search?q="+url.QueryEscape(q), "", nil, &res); code != 200 {
						fail("search %q: %d", q, code)
					}
					reads.Add(1)
				case op < 8:
					id := fmt.Sprintf("conc-%d-%d", g, n)
					m := newCaseJSON(id)
					m["body"] = "并发测试 " + id
					if code := w.do(t, "POST", "/api/v1/cases", w.editor, m, nil); code != 201 {
						fail("create %s: %d", id, code)
						continue
					}
					created.Store(id, true)
					writes.Add(1)
				case op < 9:
					patch := map[string]any{"add": map[string]any{"themes": []string{[]string{"risk", "ai", "green"}[r.IntN(3)]}}}
					if code := w.do(t, "PATCH", "/api/v1/cases/r2025-t1-4-jiangsu-bank/tags", w.editor, patch, nil); code != 200 {
						fail("retag: %d", code)
					}
					writes.Add(1)
				default:
					bulk := map[string]any{"ids": []string{"r2025-t1-4-beijing-bank", "r2025-t1-4-chengdu-bank"}, "kind": "theme",
						"code": []string{"operations", "talent"}[r.IntN(2)], "action": []string{"add", "remove"}[r.IntN(2)]}
					if code := w.do(t, "POST", "/api/v1/bulk-tags", w.editor, bulk, nil); code != 200 {
						fail("bulk: %d", code)
					}
					writes.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	t.Logf("%d reads, %d writes, %d failures", reads.Load(), writes.Load(), failures.Load())
	if failures.Load() > 0 {
		t.Fatal("requests failed")
	}
	ctx := context.Background()
	// No acknowledged write lost: every created case is stored and searchable.
	var ids []string
	created.Range(func(k, _ any) bool { ids = append(ids, k.(string)); return true })
	if len(ids) == 0 {
		t.Fatal("no writes happened")
	}
	stored, _ := w.store.FindCasesByIDs(ctx, ids)
	if len(stored) != len(ids) {
		t.Fatalf("%d of %d acknowledged cases are in the store", len(stored), len(ids))
	}
	res, err := w.index.Search(ctx, index.Request{Text: "并发测试", Size: index.MaxSize, Filter: corpus.Filter{corpus.FacetKind: {corpus.KindCase}}})
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for page := 1; ; page++ {
		for _, h := range res.Hits {
			found = append(found, h.Case.ID)
		}
		if uint64(page*index.MaxSize) >= res.Total {
			break
		}
		res, _ = w.index.Search(ctx, index.Request{Text: "并发测试", Size: index.MaxSize, Page: page + 1, Filter: corpus.Filter{corpus.FacetKind: {corpus.KindCase}}})
	}
	for _, id := range ids {
		if !slices.Contains(found, id) {
			t.Fatalf("created case %s is not searchable", id)
		}
	}
	// Store and index agree.
	snap, _ := w.store.Snapshot(ctx)
	n, _ := w.index.DocCount()
	applied, _ := w.index.AppliedSeq()
	if n != uint64(len(snap.Cases)+len(snap.Policies)) || applied != snap.Seq {
		t.Fatalf("index: %d docs at seq %d; store: %d records at seq %d", n, applied, len(snap.Cases)+len(snap.Policies), snap.Seq)
	}
}

// Each token's writes are limited; another token has its own allowance.
func TestWriteRateLimit(t *testing.T) {
	// A burst of three that (for the test's length) never refills.
	w := newWriteSite(t, func(s *api.Server) { s.App.WriteRate, s.App.WriteBurst = rate.Every(time.Hour), 3 })
	preview := map[string]any{"ids": []string{"r2025-t1-4-jiangsu-bank"}, "kind": "theme", "code": "risk", "action": "add", "preview": true}
	for i := range 4 {
		var e app.ErrorBody
		code := w.do(t, "POST", "/api/v1/bulk-tags", w.editor, preview, &e)
		if want := map[bool]int{true: 200, false: 429}[i < 3]; code != want {
			t.Fatalf("write %d: %d %+v, want %d", i+1, code, e.Error, want)
		}
		if i == 3 && !strings.Contains(e.Error.Message, "bursts of 3") {
			t.Fatalf("429 says %q", e.Error.Message)
		}
	}
	if code := w.do(t, "POST", "/api/v1/bulk-tags", w.admin, preview, nil); code != 200 {
		t.Fatalf("another token: %d", code)
	}
	// Reads are not writes.
	if code := w.do(t, "GET", "/api/v1/search?q=DeepSeek", w.editor, nil, nil); code != 200 {
		t.Fatalf("a read after the writes: %d", code)
	}
}
