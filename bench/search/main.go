// Command search measures casebank's search in-process against two peers on
// the same corpus and queries: SQLite FTS5 with the trigram tokenizer, and a
// plain bleve index with default settings. It prints Markdown tables.
//
//	go run ./search -n 0        # the embedded corpus (114 cases)
//	go run ./search -n 100000   # plus 100,000 generated cases
package main

import (
	"bytes"
	"context"
	"database/sql"
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
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	_ "modernc.org/sqlite"

	"casebank/corpus"
	"casebank/corpus/boltdb"
	"casebank/index"
	"casebank/index/bleveengine"
)

var classes = []struct {
	name    string
	queries []string
	filter  corpus.Filter
}{
	{"plain text", []string{"DeepSeek", "数据治理", "供应链金融", "知识产权质押", "智能客服"}, corpus.Filter{}},
	{"inferred filters", []string{"城商行 DeepSeek", "四川 农商行", "杭州银行 信创", "科技金融 农商行"}, corpus.Filter{}},
	{"with a facet filter", []string{"DeepSeek", "数据治理", "智能客服"}, corpus.Filter{corpus.FacetBankType: {"city_commercial"}}},
	{"English", []string{"DeepSeek deployments at city commercial banks", "data governance at city banks", "cross-border services for SMEs", "federated learning"}, corpus.Filter{}},
}

var suggestPrefixes = []string{"智慧", "bank of", "信创", "city com", "数据"}

func main() {
	n := flag.Int("n", 0, "generated cases to add to the embedded corpus")
	reps := flag.Int("reps", 30, "repetitions of every query")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of casebank's searches to this file")
	keep := flag.String("dir", "", "keep the data (casebank, FTS5, plain bleve) in this directory and reuse it on the next run with the same -n")
	peers := flag.Bool("peers", true, "also measure the peers (FTS5, plain bleve)")
	flag.Parse()
	// As the casebank binary does (cmd/casebank/main.go), unless GOGC is set.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	ctx := context.Background()
	dir := *keep
	if dir == "" {
		tmp, err := os.MkdirTemp("", "casebank-bench-")
		if err != nil {
			log.Fatal(err)
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		log.Fatal(err)
	}
	reuse := exists(filepath.Join(dir, "casebank.db"))

	base, err := corpus.DefaultCorpus()
	if err != nil {
		log.Fatal(err)
	}
	gen := corpus.Generate(base, *n, 1)
	var jsonl bytes.Buffer
	for _, c := range gen {
		b, _ := json.Marshal(c)
		jsonl.Write(append(b, '\n'))
	}
	all := append(slices.Clone(base.Cases), gen...)

	// casebank: seed, import the generated cases, build the index.
	store, err := boltdb.Open(filepath.Join(dir, "casebank.db"), boltdb.Options{})
	if err != nil {
		log.Fatal(err)
	}
	var importTime time.Duration
	if !reuse {
		if err := store.SeedDefault(ctx); err != nil {
			log.Fatal(err)
		}
		t0 := time.Now()
		if _, err := store.ImportJSONL(ctx, bytes.NewReader(jsonl.Bytes()), corpus.ImportOptions{By: "bench"}); err != nil {
			log.Fatal(err)
		}
		importTime = time.Since(t0)
	}
	t1 := time.Now()
	ix, err := index.Open(ctx, bleveengine.New(dir), store, nil)
	if err != nil {
		log.Fatal(err)
	}
	indexTime := time.Since(t1)
	ix.Close()
	store.Close()

	// Start to ready on an existing index: open both, answer one search.
	t2 := time.Now()
	store, err = boltdb.Open(filepath.Join(dir, "casebank.db"), boltdb.Options{})
	if err != nil {
		log.Fatal(err)
	}
	ix, err = index.Open(ctx, bleveengine.New(dir), store, nil)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := ix.Search(ctx, index.Request{Text: "DeepSeek"}); err != nil {
		log.Fatal(err)
	}
	startTime := time.Since(t2)
	// Measure the search itself; repeated queries would otherwise be
	// answered from the result cache.
	ix.DisableCache()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)

	var fts *sql.DB
	var bl bleve.Index
	var ftsBuild, blBuild time.Duration
	if *peers {
		fts, ftsBuild = buildFTS(dir, all)
		bl, blBuild = buildBleve(dir, all)
	}

	fmt.Printf("### Corpus: %d cases (%d curated + %d generated); %d cores, %s, %s\n\n", len(all), len(base.Cases), *n, runtime.NumCPU(), runtime.Version(), time.Now().UTC().Format("2006-01-02"))
	fmt.Printf("| build | casebank | SQLite FTS5 trigram | plain bleve |\n|---|---|---|---|\n")
	took := func(d time.Duration) string {
		if d == 0 && *n == 0 {
			return "–"
		}
		if d == 0 {
			return "(reused)"
		}
		return d.Round(time.Millisecond).String()
	}
	fmt.Printf("| import into the store | %s | – | – |\n", took(importTime))
	if reuse && indexTime < time.Second {
		fmt.Printf("| index build | (reused) | %s | %s |\n", took(ftsBuild), took(blBuild))
	} else {
		fmt.Printf("| index build | %s (%.0f cases/s) | %s | %s |\n", took(indexTime), float64(len(all))/indexTime.Seconds(), took(ftsBuild), took(blBuild))
	}
	fmt.Printf("| start to ready, existing index | %s | – | – |\n", startTime.Round(time.Millisecond))
	fmt.Printf("| Go heap after load (casebank + peers in one process) | %.0f MiB | | |\n", float64(ms.HeapAlloc)/(1<<20))
	fmt.Printf("| RSS of this process | %s | | |\n\n", rss())

	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			log.Fatal(err)
		}
		pprof.StartCPUProfile(f)
		for r := 0; r < *reps; r++ {
			for _, cl := range classes {
				for _, q := range cl.queries {
					ix.Search(ctx, index.Request{Text: q, Filter: cl.filter})
				}
			}
		}
		pprof.StopCPUProfile()
		f.Close()
	}
	fmt.Printf("| query class | casebank p50 | casebank p99 | FTS5 p50 | FTS5 p99 | bleve p50 | casebank / FTS5 (p50) |\n|---|---|---|---|---|---|---|\n")
	for _, cl := range classes {
		var ours, peer, plain []time.Duration
		for r := 0; r < *reps; r++ {
			for _, q := range cl.queries {
				s := time.Now()
				if _, err := ix.Search(ctx, index.Request{Text: q, Filter: cl.filter}); err != nil {
					log.Fatalf("%s: %v", q, err)
				}
				ours = append(ours, time.Since(s))
				if !*peers {
					peer, plain = append(peer, 1), append(plain, 1)
					continue
				}
				s = time.Now()
				ftsSearch(fts, q, cl.filter)
				peer = append(peer, time.Since(s))
				s = time.Now()
				bleveSearch(bl, q)
				plain = append(plain, time.Since(s))
			}
		}
		fmt.Printf("| %s | %s | %s | %s | %s | %s | %.2f |\n", cl.name, pct(ours, 50), pct(ours, 99), pct(peer, 50), pct(peer, 99), pct(plain, 50),
			float64(pctD(ours, 50))/float64(pctD(peer, 50)))
	}
	var sug []time.Duration
	for r := 0; r < *reps; r++ {
		for _, p := range suggestPrefixes {
			s := time.Now()
			if _, err := ix.Suggest(ctx, p, 10); err != nil {
				log.Fatal(err)
			}
			sug = append(sug, time.Since(s))
		}
	}
	fmt.Printf("| autocomplete | %s | %s | – | – | – | – |\n\n", pct(sug, 50), pct(sug, 99))
}

func pctD(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

func pct(ds []time.Duration, p int) string {
	d := pctD(ds, p)
	return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000)
}

func rss() string {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "?"
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			return strings.TrimSpace(strings.TrimPrefix(line, "VmRSS:"))
		}
	}
	return "?"
}

// buildFTS loads the cases into SQLite FTS5 with the trigram tokenizer, the
// bank type beside it for the facet filter.
func buildFTS(dir string, cases []*corpus.Case) (*sql.DB, time.Duration) {
	path := filepath.Join(dir, "fts.db")
	reuse := exists(path)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		log.Fatal(err)
	}
	if reuse {
		return db, 0
	}
	start := time.Now()
	for _, s := range []string{
		`PRAGMA journal_mode=WAL`, `PRAGMA synchronous=NORMAL`,
		`CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, bank_type UNINDEXED, title, summary, body, names, tokenize='trigram')`,
	} {
		if _, err := db.Exec(s); err != nil {
			log.Fatal(err)
		}
	}
	tx, _ := db.Begin()
	stmt, _ := tx.Prepare(`INSERT INTO docs VALUES (?,?,?,?,?,?)`)
	for _, c := range cases {
		stmt.Exec(c.ID, bankType(c), c.Title.ZH+" "+c.Title.EN, c.Summary.ZH+" "+c.Summary.EN, c.Body+" "+c.Outcome,
			strings.Join(slices.Concat(c.Products, c.Technologies, c.Partners), " "))
	}
	if err := tx.Commit(); err != nil {
		log.Fatal(err)
	}
	return db, time.Since(start)
}

var banksByID = map[string]string{}

func bankType(c *corpus.Case) string {
	if len(banksByID) == 0 {
		base, _ := corpus.DefaultCorpus()
		for _, b := range base.Banks {
			banksByID[b.ID] = b.Type
		}
	}
	return banksByID[c.Bank.ID]
}

// ftsSearch runs the query's words (trigram needs three characters or more)
// as an AND of phrases, top 10 by bm25, and counts the matches.
func ftsSearch(db *sql.DB, q string, f corpus.Filter) {
	var terms []string
	for _, w := range strings.Fields(q) {
		if len([]rune(w)) >= 3 {
			terms = append(terms, `"`+strings.ReplaceAll(w, `"`, `""`)+`"`)
		}
	}
	if len(terms) == 0 {
		return
	}
	match := strings.Join(terms, " AND ")
	where := `docs MATCH ?`
	args := []any{match}
	if len(f[corpus.FacetBankType]) > 0 {
		where += ` AND bank_type = ?`
		args = append(args, f[corpus.FacetBankType][0])
	}
	rows, err := db.Query(`SELECT id FROM docs WHERE `+where+` ORDER BY bm25(docs) LIMIT 10`, args...)
	if err != nil {
		log.Fatalf("fts %q: %v", q, err)
	}
	for rows.Next() {
	}
	rows.Close()
	var n int
	db.QueryRow(`SELECT count(*) FROM docs WHERE `+where, args...).Scan(&n)
}

func buildBleve(dir string, cases []*corpus.Case) (bleve.Index, time.Duration) {
	if b, err := bleve.Open(filepath.Join(dir, "plain.bleve")); err == nil {
		return b, 0
	}
	start := time.Now()
	b, err := bleve.New(filepath.Join(dir, "plain.bleve"), bleve.NewIndexMapping())
	if err != nil {
		log.Fatal(err)
	}
	batch := b.NewBatch()
	for _, c := range cases {
		batch.Index(c.ID, map[string]any{"title": c.Title.ZH + " " + c.Title.EN, "summary": c.Summary.ZH + " " + c.Summary.EN,
			"body": c.Body + " " + c.Outcome, "names": strings.Join(slices.Concat(c.Products, c.Technologies, c.Partners), " ")})
		if batch.Size() >= 2000 {
			b.Batch(batch)
			batch.Reset()
		}
	}
	b.Batch(batch)
	return b, time.Since(start)
}

func bleveSearch(b bleve.Index, q string) {
	if _, err := b.Search(bleve.NewSearchRequest(bleve.NewMatchQuery(q))); err != nil {
		log.Fatal(err)
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
