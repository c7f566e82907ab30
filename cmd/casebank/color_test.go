package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// openPTY returns a pseudo-terminal: what is written to tty is read from
// the returned reader, which holds everything written once tty is closed.
func openPTY(t *testing.T) (tty *os.File, output func() string) {
	t.Helper()
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	n, err := unix.IoctlGetUint32(int(ptmx.Fd()), unix.TIOCGPTN)
	if err == nil {
		err = unix.IoctlSetPointerInt(int(ptmx.Fd()), unix.TIOCSPTLCK, 0)
	}
	if err == nil {
		tty, err = os.OpenFile(filepath.Join("/dev/pts", itoa(int(n))), os.O_RDWR|unix.O_NOCTTY, 0)
	}
	if err != nil {
		ptmx.Close()
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	var buf bytes.Buffer
	done := make(chan struct{})
	go func() {
		io.Copy(&buf, ptmx) // ends with EIO once tty is closed
		close(done)
	}()
	return tty, func() string {
		tty.Close()
		<-done
		ptmx.Close()
		return buf.String()
	}
}

func itoa(n int) string {
	var b []byte
	for {
		b = append([]byte{byte('0' + n%10)}, b...)
		if n /= 10; n == 0 {
			return string(b)
		}
	}
}

// Escape sequences (bold search matches) and the progress bar's cursor
// control reach only a terminal, and not when NO_COLOR is set and not
// empty (https://no-color.org) or TERM is dumb.
func TestNoColorOffATerminalOrWithNO_COLOR(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if code, _, errs := run(t, "reindex", "--data", dir); code != 0 {
		t.Fatal(errs)
	}
	search := func(stdout io.Writer) int {
		return Main(t.Context(), []string{"search", "--data", dir, "DeepSeek"}, stdout, io.Discard)
	}
	// Redirected: no escape at all.
	var out bytes.Buffer
	if code := search(&out); code != 0 || strings.Contains(out.String(), "\x1b") || !strings.Contains(out.String(), "DeepSeek") {
		t.Fatalf("redirected search: %d %q", code, out.String())
	}

	t.Setenv("TERM", "xterm")
	for _, tc := range []struct {
		env    map[string]string
		escape bool
	}{
		{map[string]string{}, true},
		{map[string]string{"NO_COLOR": ""}, true}, // set but empty does not count
		{map[string]string{"NO_COLOR": "1"}, false},
		{map[string]string{"TERM": "dumb"}, false},
	} {
		t.Setenv("NO_COLOR", "") // restored when the test ends
		os.Unsetenv("NO_COLOR")
		for k, v := range tc.env {
			t.Setenv(k, v)
		}
		tty, output := openPTY(t)
		code := search(tty)
		got := output()
		if code != 0 || strings.Contains(got, "\x1b[1m") != tc.escape {
			t.Errorf("search on a terminal with %v: exit %d, bold %v, want %v: %q", tc.env, code, !tc.escape, tc.escape, got)
		}
		t.Setenv("TERM", "xterm")
	}
}

// The import's progress bar draws on a terminal (carriage returns); with
// NO_COLOR it reports in plain lines as when redirected.
func TestImportProgressBarOnlyOnATerminal(t *testing.T) {
	file := filepath.Join(t.TempDir(), "gen.jsonl")
	if code, _, errs := run(t, "gen", "--n", "20", "-o", file); code != 0 {
		t.Fatal(errs)
	}
	t.Setenv("TERM", "xterm")
	for _, noColor := range []string{"", "1"} {
		t.Setenv("NO_COLOR", noColor)
		tty, output := openPTY(t)
		code := Main(t.Context(), []string{"import", "--data", filepath.Join(t.TempDir(), "data"), file}, io.Discard, tty)
		got := strings.ReplaceAll(output(), "\r\n", "\n") // the terminal's own line ends
		bar := strings.Contains(got, "\r") && strings.Contains(got, "import")
		lines := strings.Contains(got, "import: 82 of 82 records")
		if code != 0 || bar == (noColor != "") || lines != (noColor != "") || (noColor != "" && strings.Contains(got, "\x1b")) {
			t.Errorf("NO_COLOR=%q: exit %d, bar %v, lines %v: %q", noColor, code, bar, lines, got)
		}
	}
}
