package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"casebank/corpus"
	"casebank/corpus/boltdb"
	"casebank/corpus/boltdb/bolttest"
)

// Pathological records — at every limit through the API, and far beyond
// them as a store written before the limits holds them — cost a bounded
// amount on every read endpoint and page, read anonymously and concurrently.
func TestHostileRecordsOnEveryReadEndpoint(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if code, _, errs := run(t, "reindex", "--data", dir); code != 0 {
		t.Fatal(errs)
	}
	storePath := filepath.Join(dir, boltdb.StoreFile)
	store, err := boltdb.Open(storePath, boltdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := store.CreateToken(context.Background(), "hostile", corpus.RoleEditor)
	store.Close()
	if err != nil {
		t.Fatal(err)
	}
	// Beyond the limits, as an older casebank stored them.
	rep := strings.Repeat("数", 2000)
	var many []string
	for i := range 3000 {
		many = append(many, fmt.Sprintf("数据%d平台DeepSeek-%d <b>x</b>", i%7, i))
	}
	old := bolttest.NewCase("old-repeated", "jiangsu-bank", "数据"+strings.Repeat("数", 3000), "数字化")
	old.Products, old.Partners, old.Technologies = []string{rep}, []string{rep + "a"}, []string{rep + "b"}
	oldMany := bolttest.NewCase("old-many", "jiangsu-bank", "多名称", "数据")
	oldMany.Products, oldMany.Technologies = many, many
	oldLong := bolttest.NewCase("old-long", "jiangsu-bank", "长正文", "数据")
	oldLong.Body = strings.Repeat("数字化转型DeepSeek大模型。", 1<<16) // 1.8 MB
	bolttest.PutUnchecked(t, storePath, old, oldMany, oldLong)

	base, stop := serveInProcess(t, dir)
	defer stop()
	client := &http.Client{Timeout: 2 * time.Minute} // a hang guard, not a speed target

	// At every limit, through the API.
	atLimit := func(id string, fill func(m map[string]any)) {
		m := map[string]any{
			"id": id, "kind": "case", "year": 2026, "bank": map[string]any{"id": "jiangsu-bank"},
			"title":      map[string]any{"zh": strings.Repeat("数", corpus.MaxTitle), "en": strings.Repeat("data ", corpus.MaxTitle/5)},
			"summary":    map[string]any{"zh": strings.Repeat("数据", corpus.MaxSummary/2), "en": strings.Repeat("Data ", corpus.MaxSummary/5)},
			"body":       strings.Repeat("数", corpus.MaxBody),
			"dimensions": []string{"technology"}, "themes": []string{"ai"},
			"source": map[string]any{"report": "测试", "year": 2026, "section": "1"},
		}
		fill(m)
		b, _ := json.Marshal(m)
		req, _ := http.NewRequest("POST", base+"api/v1/cases", bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 201 {
			t.Fatalf("create %s at the limits: %d %s", id, res.StatusCode, body)
		}
	}
	names := func(prefix string) []string {
		var out []string
		for i := range corpus.MaxNames {
			out = append(out, strings.Repeat(prefix, corpus.MaxName-3)+fmt.Sprintf("%03d", i))
		}
		return out
	}
	atLimit("limit-names", func(m map[string]any) {
		m["products"], m["partners"], m["technologies"] = names("数"), names("据"), names("化")
	})
	atLimit("limit-mixed", func(m map[string]any) {
		m["body"] = strings.Repeat("数a=1<x>", corpus.MaxBody/7)
		m["products"] = []string{strings.Repeat("数", corpus.MaxName)}
	})

	phrase := url.QueryEscape(`"` + strings.Repeat("数", 40) + `"`)
	paths := []string{"/healthz", "/api/v1/taxonomy", "/api/v1/banks", "/api/v1/banks/jiangsu-bank", "/api/v1/policies",
		"/api/v1/stats", "/stats", "/banks/jiangsu-bank", "/api/v1/suggest?q=" + url.QueryEscape("数"),
		"/api/v1/search?q=" + phrase, "/?q=" + phrase, "/api/v1/search?q=" + url.QueryEscape("数据 DeepSeek") + "&size=100",
		"/?q=" + url.QueryEscape("数据") + "&lang=en", "/api/v1/export?format=csv", "/api/v1/export?format=jsonl",
		"/api/v1/cite?format=ris&q=" + url.QueryEscape("数据")}
	for _, id := range []string{"old-repeated", "old-many", "old-long", "limit-names", "limit-mixed"} {
		paths = append(paths, "/cases/"+id, "/cases/"+id+"?lang=en", "/api/v1/cases/"+id, "/api/v1/cases/"+id+"/similar",
			"/api/v1/cases/"+id+"/history", "/api/v1/cases/"+id+"/cite?format=bibtex", "/api/v1/cases/"+id+"/cite?format=csl")
	}

	// The peak of the live heap while the reads run, sampled.
	var peak atomic.Uint64
	sampling := make(chan struct{})
	go func() {
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		for {
			select {
			case <-sampling:
				return
			case <-time.After(5 * time.Millisecond):
			}
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
		}
	}()
	var wg sync.WaitGroup
	var failures atomic.Int32
	for g := range 4 {
		wg.Go(func() {
			for i := range paths {
				path := paths[(i+g*7)%len(paths)]
				req, _ := http.NewRequest("GET", base+strings.TrimPrefix(path, "/"), nil)
				req.Header.Set("Cache-Control", "no-cache")
				res, err := client.Do(req)
				if err != nil {
					t.Errorf("GET %s: %v", path, err)
					failures.Add(1)
					continue
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != 200 {
					t.Errorf("GET %s: %d", path, res.StatusCode)
				}
			}
		})
	}
	wg.Wait()
	close(sampling)
	// Before the limits one view of such a case ran out of memory (24 GB);
	// a few hundred MB is the exports and pages of megabyte records.
	if mb := peak.Load() >> 20; mb > 768 {
		t.Fatalf("the live heap peaked at %d MB while reading %d paths four times over", mb, len(paths))
	}
	t.Logf("%d paths × 4 readers; live heap peaked at %d MB", len(paths), peak.Load()>>20)
}
