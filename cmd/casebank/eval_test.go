package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// eval -glossary scores search with another glossary: with none at all the
// English queries lose their translations and score lower; a file that is
// not a glossary is refused before anything is measured.
func TestEvalWithAnotherGlossary(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.json")
	if err := os.WriteFile(empty, []byte(`{"entries":[]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	code, with, _ := run(t, "eval", "-summary")
	if code != 0 {
		t.Fatalf("eval: exit %d", code)
	}
	code, without, errOut := run(t, "eval", "-summary", "-glossary", empty)
	if code != 0 {
		t.Fatalf("eval -glossary: exit %d: %s", code, errOut)
	}
	if en := func(s string) string { return rowOf(s, "tune en") }; en(with) == en(without) || en(without) == "" {
		t.Errorf("an empty glossary changed nothing:\n%s\n%s", en(with), en(without))
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"entries":[{"en":["x"],"zh":["甲"],"colour":"red"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := run(t, "eval", "-summary", "-glossary", bad); code == 0 || !strings.Contains(errOut, "colour") {
		t.Errorf("a glossary with an unknown field: exit %d, %q", code, errOut)
	}
}

func rowOf(out, name string) string {
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, name+" ") {
			return line
		}
	}
	return ""
}
