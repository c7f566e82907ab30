package main

import (
	"bufio"
	"bytes"
	"casebank/corpus/boltdb"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mattn/go-runewidth"
)

var readyLine = regexp.MustCompile(`at (https?://\S+/)`)

// searchIDs asks a running server for q and returns the hit ids in order.
func searchIDs(t *testing.T, base, q string) []string {
	t.Helper()
	res, err := http.Get(base + "api/v1/search?q=" + q)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body struct {
		Total int
		Hits  []struct {
			ID         string
			Highlights map[string][]string
		}
		Facets []struct{ Field string }
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil || res.StatusCode != 200 {
		t.Fatalf("search %s: status %d, %v", q, res.StatusCode, err)
	}
	if len(body.Facets) == 0 {
		t.Fatal("no facets")
	}
	var ids []string
	for _, h := range body.Hits {
		if len(h.Highlights) == 0 {
			t.Fatalf("hit %s without highlights", h.ID)
		}
		ids = append(ids, h.ID)
	}
	return ids
}

// serveInProcess runs Main's serve on :0 with any extra flags and returns
// its base URL and a function that stops it (like SIGTERM) and returns the
// exit code.
func serveInProcess(t *testing.T, dir string, flags ...string) (string, func() int) {
	t.Helper()
	base, stop, _ := serveLogged(t, dir, flags...)
	return base, stop
}

// lockedBuffer is a log the server writes while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// serveLogged is serveInProcess that also returns the server's log.
func serveLogged(t *testing.T, dir string, flags ...string) (string, func() int, *lockedBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	stderr := &lockedBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--data", dir}, flags...), pw, stderr)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	m := readyLine.FindStringSubmatch(line)
	if err != nil || m == nil {
		cancel()
		t.Fatalf("no ready line: %q %v; stderr: %s", line, err, stderr.String())
	}
	go io.Copy(io.Discard, pr)
	return m[1], func() int {
		cancel()
		select {
		case code := <-done:
			return code
		case <-time.After(15 * time.Second):
			t.Fatal("serve did not stop")
			return -1
		}
	}, stderr
}

func TestServeEndToEnd(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	base, stop := serveInProcess(t, dir)
	first := searchIDs(t, base, "DeepSeek")
	if len(first) == 0 {
		t.Fatal("first run: no hits")
	}
	res, err := http.Get(base + "?q=DeepSeek")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("search page: %v %v", res, err)
	}
	res.Body.Close()
	if code := stop(); code != 0 {
		t.Fatalf("exit code %d", code)
	}
	info, err := os.Stat(filepath.Join(dir, "casebank.db"))
	if err != nil {
		t.Fatal(err)
	}

	base, stop = serveInProcess(t, dir)
	defer stop()
	if again := searchIDs(t, base, "DeepSeek"); !slices.Equal(again, first) {
		t.Fatalf("after restart %v, before %v", again, first)
	}
	info2, _ := os.Stat(filepath.Join(dir, "casebank.db"))
	if info2.Size() != info.Size() {
		t.Fatalf("store changed size on restart (%d → %d): was it seeded again?", info.Size(), info2.Size())
	}
}

func TestSearchAndVersionCommands(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if code := Main(context.Background(), []string{"search", "--data", dir, "城商行 DeepSeek"}, &out, &errb); code != 0 {
		t.Fatalf("search exit %d: %s", code, errb.String())
	}
	if !regexp.MustCompile(`(?m)^\d+ cases`).MatchString(out.String()) || !strings.Contains(out.String(), "江苏银行") ||
		!strings.Contains(out.String(), `understood "城商行" as bank_type: 城商行`) {
		t.Fatalf("search output:\n%s", out.String())
	}
	out.Reset()
	if code := Main(context.Background(), []string{"reindex", "--data", dir}, &out, &errb); code != 0 || !regexp.MustCompile(`^reindexed \d+ records`).MatchString(out.String()) {
		t.Fatalf("reindex exit %d: %s", code, out.String())
	}
	out.Reset()
	if code := Main(context.Background(), []string{"version"}, &out, &errb); code != 0 || !strings.HasPrefix(out.String(), "casebank ") {
		t.Fatalf("version: %d %q", code, out.String())
	}
	if code := Main(context.Background(), []string{"frobnicate"}, &out, &errb); code != 2 {
		t.Fatalf("unknown command exit %d", code)
	}
	errb.Reset()
	if code := Main(context.Background(), []string{"search", "--data", dir, `"open`}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "unterminated quote") {
		t.Fatalf("bad query: exit %d, %q", code, errb.String())
	}
}

// The real binary, killed with SIGKILL, starts again without repair and
// answers the same.
func TestKill9AndRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	dir := filepath.Join(t.TempDir(), "data")
	start := func() (*exec.Cmd, string) { return startBinary(t, bin, dir) }
	cmd, base := start()
	first := searchIDs(t, base, "DeepSeek")
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()

	cmd, base = start()
	defer func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }()
	if again := searchIDs(t, base, "DeepSeek"); len(first) == 0 || !slices.Equal(again, first) {
		t.Fatalf("after kill -9: %v, before: %v", again, first)
	}
}

// buildBinary builds the real casebank binary into a temp dir.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "casebank")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// startBinary runs `casebank serve` on :0 and returns it with its base URL.
func startBinary(t *testing.T, bin, dir string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", dir)
	stdout, _ := cmd.StdoutPipe()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	begin := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	m := readyLine.FindStringSubmatch(line)
	if err != nil || m == nil {
		cmd.Process.Kill()
		t.Fatalf("no ready line after %s: %q %v\n%s", time.Since(begin), line, err, stderr.String())
	}
	return cmd, m[1]
}

// -h on any subcommand prints a usage line naming its operands, then its
// flags, and exits 0 without opening (or creating) the data directory;
// --version works as version does.
func TestHelpNeverOpensTheStore(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "never")
	for _, tc := range []struct{ args, usage string }{
		{"serve", "usage: casebank serve [flags]\n"},
		{"search", "usage: casebank search [flags] QUERY...\n"},
		{"import", "usage: casebank import [flags] FILE\n"},
		{"export", "usage: casebank export [flags]\n"},
		{"backup", "usage: casebank backup [flags] FILE\n"},
		{"restore", "usage: casebank restore [flags] FILE\n"},
		{"gen", "usage: casebank gen [flags]\n"},
		{"token", "usage: casebank token create --role editor|admin --name NAME | token list | token revoke ID\n"},
		{"token create", "usage: casebank token create [flags]\n"},
		{"token list", "usage: casebank token list [flags]\n"},
		{"token revoke", "usage: casebank token revoke [flags] ID\n"},
		{"eval", "usage: casebank eval [flags]\n"},
		{"reindex", "usage: casebank reindex [flags]\n"},
		{"lint", "usage: casebank lint [flags]\n"},
	} {
		var out, errb bytes.Buffer
		args := append(strings.Fields(tc.args), "-h", "--data", dir)
		if code := Main(context.Background(), args, &out, &errb); code != 0 {
			t.Errorf("%s -h: exit %d %s", tc.args, code, errb.String())
		}
		help := out.String() + errb.String()
		if !strings.HasPrefix(help, tc.usage) || (tc.args != "token" && !strings.Contains(help, "\nflags:\n")) {
			t.Errorf("%s -h does not begin with %q and list its flags:\n%s", tc.args, tc.usage, help)
		}
		if _, err := os.Stat(dir); err == nil {
			t.Fatalf("%s -h opened the data directory", tc.args)
		}
	}
	var out, errb bytes.Buffer
	if code := Main(context.Background(), []string{"--version"}, &out, &errb); code != 0 || !strings.HasPrefix(out.String(), "casebank ") {
		t.Fatalf("--version: %d %q %q", code, out.String(), errb.String())
	}
	out.Reset()
	if code := Main(context.Background(), []string{"-h"}, &out, &errb); code != 0 || !strings.Contains(out.String(), "reindex") {
		t.Fatalf("-h: %d %q", code, out.String())
	}
}

// Every flag can come from the environment (CASEBANK_ and its name); the
// command line wins, and a bad value says which variable it came from.
func TestFlagsFromTheEnvironment(t *testing.T) {
	fromEnv, fromFlag := t.TempDir(), t.TempDir()
	t.Setenv("CASEBANK_DATA", fromEnv)
	if code, _, errs := run(t, "token", "create", "--role", "editor", "--name", "env"); code != 0 {
		t.Fatalf("token create with CASEBANK_DATA: %d %s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(fromEnv, boltdb.StoreFile)); err != nil {
		t.Fatalf("CASEBANK_DATA was not used: %v", err)
	}
	if code, _, errs := run(t, "token", "create", "--data", fromFlag, "--role", "editor", "--name", "flag"); code != 0 {
		t.Fatalf("token create --data: %d %s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(fromFlag, boltdb.StoreFile)); err != nil {
		t.Fatalf("--data did not win over CASEBANK_DATA: %v", err)
	}
	t.Setenv("CASEBANK_WRITE_RATE", "fast")
	if code, _, errs := run(t, "serve", "--addr", "127.0.0.1:0"); code != 2 || !strings.Contains(errs, "CASEBANK_WRITE_RATE") {
		t.Fatalf("a bad CASEBANK_WRITE_RATE: exit %d %s", code, errs)
	}
}

// token list lines its columns up by display width: a Chinese name (two
// columns a character) and an ASCII one put their roles in one column.
func TestTokenListAlignsChineseNames(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"王研究员", "bob"} {
		if code, _, errs := run(t, "token", "create", "--data", dir, "--role", "editor", "--name", name); code != 0 {
			t.Fatal(errs)
		}
	}
	_, out, _ := run(t, "token", "list", "--data", dir)
	cols := map[int]bool{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n")[1:] {
		i := strings.Index(line, "editor")
		cols[runewidth.StringWidth(line[:i])] = true
	}
	if len(cols) != 1 {
		t.Fatalf("the role column starts at %v display columns:\n%s", cols, out)
	}
}
