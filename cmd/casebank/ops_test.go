package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"casebank/corpus"
	"casebank/corpus/boltdb"
)

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// seedWithToken makes dir a data directory seeded with the embedded corpus
// (and indexed) and returns the secret of a new token of role named name.
func seedWithToken(t *testing.T, dir, name, role string) string {
	t.Helper()
	if code, _, errs := run(t, "reindex", "--data", dir); code != 0 {
		t.Fatal(errs)
	}
	store, err := boltdb.Open(filepath.Join(dir, boltdb.StoreFile), boltdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	secret, _, err := store.CreateToken(context.Background(), name, role)
	store.Close()
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

// A backup taken from a running server restores into an empty directory
// with the same export.
func TestBackupFromRunningServerAndRestore(t *testing.T) {
	dir, secret := seededWithToken(t, "ops", corpus.RoleAdmin)
	code, before, _ := run(t, "export", "--data", dir)
	if code != 0 {
		t.Fatal("export failed")
	}
	base, stop := serveInProcess(t, dir)
	backup := filepath.Join(t.TempDir(), "b.db")
	// Straight at the file while the server holds it: refused, pointing to --from.
	if code, _, errs := run(t, "backup", "--data", dir, backup); code != 1 || !strings.Contains(errs, "--from") || !strings.Contains(errs, "in use by another process") {
		t.Fatalf("backup of a held store: %d %s", code, errs)
	}
	if code, _, errs := run(t, "backup", "--from", base, "--token", "wrong", backup); code != 1 || !strings.Contains(errs, "401") {
		t.Fatalf("backup with a bad token: %d %s", code, errs)
	}
	if code, out, errs := run(t, "backup", "--from", base, "--token", secret, backup); code != 0 || !strings.Contains(out, "backed up") {
		t.Fatalf("backup: %d %s", code, errs)
	}
	mustBePrivate(t, backup)
	if code := stop(); code != 0 {
		t.Fatalf("stop: %d", code)
	}
	restored := filepath.Join(t.TempDir(), "restored")
	if code, out, errs := run(t, "restore", "--data", restored, backup); code != 0 || !strings.Contains(out, "restored") {
		t.Fatalf("restore: %d %s", code, errs)
	}
	_, after, _ := run(t, "export", "--data", restored)
	if after != before {
		t.Fatal("the restored store exports differently")
	}
	// Never over existing data.
	if code, _, errs := run(t, "restore", "--data", dir, backup); code != 1 || !strings.Contains(errs, "empty data directory") {
		t.Fatalf("restore over data: %d %s", code, errs)
	}
	if code, _, errs := run(t, "restore", "--data", t.TempDir(), filepath.Join("testdata", "missing.db")); code != 1 || errs == "" {
		t.Fatalf("restore of a missing file: %d", code)
	}
}

// A damaged store is refused with a pointer to restore, never emptied; a
// damaged index is rebuilt.
func TestDamagedStoreIsRefusedAndDamagedIndexRebuilt(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if code, _, errs := run(t, "reindex", "--data", dir); code != 0 {
		t.Fatal(errs)
	}
	meta := filepath.Join(dir, "index.bleve", "index_meta.json")
	os.WriteFile(meta, []byte("garbage"), 0o600)
	code, out, errs := run(t, "search", "--data", dir, "DeepSeek")
	if code != 0 || !strings.Contains(out, "DeepSeek") {
		t.Fatalf("search after index damage: %d %s %s", code, out, errs)
	}
	dbPath := filepath.Join(dir, boltdb.StoreFile)
	data, _ := os.ReadFile(dbPath)
	size := len(data)
	for i := 0; i < 8192 && i < len(data); i++ {
		data[i] = 0xA5
	}
	os.WriteFile(dbPath, data, 0o600)
	code, _, errs = run(t, "search", "--data", dir, "DeepSeek")
	if code != 1 || !strings.Contains(errs, "casebank restore") {
		t.Fatalf("damaged store: %d %s", code, errs)
	}
	if st, _ := os.Stat(dbPath); st.Size() != int64(size) {
		t.Fatal("the damaged store was changed")
	}
}

// A second server on the same data directory gives up within about a second.
func TestSecondServeExitsFast(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	_, stop := serveInProcess(t, dir)
	defer stop()
	start := time.Now()
	code, _, errs := run(t, "serve", "--addr", "127.0.0.1:0", "--data", dir)
	if code != 1 || !strings.Contains(errs, "data directory in use by another process") {
		t.Fatalf("second serve: exit %d, %q", code, errs)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("second serve took %s to give up", d)
	}
}

// mustBePrivate fails unless only the owner may read path: a backup holds
// token hashes and sessions, like the store (0600).
func mustBePrivate(t *testing.T, path string) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := fi.Mode().Perm(); mode != 0o600 {
		t.Fatalf("%s has mode %o, want 600", path, mode)
	}
}

// A local backup is private too, also over an older world-readable backup
// or a leftover part file of one.
func TestBackupIsPrivate(t *testing.T) {
	dir, _, backup := seededWithBackup(t)
	mustBePrivate(t, backup)
	again := filepath.Join(t.TempDir(), "again.db")
	for _, p := range []string{again, again + ".part"} {
		if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, 0o644); err != nil { // whatever the umask
			t.Fatal(err)
		}
	}
	if code, _, errs := run(t, "backup", "--data", dir, again); code != 0 {
		t.Fatal(errs)
	}
	mustBePrivate(t, again)
}

// seededWithBackup seeds a data directory, makes an admin token and a
// backup; it returns the directory, the token and the backup's path.
func seededWithBackup(t *testing.T) (dir, secret, backup string) {
	t.Helper()
	dir, secret = seededWithToken(t, "ops", corpus.RoleAdmin)
	backup = filepath.Join(t.TempDir(), "backup.db")
	if code, _, errs := run(t, "backup", "--data", dir, backup); code != 0 {
		t.Fatal(errs)
	}
	return dir, secret, backup
}

// A store file emptied by a slip is refused with a pointer to restore, not
// seeded with the demo corpus; restoring a backup into it brings back the
// records and the tokens.
func TestEmptyStoreFileIsRefusedNotSeeded(t *testing.T) {
	dir, secret, backup := seededWithBackup(t)
	dbPath := filepath.Join(dir, boltdb.StoreFile)
	if err := os.Truncate(dbPath, 0); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"search", "export", "reindex"} {
		args := []string{cmd, "--data", dir}
		if cmd == "search" {
			args = append(args, "DeepSeek")
		}
		code, _, errs := run(t, args...)
		if code != 1 || !strings.Contains(errs, "empty") || !strings.Contains(errs, "casebank restore") {
			t.Fatalf("%s on an empty store file: exit %d, %q", cmd, code, errs)
		}
	}
	if st, _ := os.Stat(dbPath); st.Size() != 0 {
		t.Fatalf("the empty store file was written: %d bytes", st.Size())
	}
	if code, _, errs := run(t, "restore", "--data", dir, backup); code != 0 {
		t.Fatalf("restore into the emptied store: %d %s", code, errs)
	}
	store, err := boltdb.Open(dbPath, boltdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := store.Authenticate(context.Background(), secret); err != nil {
		t.Fatalf("the token is gone after restore: %v", err)
	}
}

// A store that has only tokens (made with `casebank token` before the first
// start) has never held a record and is seeded.
func TestStoreWithOnlyTokensIsSeeded(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := run(t, "token", "create", "--data", dir, "--role", "editor", "--name", "first"); code != 0 {
		t.Fatal(errs)
	}
	if code, out, errs := run(t, "search", "--data", dir, "DeepSeek"); code != 0 || !strings.Contains(out, "DeepSeek") {
		t.Fatalf("search: %d %s %s", code, out, errs)
	}
}

// The first admin token is made offline on a fresh machine, before any
// serve: token create makes the default data directory (private) and its
// store; the first serve then still seeds the embedded corpus, and the token
// works against it.
func TestFirstAdminTokenOnAFreshMachine(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	work := t.TempDir()
	create := exec.Command(bin, "token", "create", "--role", "admin", "--name", "first admin")
	create.Dir = work // no --data: ./casebank-data, which does not exist yet
	var stdout, stderr bytes.Buffer
	create.Stdout, create.Stderr = &stdout, &stderr
	if err := create.Run(); err != nil {
		t.Fatalf("token create on a fresh machine: %v\n%s", err, stderr.String())
	}
	if strings.Contains(stderr.String(), "--from") {
		t.Errorf("a hint about a running server where none runs: %s", stderr.String())
	}
	secret := strings.TrimSpace(stdout.String())
	dir := filepath.Join(work, "casebank-data")
	mustBePrivate(t, filepath.Join(dir, boltdb.StoreFile))
	cmd, base := startBinary(t, bin, dir)
	defer func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }()
	var health struct{ Cases, Policies int }
	getJSON(t, base+"healthz", "", &health)
	if health.Cases != 114 || health.Policies != 32 {
		t.Fatalf("the first serve after token create: %+v, want the embedded 114 cases and 32 policies", health)
	}
	var list struct{ Tokens []struct{ Name, Role string } }
	getJSON(t, base+"api/v1/tokens", secret, &list)
	if len(list.Tokens) != 1 || list.Tokens[0].Name != "first admin" || list.Tokens[0].Role != "admin" {
		t.Fatalf("tokens with the first admin's token: %+v", list)
	}
}

// getJSON GETs url (with a bearer token unless it is empty), wants a 200
// and decodes its body into out.
func getJSON(t *testing.T, url, token string, out any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s %s", url, res.Status, body)
	}
	if err := json.Unmarshal(body, out); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

// A truncated store stops the real binary with a message, not a panic; a
// truncated backup is refused by restore, not a segfault, and leaves the
// data directory as it was.
func TestTruncatedStoreAndBackupAreRefused(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	_, _, backup := seededWithBackup(t)
	data, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	cut := data[:len(data)/2]
	dir := t.TempDir()
	dbPath := filepath.Join(dir, boltdb.StoreFile)
	os.WriteFile(dbPath, cut, 0o600)
	out, err := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", dir).CombinedOutput()
	if code := exitCode(err); code != 1 || !strings.Contains(string(out), "cut short") || !strings.Contains(string(out), "casebank restore") || strings.Contains(string(out), "goroutine") {
		t.Fatalf("serve on a truncated store: exit %d\n%s", code, out)
	}
	if got, _ := os.ReadFile(dbPath); !bytes.Equal(got, cut) {
		t.Fatal("the truncated store was changed")
	}

	cutBackup := filepath.Join(t.TempDir(), "cut.db")
	os.WriteFile(cutBackup, data[:len(data)/10], 0o600)
	empty := t.TempDir()
	out, err = exec.Command(bin, "restore", "--data", empty, cutBackup).CombinedOutput()
	if code := exitCode(err); code != 1 || !strings.Contains(string(out), "cut short") || strings.Contains(string(out), "goroutine") {
		t.Fatalf("restore of a truncated backup: exit %d\n%s", code, out)
	}
	if entries, _ := os.ReadDir(empty); len(entries) != 0 {
		t.Fatalf("restore left %d entries in the data directory", len(entries))
	}
}

func exitCode(err error) int {
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.ExitCode()
	}
	return -1
}
