package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"casebank/corpus"
)

// smallDisk mounts a tmpfs of size bytes for the test, or skips where the
// test may not mount (it needs root and a kernel that lets it).
func smallDisk(t *testing.T, size int) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "disk")
	os.MkdirAll(dir, 0o700)
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, fmt.Sprintf("size=%d", size)); err != nil {
		t.Skipf("SKIPPED: cannot mount a small tmpfs to fill (%v); run as root to test a full disk", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	return dir
}

// fill writes a file until the disk is full and returns its path.
func fill(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("filling the disk: %v", err)
			}
			return path
		}
	}
}

// On a full disk a write either is stored and answered 201, becoming
// searchable once there is room again, or is not stored and answered 503;
// never a 500, never an error for a stored write. Searches answer 200 or 503.
func TestDiskFull(t *testing.T) {
	for _, room := range []int64{0, 64 << 10, 128 << 10, 256 << 10} {
		t.Run(fmt.Sprintf("%dKB", room>>10), func(t *testing.T) { testDiskFull(t, room) })
	}
}

func fileSize(t *testing.T, path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}

func testDiskFull(t *testing.T, room int64) {
	disk := smallDisk(t, 32<<20)
	dir := filepath.Join(disk, "data")
	token := seedWithToken(t, dir, "disk test", corpus.RoleEditor)
	base, stop := serveInProcess(t, dir)
	defer stop()
	client := &http.Client{Timeout: time.Minute} // a hang guard
	call := func(method, path string, body any) (int, http.Header, []byte) {
		t.Helper()
		var r io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			r = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(method, base+strings.TrimPrefix(path, "/"), r)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Cache-Control", "no-cache")
		res, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, res.Header, b
	}
	filler := fill(t, disk)
	// Room for a few store pages but not for the index's segments: the
	// store commits while the index cannot follow.
	if err := os.Truncate(filler, max(0, fileSize(t, filler)-room)); err != nil {
		t.Fatal(err)
	}

	stored := map[string]bool{}
	refused := 0
	for i := range 60 {
		id := fmt.Sprintf("disk-full-%d", i)
		c := map[string]any{
			"id": id, "kind": "case", "year": 2026, "bank": map[string]any{"id": "jiangsu-bank"},
			"title":      map[string]any{"zh": "磁盘测试" + id, "en": "disk test " + id},
			"body":       strings.Repeat("磁盘写满时的写入测试。", 200*(i%2)) + "diskword" + fmt.Sprint(i),
			"dimensions": []string{"technology"}, "themes": []string{"risk"},
			"source": map[string]any{"report": "测试", "year": 2026, "section": "1"},
		}
		code, h, body := call("POST", "/api/v1/cases", c)
		switch code {
		case 201:
			stored[id] = true
			t.Logf("%s stored, searchable %q", id, h.Get("X-Casebank-Searchable"))
		case 503:
			refused++
			if got, _, _ := call("GET", "/api/v1/cases/"+id, nil); got != 404 {
				t.Errorf("%s answered 503 but is stored (GET: %d)", id, got)
			}
		default:
			t.Errorf("create %s on a full disk: %d %s", id, code, body)
		}
		// Similar cases make bleve read on goroutines of its own, where a
		// panic of a segment broken by the full disk would end the process.
		for _, path := range []string{"/api/v1/search?q=DeepSeek", "/api/v1/cases/r2025-t1-4-jiangsu-bank/similar", "/cases/r2025-t1-4-jiangsu-bank"} {
			if code, _, body := call("GET", path, nil); code != 200 && code != 503 {
				t.Errorf("GET %s on a full disk: %d %.200s", path, code, body)
			}
		}
	}
	t.Logf("full disk: %d stored, %d refused", len(stored), refused)
	if refused == 0 {
		t.Fatal("the disk never refused a write: the test did not fill it")
	}
	if room > 0 && len(stored) == 0 {
		t.Fatal("no write was stored: the test did not leave room for the store")
	}
	if code, _, body := call("GET", "/healthz", nil); code != 200 && code != 503 {
		t.Errorf("healthz on a full disk: %d %s", code, body)
	}

	os.Remove(filler)
	deadline := time.Now().Add(2 * time.Minute) // a hang guard
	for {
		var h struct {
			LogSeq   uint64 `json:"log_seq"`
			IndexSeq uint64 `json:"index_seq"`
		}
		_, _, body := call("GET", "/healthz", nil)
		json.Unmarshal(body, &h)
		if h.LogSeq > 0 && h.LogSeq == h.IndexSeq {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the index did not catch up once there was room: %s", body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// A search may find the index broken in memory by the full disk: it
	// answers 503 while the index is rebuilt from the store, then finds all.
	for id := range stored {
		n := strings.TrimPrefix(id, "disk-full-")
		for {
			code, _, body := call("GET", "/api/v1/search?q=diskword"+n, nil)
			if code == 200 && strings.Contains(string(body), `"id":"`+id+`"`) {
				break
			}
			if code != 503 || time.Now().After(deadline) {
				t.Fatalf("stored %s is not searchable once there is room: %d %.200s", id, code, body)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}
