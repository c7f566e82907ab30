package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"casebank/corpus"
	"casebank/corpus/boltdb"
	"casebank/index"
	"casebank/index/bleveengine"
)

// TestCrashLoop writes through the API and through `casebank import` while
// the real binary is killed with SIGKILL at random moments, restarting it
// each time. After every restart: every write that returned success is
// there, and at the end the change log has no gaps and the index holds
// exactly the store's records.
//
// CI runs a few kills; the long run is
//
//	CASEBANK_CRASH_KILLS=25 go test ./cmd/casebank -run TestCrashLoop -v -timeout 30m
func TestCrashLoop(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	kills := 3
	if v := os.Getenv("CASEBANK_CRASH_KILLS"); v != "" {
		kills, _ = strconv.Atoi(v)
	}
	bin := buildBinary(t)
	dir := filepath.Join(t.TempDir(), "data")
	ctx := context.Background()
	// Seed the directory and make an editor token before the first start.
	if code, _, errs := run(t, "reindex", "--data", dir); code != 0 {
		t.Fatal(errs)
	}
	store, err := boltdb.Open(filepath.Join(dir, boltdb.StoreFile), boltdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := store.CreateToken(ctx, "crash-writer", corpus.RoleEditor)
	store.Close()
	if err != nil {
		t.Fatal(err)
	}
	base, err := corpus.DefaultCorpus()
	if err != nil {
		t.Fatal(err)
	}
	pool := corpus.Generate(base, 20000, 42)
	genFile := filepath.Join(t.TempDir(), "gen.jsonl")
	var buf bytes.Buffer
	for _, c := range corpus.Generate(base, 3000, 43) {
		b, _ := json.Marshal(c)
		buf.Write(append(b, '\n'))
	}
	os.WriteFile(genFile, buf.Bytes(), 0o600)

	start := func() (*exec.Cmd, string) { return startBinary(t, bin, dir) }
	r := rand.New(rand.NewPCG(7, 7))
	var acked []string
	next := 0
	for k := 0; k < kills; k++ {
		if k%2 == 1 {
			// A crash in the middle of `casebank import`.
			cmd := exec.Command(bin, "import", "--data", dir, genFile)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(time.Duration(100+r.IntN(1500)) * time.Millisecond)
			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()
			continue
		}
		cmd, url := start()
		var mu sync.Mutex
		var wg sync.WaitGroup
		stop := make(chan struct{})
		for g := 0; g < 4; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					mu.Lock()
					c := pool[next%len(pool)]
					next++
					mu.Unlock()
					body, _ := json.Marshal(c)
					req, _ := http.NewRequest("POST", url+"api/v1/cases", bytes.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Authorization", "Bearer "+token)
					res, err := http.DefaultClient.Do(req)
					if err != nil {
						return // the server died
					}
					res.Body.Close()
					if res.StatusCode == http.StatusCreated {
						mu.Lock()
						acked = append(acked, c.ID)
						mu.Unlock()
					}
				}
			}()
		}
		time.Sleep(time.Duration(200+r.IntN(800)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		close(stop)
		wg.Wait()
		cmd.Wait()
	}
	// Restart once more: it must come up without repair and answer.
	cmd, url := start()
	res, err := http.Get(url + "healthz")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("healthz after crashes: %v", err)
	}
	res.Body.Close()
	cmd.Process.Signal(syscall.SIGTERM)
	cmd.Wait()

	store, err = boltdb.Open(filepath.Join(dir, boltdb.StoreFile), boltdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	// Every acknowledged write is in the store.
	got, _ := store.FindCasesByIDs(ctx, acked)
	lost := len(acked) - len(got)
	// The log has no gaps.
	last, _ := store.LastSeq()
	changes, _ := store.ChangesSince(0, int(last)+1)
	for i, ch := range changes {
		if ch.Seq != uint64(i+1) {
			t.Fatalf("log gap at entry %d: seq %d", i, ch.Seq)
		}
	}
	// The index holds exactly the store's records.
	ix, err := index.Open(ctx, bleveengine.New(t.TempDir()), store, nil) // a fresh index from the store…
	if err != nil {
		t.Fatal(err)
	}
	want, _ := ix.DocCount()
	ix.Close()
	ix, err = index.Open(ctx, bleveengine.New(dir), store, nil) // …against the one that lived through the crashes
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	have, _ := ix.DocCount()
	applied, _ := ix.AppliedSeq()
	n, _ := store.CountCases()
	t.Logf("kills %d, writes acknowledged %d, writes lost %d, cases %d, log entries %d, index docs %d (fresh build %d)", kills, len(acked), lost, n, len(changes), have, want)
	if lost != 0 {
		t.Fatalf("%d acknowledged writes lost", lost)
	}
	if uint64(len(changes)) != last || applied != last || have != want {
		t.Fatalf("log %d/%d, index at %d with %d docs, fresh index %d docs", len(changes), last, applied, have, want)
	}
	for _, id := range acked {
		if ok, err := ix.Contains(id); err != nil || !ok {
			t.Fatalf("acknowledged case %s is not in the index: %v", id, err)
		}
	}
}
