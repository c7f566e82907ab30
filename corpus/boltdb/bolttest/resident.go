package bolttest

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

// MappedResident returns how many bytes of the files whose paths pass
// match this process has resident through its memory maps (the Rss of
// their mappings in /proc/self/smaps). The test is skipped where there is
// no smaps.
func MappedResident(tb testing.TB, match func(path string) bool) int {
	tb.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		tb.Skip("no /proc/self/smaps:", err)
	}
	defer f.Close()
	total, in := 0, false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		switch {
		case len(fields) >= 5 && strings.Contains(fields[0], "-") && !strings.HasSuffix(fields[0], ":"):
			in = len(fields) >= 6 && match(fields[5])
		case in && len(fields) >= 2 && fields[0] == "Rss:":
			kb, _ := strconv.Atoi(fields[1])
			total += kb << 10
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return total
}
