package reporttest

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// UnseenEdition rewrites the 2025 report's text, at test time, into an
// edition of another layout: year 2026, every table renumbered (表 5-3 →
// 表 7-3), its bank column moved first and its header renamed, the special
// topic's bank headings without their numbering.
func UnseenEdition(text string) string {
	reCap := regexp.MustCompile(`^表 ?(\d+)-(\d+)`)
	reTopicBank := regexp.MustCompile(`^[（(]\s*[一二三四五六七八九十]+\s*[）)]\s*`)
	lines := strings.Split(text, "\n")
	bankCol := -1
	for i, l := range lines {
		switch {
		case strings.TrimSpace(l) == "2025":
			l = "2026"
		case reCap.MatchString(l):
			m := reCap.FindStringSubmatch(l)
			n, _ := strconv.Atoi(m[1])
			l = fmt.Sprintf("表 %d-%s", n+2, m[2]) + strings.TrimPrefix(l, m[0])
			bankCol = -2 // the next tab row is the header
		case strings.Contains(l, "\t") && bankCol == -2:
			cells := strings.Split(l, "\t")
			bankCol = -1
			for j, h := range cells {
				if strings.TrimSpace(h) == "中小银行" || strings.HasPrefix(strings.TrimSpace(h), "代表性") {
					bankCol, cells[j] = j, "机构"
				}
			}
			l = moveFirst(cells, bankCol)
		case strings.Contains(l, "\t") && bankCol >= 0:
			l = moveFirst(strings.Split(l, "\t"), bankCol)
		case !strings.Contains(l, "\t"):
			if strings.HasPrefix(l, "资料来源") {
				bankCol = -1
			}
			if loc := reTopicBank.FindStringIndex(l); loc != nil && strings.ContainsAny(l, "：:") {
				l = l[loc[1]:]
			}
		}
		lines[i] = strings.ReplaceAll(l, "（2025）", "（2026）")
	}
	return strings.Join(lines, "\n")
}

func moveFirst(cells []string, i int) string {
	if i <= 0 || i >= len(cells) {
		return strings.Join(cells, "\t")
	}
	out := append([]string{cells[i]}, cells[:i]...)
	return strings.Join(append(out, cells[i+1:]...), "\t")
}
