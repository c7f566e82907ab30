// Command profile writes CPU profiles of casebank's costly paths, for
// `go tool pprof`. It works on a data directory left by `go run ./search
// -dir DIR` (or any casebank data directory):
//
//	go run ./profile -dir DIR -o search.prof            # the benchmark's searches, timed
//	go run ./profile -dir DIR -q "数据治理" -o q.prof    # one query
//	go run ./profile -dir DIR -rebuild -o rebuild.prof  # rebuilding the index
//	go run ./profile -import 20000 -o import.prof       # importing generated cases into a new store
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"time"

	"casebank/corpus"
	"casebank/corpus/boltdb"
	"casebank/index"
	"casebank/index/bleveengine"
)

var queries = []struct {
	text   string
	filter corpus.Filter
}{
	{"DeepSeek", corpus.Filter{}}, {"数据治理", corpus.Filter{}}, {"供应链金融", corpus.Filter{}}, {"知识产权质押", corpus.Filter{}},
	{"智能客服", corpus.Filter{}}, {"城商行 DeepSeek", corpus.Filter{}}, {"四川 农商行", corpus.Filter{}}, {"杭州银行 信创", corpus.Filter{}},
	{"科技金融 农商行", corpus.Filter{}}, {"DeepSeek", corpus.Filter{corpus.FacetBankType: {"city_commercial"}}},
	{"数据治理", corpus.Filter{corpus.FacetBankType: {"city_commercial"}}}, {"DeepSeek deployments at city commercial banks", corpus.Filter{}},
	{"data governance at city banks", corpus.Filter{}}, {"cross-border services for SMEs", corpus.Filter{}}, {"federated learning", corpus.Filter{}},
}

func main() {
	dir := flag.String("dir", "", "casebank data directory")
	out := flag.String("o", "cpu.prof", "profile file to write")
	only := flag.String("q", "", "profile only this query")
	reps := flag.Int("reps", 10, "repetitions of each query")
	rebuild := flag.Bool("rebuild", false, "profile rebuilding the index instead of searching")
	importN := flag.Int("import", 0, "profile importing this many generated cases into a new store instead")
	similar := flag.Bool("similar", false, "profile the similar cases of 50 DeepSeek cases instead of searching")
	memOut := flag.String("memprofile", "", "also write the searches' allocations to this file")
	flag.Parse()
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200) // as the casebank binary does
	}
	ctx := context.Background()
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	if *importN > 0 {
		profileImport(ctx, f, *importN)
		return
	}
	if *dir == "" {
		log.Fatal("-dir is required")
	}
	store, err := boltdb.Open(filepath.Join(*dir, "casebank.db"), boltdb.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	ix, err := index.Open(ctx, bleveengine.New(*dir), store, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer ix.Close()
	if *rebuild {
		pprof.StartCPUProfile(f)
		start := time.Now()
		if err := ix.Rebuild(ctx); err != nil {
			log.Fatal(err)
		}
		pprof.StopCPUProfile()
		fmt.Printf("rebuild: %s\n", time.Since(start).Round(time.Millisecond))
		return
	}
	if *similar {
		profileSimilar(ctx, f, ix, *reps)
		return
	}
	ix.DisableCache()
	if *memOut != "" {
		runtime.MemProfileRate = 4096
		defer writeHeapProfile(*memOut)
	}
	pprof.StartCPUProfile(f)
	defer pprof.StopCPUProfile()
	for _, q := range queries {
		if *only != "" && q.text != *only {
			continue
		}
		var took []time.Duration
		var total uint64
		for range *reps {
			start := time.Now()
			res, err := ix.Search(ctx, index.Request{Text: q.text, Filter: q.filter})
			if err != nil {
				log.Fatal(err)
			}
			took, total = append(took, time.Since(start)), res.Total
		}
		slices.Sort(took)
		fmt.Printf("%-48s %-16v %7d hits  p50 %s  p90 %s  max %s\n", q.text, q.filter[corpus.FacetBankType], total,
			took[len(took)/2].Round(time.Microsecond), took[len(took)*9/10].Round(time.Microsecond), took[len(took)-1].Round(time.Microsecond))
	}
}

// profileSimilar times the similar cases of the case page, as the page asks
// for them, for 50 cases, reps times each.
func profileSimilar(ctx context.Context, f *os.File, ix *index.Index, reps int) {
	res, err := ix.Search(ctx, index.Request{Text: "DeepSeek", Size: 50, Filter: corpus.Filter{corpus.FacetKind: {corpus.KindCase}}})
	if err != nil {
		log.Fatal(err)
	}
	pprof.StartCPUProfile(f)
	defer pprof.StopCPUProfile()
	var took []time.Duration
	for range reps {
		for _, h := range res.Hits {
			start := time.Now()
			if _, err := ix.SimilarCases(ctx, h.Case.ID, 6, true); err != nil {
				log.Fatal(err)
			}
			took = append(took, time.Since(start))
		}
	}
	slices.Sort(took)
	fmt.Printf("similar cases of %d cases ×%d: p50 %s, p90 %s\n", len(res.Hits), reps,
		took[len(took)/2].Round(time.Microsecond), took[len(took)*9/10].Round(time.Microsecond))
}

func profileImport(ctx context.Context, f *os.File, n int) {
	base, err := corpus.DefaultCorpus()
	if err != nil {
		log.Fatal(err)
	}
	var jsonl bytes.Buffer
	for _, c := range corpus.Generate(base, n, 1) {
		b, _ := json.Marshal(c)
		jsonl.Write(append(b, '\n'))
	}
	tmp, err := os.MkdirTemp("", "casebank-profile-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	store, err := boltdb.Open(filepath.Join(tmp, "casebank.db"), boltdb.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	if err := store.SeedDefault(ctx); err != nil {
		log.Fatal(err)
	}
	pprof.StartCPUProfile(f)
	start := time.Now()
	if _, err := store.ImportJSONL(ctx, &jsonl, corpus.ImportOptions{By: "profile"}); err != nil {
		log.Fatal(err)
	}
	pprof.StopCPUProfile()
	fmt.Printf("import of %d cases: %s\n", n, time.Since(start).Round(time.Millisecond))
}

// writeHeapProfile writes the allocations since MemProfileRate was set.
func writeHeapProfile(path string) {
	f, err := os.Create(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		log.Fatal(err)
	}
}
