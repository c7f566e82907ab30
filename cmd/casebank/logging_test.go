package main

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// --log-format json writes one JSON object a line with level and msg,
// from the flag or from CASEBANK_LOG_FORMAT, on every command that logs.
func TestLogFormatJSON(t *testing.T) {
	check := func(name, logs string, want string) {
		t.Helper()
		lines := strings.Split(strings.TrimRight(logs, "\n"), "\n")
		found := false
		for _, line := range lines {
			var rec map[string]any
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatalf("%s: a log line that is not one JSON object: %q (%v)\nall:\n%s", name, line, err, logs)
			}
			if rec["level"] == nil || rec["msg"] == nil || rec["time"] == nil {
				t.Fatalf("%s: log record without level, msg or time: %q", name, line)
			}
			found = found || strings.Contains(line, want)
		}
		if !found {
			t.Fatalf("%s: no record with %q:\n%s", name, want, logs)
		}
	}
	dir := filepath.Join(t.TempDir(), "data")
	code, _, errs := run(t, "reindex", "--data", dir, "--log-format", "json")
	if code != 0 {
		t.Fatalf("reindex: %d %s", code, errs)
	}
	check("reindex", errs, `"msg":"seeded an empty store with the embedded corpus"`)

	t.Setenv("CASEBANK_LOG_FORMAT", "json")
	base, stop, logs := serveLogged(t, dir, "--log-level", "debug")
	res, err := http.Get(base + "api/v1/search?q=DeepSeek")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	id := res.Header.Get("X-Request-ID")
	if code := stop(); code != 0 {
		t.Fatalf("serve exit %d", code)
	}
	check("serve", logs.String(), `"id":"`+id+`"`)
	if !strings.Contains(logs.String(), `"level":"DEBUG","msg":"request"`) {
		t.Fatalf("no debug request record:\n%s", logs)
	}

	// An import redirected to a log reports its progress as records too.
	file := filepath.Join(t.TempDir(), "gen.jsonl")
	if code, _, errs := run(t, "gen", "--n", "5", "-o", file); code != 0 {
		t.Fatal(errs)
	}
	code, _, errs = run(t, "import", "--data", dir, file)
	if code != 0 {
		t.Fatalf("import: %d %s", code, errs)
	}
	check("import", errs, `"msg":"import progress"`)
}

// --log-level warn leaves info out; text stays the default format.
func TestLogLevelWarnAndTextDefault(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if code, _, errs := run(t, "reindex", "--data", dir, "--log-level", "warn"); code != 0 || errs != "" {
		t.Fatalf("reindex --log-level warn: %d %q", code, errs)
	}
	dir = filepath.Join(t.TempDir(), "data")
	if code, _, errs := run(t, "reindex", "--data", dir); code != 0 || !strings.Contains(errs, "level=INFO msg=") {
		t.Fatalf("reindex: %d %q", code, errs)
	}
}

// An unknown format or level is a usage error (exit 2) naming the values
// allowed, from the command line and from the environment alike.
func TestUnknownLogFlagsAreUsageErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--log-format", "xml"}, "use text or json"},
		{[]string{"serve", "--log-level", "loud"}, "use debug, info, warn or error"},
		{[]string{"serve", "--log-level", "info+2"}, "use debug, info, warn or error"},
		{[]string{"import", "--log-format", "yaml", "x.jsonl"}, "use text or json"},
		{[]string{"reindex", "--log-level", "verbose"}, "use debug, info, warn or error"},
		{[]string{"restore", "--log-format", "pretty", "x.db"}, "use text or json"},
	} {
		code, _, errs := run(t, append(tc.args, "--data", dir)...)
		if code != 2 || !strings.Contains(errs, tc.want) || !strings.Contains(errs, strings.TrimLeft(tc.args[1], "-")) {
			t.Errorf("%v: exit %d %q, want 2 naming %s and %q", tc.args, code, errs, tc.args[1], tc.want)
		}
	}
	t.Setenv("CASEBANK_LOG_LEVEL", "chatty")
	if code, _, errs := run(t, "serve", "--data", dir); code != 2 || !strings.Contains(errs, "CASEBANK_LOG_LEVEL") || !strings.Contains(errs, "debug, info, warn or error") {
		t.Fatalf("CASEBANK_LOG_LEVEL=chatty: exit %d %q", code, errs)
	}
}
