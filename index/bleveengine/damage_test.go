package bleveengine_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"casebank/api"
	"casebank/corpus"
	"casebank/corpus/app"
	"casebank/corpus/boltdb/bolttest"
	"casebank/index"
	"casebank/index/bleveengine"
	"casebank/index/indextest"
)

// garbleSegments overwrites a stretch in the middle of every segment file
// with random bytes, as a disk or a stray write would.
func garbleSegments(t *testing.T, dir string, at float64, n int) {
	t.Helper()
	zaps, _ := filepath.Glob(filepath.Join(dir, "index.bleve", "store", "*.zap"))
	if len(zaps) == 0 {
		t.Fatal("no segment files")
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, path := range zaps {
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		st, _ := f.Stat()
		junk := make([]byte, n)
		for i := range junk {
			junk[i] = byte(r.Uint32())
		}
		if _, err := f.WriteAt(junk, int64(float64(st.Size())*at)); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
}

var damageQueries = []string{"DeepSeek", "城商行", "数字人", "AI", "手机银行", "大模型", "风控", "江苏银行", "理财", "信用卡", "普惠", "数字人民币", "供应链", "科技", "bank", "智能客服"}

// searchTotals asks the server for every query and returns each status
// and total.
func searchTotals(t *testing.T, base string) (statuses map[string]int, totals map[string]int) {
	t.Helper()
	statuses, totals = map[string]int{}, map[string]int{}
	for _, q := range damageQueries {
		res, err := http.Get(base + "/api/v1/search?size=50&q=" + url.QueryEscape(q))
		if err != nil {
			t.Fatal(err)
		}
		var body struct{ Total int }
		json.NewDecoder(res.Body).Decode(&body)
		res.Body.Close()
		statuses[q], totals[q] = res.StatusCode, body.Total
	}
	return statuses, totals
}

func health(t *testing.T, base string) (int, map[string]any) {
	t.Helper()
	res, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body map[string]any
	json.NewDecoder(res.Body).Decode(&body)
	return res.StatusCode, body
}

// Random bytes in the middle of a segment, written while the server runs:
// no query answers 500; those that reach the damage answer 503, healthz
// reports the index damaged, and once it is rebuilt from the store in the
// background every query answers as a fresh index would.
func TestDamagedSegmentIsDetectedAndRebuilt(t *testing.T) {
	ctx := context.Background()
	store := bolttest.MustOpenStore(t, true)
	// What an intact index answers.
	fresh, err := index.Open(ctx, bleveengine.New(t.TempDir()), store, nil)
	if err != nil {
		t.Fatal(err)
	}
	freshTS := httptest.NewServer((&api.Server{App: app.New(store, fresh, slog.New(slog.DiscardHandler)), Logger: slog.New(slog.DiscardHandler)}).Echo())
	_, want := searchTotals(t, freshTS.URL)
	freshTS.Close()
	fresh.Close()

	dir := t.TempDir()
	var logs indextest.Logs
	logger := indextest.NewLogger(&logs)
	eng := bleveengine.New(dir)
	ix, err := index.Open(ctx, eng, store, logger)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	held, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	releaseRepair := func() { once.Do(func() { close(release) }) }
	defer releaseRepair() // before ix.Close, which waits for the repair
	bleveengine.SetBeforeSwap(eng, func() { close(held); <-release })
	ts := httptest.NewServer((&api.Server{App: app.New(store, ix, logger), Logger: logger, Version: "test"}).Echo())
	defer ts.Close()

	garbleSegments(t, dir, 0.7, 20000)
	statuses, _ := searchTotals(t, ts.URL)
	cases, _ := store.FindCases(ctx, corpus.Filter{corpus.FacetKind: {corpus.KindCase}})
	for _, c := range cases[:30] {
		res, err := http.Get(ts.URL + "/api/v1/cases/" + c.ID + "/similar")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		statuses["similar "+c.ID] = res.StatusCode
	}
	unavailable := 0
	for what, status := range statuses {
		switch status {
		case http.StatusOK:
		case http.StatusServiceUnavailable:
			unavailable++
		default:
			t.Errorf("%s: status %d", what, status)
		}
	}
	t.Logf("%d of %d requests reached the damage", unavailable, len(statuses))
	if unavailable == 0 {
		t.Fatal("no request reached the damage")
	}
	select {
	case <-held:
	case <-time.After(time.Minute):
		t.Fatal("no repair started")
	}
	if code, body := health(t, ts.URL); code != http.StatusServiceUnavailable || body["index"] != "damaged" {
		t.Fatalf("healthz while damaged: %d %v", code, body)
	}
	releaseRepair()
	deadline := time.Now().Add(time.Minute)
	for {
		code, body := health(t, ts.URL)
		if code == http.StatusOK && body["index"] == "ok" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("healthz after the repair: %d %v\n%s", code, body, logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	statuses, got := searchTotals(t, ts.URL)
	for _, q := range damageQueries {
		if statuses[q] != http.StatusOK || got[q] != want[q] {
			t.Errorf("%s after the repair: status %d, %d hits, want %d", q, statuses[q], got[q], want[q])
		}
	}
	for _, line := range []string{"index damaged", "does not match its checksum", "index repaired"} {
		if !strings.Contains(logs.String(), line) {
			t.Errorf("the log does not say %q", line)
		}
	}
	// A write after the repair is found.
	c := bolttest.NewCase("after-repair", "jiangsu-bank", "修复之后的案例", "修复之后")
	if _, err := store.CreateCase(ctx, c, "test"); err != nil {
		t.Fatal(err)
	}
	if err := ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if ok, err := ix.Contains("after-repair"); err != nil || !ok {
		t.Fatalf("a case written after the repair is not indexed: %v", err)
	}
}

// A segment damaged while the index was closed is found when it opens and
// rebuilt before it serves.
func TestDamagedSegmentAtOpenIsRebuilt(t *testing.T) {
	ctx := context.Background()
	store := bolttest.MustOpenStore(t, true)
	dir := t.TempDir()
	ix, err := index.Open(ctx, bleveengine.New(dir), store, nil)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := ix.DocCount()
	ix.Close()
	garbleSegments(t, dir, 0.5, 64)
	var logs indextest.Logs
	ix, err = index.Open(ctx, bleveengine.New(dir), store, indextest.NewLogger(&logs))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if !strings.Contains(logs.String(), "does not match its checksum") || !strings.Contains(logs.String(), "index built") {
		t.Fatalf("no rebuild logged:\n%s", logs.String())
	}
	if n, _ := ix.DocCount(); n != want || ix.Damaged() {
		t.Fatalf("%d docs after the rebuild, want %d; damaged %v", n, want, ix.Damaged())
	}
}
