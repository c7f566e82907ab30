// Command load drives an HTTP server from C connections for a fixed time and
// reports requests/s, p50, p99 and errors. With -writes, that share of the
// requests create cases (needs -token) and the run then checks that every
// acknowledged write is searchable. With -fresh, every search is computed
// anew instead of answered from casebank's result cache. A path with {id}
// takes a random line of -ids for each request; -post sends that file's
// content as a JSON POST body instead of a GET.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

var queries = []string{"DeepSeek", "城商行 DeepSeek", "数据治理", "四川 农商行", "DeepSeek deployments at city commercial banks", "智能客服", "供应链金融", "杭州银行 信创"}

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "server base URL")
	path := flag.String("path", "/api/v1/search?q=", "path to request; queries are appended when it ends with q=")
	conns := flag.Int("c", 16, "concurrent connections")
	dur := flag.Duration("d", 10*time.Second, "duration")
	writes := flag.Float64("writes", 0, "share of requests that create a case (0..1)")
	token := flag.String("token", "", "editor tokens for writes, comma-separated; connection i uses token i mod n (each token may write 50 times a second)")
	fresh := flag.Bool("fresh", false, "ask for fresh answers (Cache-Control: no-cache), so that every search runs")
	idsFile := flag.String("ids", "", "file of ids, one per line, for a path with {id}")
	postFile := flag.String("post", "", "file whose content is POSTed as JSON to the path (with the first -token)")
	flag.Parse()

	var ids []string
	if *idsFile != "" {
		data, err := os.ReadFile(*idsFile)
		if err != nil {
			log.Fatal(err)
		}
		ids = strings.Fields(string(data))
	}
	if strings.Contains(*path, "{id}") && len(ids) == 0 {
		log.Fatal("a path with {id} needs -ids")
	}
	var post []byte
	if *postFile != "" {
		var err error
		if post, err = os.ReadFile(*postFile); err != nil {
			log.Fatal(err)
		}
	}

	tokens := strings.Split(*token, ",")
	tr := &http.Transport{MaxIdleConnsPerHost: *conns, MaxConnsPerHost: *conns}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	var mu sync.Mutex
	var lat []time.Duration
	var errs int
	var created []string
	deadline := time.Now().Add(*dur)
	var wg sync.WaitGroup
	for g := 0; g < *conns; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(g), 9))
			for n := 0; time.Now().Before(deadline); n++ {
				var req *http.Request
				id := ""
				if *writes > 0 && r.Float64() < *writes {
					id = fmt.Sprintf("load-%d-%d-%d", time.Now().UnixNano(), g, n)
					body, _ := json.Marshal(map[string]any{"id": id, "kind": "case", "year": 2026, "bank": map[string]any{"id": "jiangsu-bank"},
						"title": map[string]any{"zh": "压力测试写入 " + id}, "body": "压力测试写入的案例正文", "dimensions": []string{"technology"},
						"themes": []string{}, "source": map[string]any{"report": "load", "year": 2026, "section": "1"}})
					req, _ = http.NewRequest("POST", *base+"/api/v1/cases", bytes.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Authorization", "Bearer "+tokens[g%len(tokens)])
				} else if post != nil {
					req, _ = http.NewRequest("POST", *base+*path, bytes.NewReader(post))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Authorization", "Bearer "+tokens[g%len(tokens)])
				} else {
					u := *base + *path
					if len(u) > 2 && u[len(u)-2:] == "q=" {
						u += url.QueryEscape(queries[r.IntN(len(queries))])
					}
					if len(ids) > 0 {
						u = strings.ReplaceAll(u, "{id}", url.PathEscape(ids[r.IntN(len(ids))]))
					}
					req, _ = http.NewRequest("GET", u, nil)
					if *fresh {
						req.Header.Set("Cache-Control", "no-cache")
					}
				}
				start := time.Now()
				res, err := client.Do(req)
				ok := err == nil && res.StatusCode < 300
				if err == nil {
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
				}
				d := time.Since(start)
				mu.Lock()
				lat = append(lat, d)
				if !ok {
					errs++
				} else if id != "" {
					created = append(created, id)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	slices.Sort(lat)
	p := func(q int) string {
		return fmt.Sprintf("%.2f ms", float64(lat[min(len(lat)-1, len(lat)*q/100)].Microseconds())/1000)
	}
	fmt.Printf("| %d | %.0f | %s | %s | %d |", *conns, float64(len(lat))/dur.Seconds(), p(50), p(99), errs)
	if len(created) > 0 {
		missing := 0
		for _, id := range created {
			res, err := client.Get(*base + "/api/v1/search?q=" + url.QueryEscape("压力测试写入 "+id) + "&size=1")
			if err != nil {
				missing++
				continue
			}
			var body struct{ Hits []struct{ ID string } }
			json.NewDecoder(res.Body).Decode(&body)
			res.Body.Close()
			if len(body.Hits) == 0 || body.Hits[0].ID != id {
				missing++
			}
		}
		fmt.Printf(" writes %d, not searchable afterwards %d |", len(created), missing)
	}
	fmt.Println()
	if errs > 0 {
		log.Printf("%d errors", errs)
	}
}
