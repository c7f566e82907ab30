package api_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"casebank/corpus/boltdb"

	"casebank/api"
	"casebank/corpus/app"
	"casebank/corpus/boltdb/bolttest"
	"casebank/index"
	"casebank/index/bleveengine"
)

// A case damaged inside an intact store file answers 503 naming it, where
// it answered 500 ("decode case: invalid character"); the other cases are
// served.
func TestDamagedRecordAnswers503(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, boltdb.StoreFile)
	const marker = "DAMAGE-MARKER-api"
	open := func() (*boltdb.Store, *index.Index) {
		store, err := boltdb.Open(path, boltdb.Options{})
		if err != nil {
			t.Fatal(err)
		}
		ix, err := index.Open(ctx, bleveengine.New(dir), store, nil)
		if err != nil {
			t.Fatal(err)
		}
		return store, ix
	}
	store, ix := open()
	if err := store.SeedDefault(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := store.CreateCase(ctx, bolttest.NewCase("damaged-case", "jiangsu-bank", "损坏测试", marker+" 正文"), "t"); err != nil {
		t.Fatal(err)
	}
	if err := ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	ix.Close()
	store.Close()
	bolttest.DamageValue(t, path, marker)

	store, ix = open() // the index is current: nothing is decoded at start
	t.Cleanup(func() { ix.Close(); store.Close() })
	logger := slog.New(slog.DiscardHandler)
	s := &api.Server{App: app.New(store, ix, logger), Logger: logger, Version: "test"}
	ts := httptest.NewServer(s.Echo())
	t.Cleanup(ts.Close)

	for _, path := range []string{"/api/v1/cases/damaged-case", "/api/v1/cite?ids=damaged-case"} {
		var body app.ErrorBody
		code := get(t, ts, path, &body)
		if code != http.StatusServiceUnavailable || !strings.Contains(body.Error.Message, "case damaged-case cannot be read") {
			t.Errorf("GET %s: %d %+v", path, code, body.Error)
		}
	}
	if code := get(t, ts, "/api/v1/cases/r2025-t1-4-qingdao-rcb", nil); code != http.StatusOK {
		t.Errorf("an intact case: %d", code)
	}
	// An export reaching the damaged record cannot change its status any
	// more: the transfer breaks, so that no one takes it for the whole file.
	for _, format := range []string{"jsonl", "csv"} {
		res, err := http.Get(ts.URL + "/api/v1/export?format=" + format)
		if err == nil { // the headers may have gone out before the damage
			_, err = io.ReadAll(res.Body)
			res.Body.Close()
		}
		if err == nil {
			t.Errorf("export %s past a damaged record read as complete", format)
		}
	}
	// Lists that would show it leave it out rather than fail.
	for _, path := range []string{"/api/v1/search?q=" + url.QueryEscape("损坏测试"), "/api/v1/banks/jiangsu-bank",
		"/api/v1/cases/r2025-t1-4-jiangsu-bank/similar"} {
		var body struct {
			Hits  []struct{ ID string }
			Cases []struct{ ID string }
		}
		code := get(t, ts, path, &body)
		for _, h := range append(body.Hits, body.Cases...) {
			if h.ID == "damaged-case" {
				t.Errorf("GET %s lists the damaged case", path)
			}
		}
		if code != http.StatusOK {
			t.Errorf("GET %s: %d", path, code)
		}
	}
	// Stats are counted from the index, which reads no record.
	if code := get(t, ts, "/api/v1/stats", nil); code != http.StatusOK {
		t.Errorf("stats: %d", code)
	}
}
