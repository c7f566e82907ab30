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
	"runtime/pprof"
	"slices"
	"time"

	"casebank/corpus"
	"casebank/index"
)

func main() {
	dir := flag.String("dir", "", "data dir")
	reps := flag.Int("reps", 5, "")
	prof := flag.String("cpuprofile", "", "")
	only := flag.String("q", "", "only this query")
	rebuild := flag.String("rebuildprof", "", "profile a rebuild into this file")
	importProf := flag.String("importprof", "", "profile importing -n generated cases into a new store")
	n := flag.Int("n", 20000, "")
	flag.Parse()
	ctx := context.Background()
	if *importProf != "" {
		base, _ := corpus.DefaultCorpus()
		var buf bytes.Buffer
		for _, c := range corpus.Generate(base, *n, 1) {
			b, _ := json.Marshal(c)
			buf.Write(append(b, '\n'))
		}
		tmp, _ := os.MkdirTemp("", "imp")
		defer os.RemoveAll(tmp)
		st, err := corpus.Open(filepath.Join(tmp, "casebank.db"), corpus.Options{})
		if err != nil {
			log.Fatal(err)
		}
		st.SeedDefault(ctx)
		f, _ := os.Create(*importProf)
		pprof.StartCPUProfile(f)
		t := time.Now()
		if _, err := st.ImportJSONL(ctx, &buf, corpus.ImportOptions{By: "p"}); err != nil {
			log.Fatal(err)
		}
		pprof.StopCPUProfile()
		fi, _ := os.Stat(filepath.Join(tmp, "casebank.db"))
		fmt.Println("import", *n, time.Since(t), fi.Size()>>20, "MiB")
		st.Close()
		return
	}
	t0 := time.Now()
	store, err := corpus.Open(filepath.Join(*dir, "casebank.db"), corpus.Options{})
	if err != nil {
		log.Fatal(err)
	}
	ix, err := index.Open(ctx, *dir, store, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("open", time.Since(t0))
	if *rebuild != "" {
		t := time.Now()
		snap, _ := store.Snapshot(ctx)
		fmt.Println("snapshot", len(snap.Cases), time.Since(t))
		f, _ := os.Create(*rebuild)
		pprof.StartCPUProfile(f)
		t = time.Now()
		if err := ix.Rebuild(ctx); err != nil {
			log.Fatal(err)
		}
		pprof.StopCPUProfile()
		fmt.Println("rebuild", time.Since(t))
	}
	ix.DisableCache()
	qs := []struct {
		q string
		f corpus.Filter
	}{{"DeepSeek", corpus.Filter{}}, {"数据治理", corpus.Filter{}}, {"供应链金融", corpus.Filter{}}, {"知识产权质押", corpus.Filter{}}, {"智能客服", corpus.Filter{}},
		{"城商行 DeepSeek", corpus.Filter{}}, {"四川 农商行", corpus.Filter{}}, {"杭州银行 信创", corpus.Filter{}}, {"科技金融 农商行", corpus.Filter{}},
		{"DeepSeek", corpus.Filter{BankTypes: []string{"city_commercial"}}}, {"数据治理", corpus.Filter{BankTypes: []string{"city_commercial"}}},
		{"DeepSeek deployments at city commercial banks", corpus.Filter{}}, {"data governance at city banks", corpus.Filter{}}, {"cross-border services for SMEs", corpus.Filter{}}, {"federated learning", corpus.Filter{}}}
	if *prof != "" {
		f, _ := os.Create(*prof)
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	for _, q := range qs {
		if *only != "" && q.q != *only {
			continue
		}
		var ds []time.Duration
		var total uint64
		for r := 0; r < *reps; r++ {
			s := time.Now()
			res, err := ix.Search(ctx, index.Request{Text: q.q, Filter: q.f})
			if err != nil {
				log.Fatal(err)
			}
			total = res.Total
			ds = append(ds, time.Since(s))
		}
		slices.Sort(ds)
		fmt.Printf("%-50s %v total=%d p50=%v\n", q.q, q.f.BankTypes, total, ds[len(ds)/2].Round(time.Microsecond))
	}
}
