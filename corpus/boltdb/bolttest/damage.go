package bolttest

import (
	"bytes"
	"os"
	"testing"
)

// DamageValue damages, in the closed store file at path, every stored value
// holding the string value of marker: the quote before it becomes an x, so
// the value keeps its length (bbolt's pages stay intact and the file passes
// its check) but no longer decodes as JSON.
func DamageValue(tb testing.TB, path, marker string) {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	quoted := []byte(`"` + marker)
	if !bytes.Contains(data, quoted) {
		tb.Fatalf("%s holds no %q", path, marker)
	}
	data = bytes.ReplaceAll(data, quoted, []byte("x"+marker))
	if err := os.WriteFile(path, data, 0o600); err != nil {
		tb.Fatal(err)
	}
}
