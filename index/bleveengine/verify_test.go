package bleveengine

import (
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"

	"casebank/corpus"
	"casebank/corpus/boltdb/bolttest"
	"casebank/index"
)

// A segment file is checked by reading it, not through its map: the size
// it was opened with and the CRC of every byte before the CRC's own four.
func TestVerifySegmentFile(t *testing.T) {
	dir := t.TempDir()
	body := []byte(strings.Repeat("segment bytes ", 200_000)) // spans several reads
	sum := crc32.ChecksumIEEE(body)
	write := func(name string, data []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	whole := append(append([]byte{}, body...), 0, 0, 0, 0)
	buf := make([]byte, 1<<20)
	size := len(whole)

	if err := verifySegmentFile(write("good.zap", whole), size, sum, buf); err != nil {
		t.Errorf("intact segment: %v", err)
	}
	changed := append([]byte{}, whole...)
	changed[len(changed)/2] ^= 1
	if err := verifySegmentFile(write("changed.zap", changed), size, sum, buf); err == nil || !strings.Contains(err.Error(), "does not match its checksum") {
		t.Errorf("a changed byte: %v, want a checksum error", err)
	}
	if err := verifySegmentFile(write("short.zap", whole[:size-100]), size, sum, buf); err == nil || !strings.Contains(err.Error(), "not the") {
		t.Errorf("a segment cut short: %v, want a size error", err)
	}
	if err := verifySegmentFile(filepath.Join(dir, "merged-away.zap"), size, sum, buf); err != nil {
		t.Errorf("a segment merged away since the snapshot: %v, want it passed", err)
	}
}

// The check at open reads the segment files, not zap's memory maps: before,
// it left every segment's pages resident in the server (430 MB at 100,000
// cases) though a search touches a small part of them.
func TestVerifySegmentsMapsNoPages(t *testing.T) {
	path := filepath.Join(t.TempDir(), "index.bleve")
	b, err := bleve.New(path, bleve.NewIndexMapping())
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 4))
	batch := b.NewBatch()
	for i := range 5000 {
		words := make([]string, 200)
		for j := range words {
			words[j] = fmt.Sprintf("w%d", r.IntN(20000))
		}
		batch.Index(fmt.Sprintf("doc%d", i), map[string]any{"text": strings.Join(words, " ")})
	}
	if err := b.Batch(batch); err != nil {
		t.Fatal(err)
	}
	b.Close()
	if b, err = bleve.Open(path); err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	zaps, _ := filepath.Glob(filepath.Join(path, "store", "*.zap"))
	size := 0
	for _, z := range zaps {
		st, _ := os.Stat(z)
		size += int(st.Size())
	}
	ofSegments := func(p string) bool { return strings.HasPrefix(p, path) && strings.HasSuffix(p, ".zap") }
	before := bolttest.MappedResident(t, ofSegments)
	if err := verifySegments(b); err != nil {
		t.Fatal(err)
	}
	after := bolttest.MappedResident(t, ofSegments)
	t.Logf("segments %d bytes; resident %d before the check, %d after", size, before, after)
	if size < 1<<20 || after-before > size/10 {
		t.Errorf("the check mapped %d of the segments' %d bytes, want at most a tenth", after-before, size)
	}
}

// Searches and similar cases map the segments' pages; ReleaseMapped lets go
// of them, and the index answers as before afterwards.
func TestReleaseMappedLetsGoOfSegmentPages(t *testing.T) {
	store, ix, e := openGenerated(t, 3000, 7)
	defer ix.Close()
	dir := e.path
	ofSegments := func(p string) bool { return strings.HasPrefix(p, dir) && strings.HasSuffix(p, ".zap") }
	cases, err := store.FindCases(ctx, corpus.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	similarOf := func(id string) string {
		sims, err := ix.SimilarCases(ctx, id, 5, true)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(ids(sims))
	}
	before := map[string]string{}
	searched := 0
	for i, c := range cases {
		if i%3 != 0 {
			continue
		}
		if _, err := ix.Search(ctx, index.Request{Text: c.Title.ZH, Size: 10, Fresh: true}); err != nil {
			t.Fatal(err)
		}
		if searched++; i%30 == 0 {
			before[c.ID] = similarOf(c.ID)
		}
	}
	mapped := bolttest.MappedResident(t, ofSegments)
	if mapped < 1<<20 {
		t.Fatalf("after %d searches %d bytes of the segments are resident, want at least 1 MiB (the test reads nothing)", searched, mapped)
	}
	t.Logf("segments: %d bytes resident after the searches", mapped)
	e.ReleaseMapped()
	if got := bolttest.MappedResident(t, ofSegments); got > mapped/10 {
		t.Errorf("after ReleaseMapped %d bytes of the segments are resident (%d before), want at most a tenth", got, mapped)
	}
	for id, want := range before {
		if got := similarOf(id); got != want {
			t.Fatalf("similar to %s after the release: %s, want %s", id, got, want)
		}
	}

	// Released while searches read the same pages, as serve's releaser
	// does: the answers do not change.
	stop := make(chan struct{})
	released := make(chan int)
	go func() {
		n := 0
		for {
			select {
			case <-stop:
				released <- n
				return
			default:
				e.ReleaseMapped()
				n++
			}
		}
	}()
	for id, want := range before {
		if got := similarOf(id); got != want {
			close(stop)
			<-released
			t.Fatalf("similar to %s while releasing: %s, want %s", id, got, want)
		}
	}
	close(stop)
	if n := <-released; n < 2 {
		t.Errorf("released %d times during the searches, want several (the test releases nothing)", n)
	}
}
