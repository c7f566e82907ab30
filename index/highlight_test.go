package index_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"casebank/index"
	"casebank/index/bleveengine"
)

// Evidence from a long text is a window around the matches, marked and
// escaped; a match at the window's edge is shown whole.
func TestEvidenceFragment(t *testing.T) {
	an := bleveengine.New(t.TempDir())
	evidence := func(fields map[string]string) map[string][]string {
		return index.MarkEvidence([]string{"联邦学习"}, an.Terms(index.English, "deployments"), an, fields)
	}
	long := strings.Repeat("银行数字化转型的背景说明。", 20) + "<b>本行</b>基于联邦学习建设风控模型。" + strings.Repeat("后续内容。", 30)
	frag := evidence(map[string]string{"body": long})["body"][0]
	if !strings.HasPrefix(frag, "…") || !strings.HasSuffix(frag, "…") {
		t.Errorf("a window of a long text should say it is cut: %q", frag)
	}
	if !strings.Contains(frag, "<mark>联邦学习</mark>") || !strings.Contains(frag, "&lt;b&gt;本行&lt;/b&gt;") {
		t.Errorf("match not marked or markup not escaped: %q", frag)
	}
	if w := textWidth(strings.ReplaceAll(strings.ReplaceAll(frag, "<mark>", ""), "</mark>", "")); w > index.FragmentWidth+30 {
		t.Errorf("fragment %d columns wide", w)
	}
	en := evidence(map[string]string{"summary.en": "The Deployment went well; deployments followed."})["summary.en"][0]
	if en != "The <mark>Deployment</mark> went well; <mark>deployments</mark> followed." {
		t.Errorf("English by stem: %q", en)
	}
	if got := evidence(map[string]string{"title.zh": "无关"}); len(got) != 0 {
		t.Errorf("a field without a match gives no evidence: %v", got)
	}
}

func textWidth(text string) int {
	w := 0
	for _, r := range text {
		w += index.RuneWidth(r)
	}
	return w
}

// Exact words are found in one pass over a text, English words by their
// stems: the marks are those that one scan per exact word and a stemming of
// every ASCII word find, each exact word's matches not overlapping each
// other, touching or overlapping matches shown as one.
func TestEvidenceMarksEveryWord(t *testing.T) {
	an := bleveengine.New(t.TempDir())
	words := []string{"哈哈", "城商", "商行", "数字", "数字化", "字化转", "ai客服", "银行", "行", "哈哈哈哈"}
	for _, stemsOf := range []string{"deployments banks", "deployments banks x"} {
		stems := an.Terms(index.English, stemsOf)
		isStem := an.MatchStems(map[string]bool{stems[0]: true, stems[1]: true, stems[len(stems)-1]: true})
		byScans := func(text string) string {
			lower := strings.ToLower(text)
			var spans [][2]int
			for _, w := range words {
				for from := 0; ; {
					i := strings.Index(lower[from:], w)
					if i < 0 {
						break
					}
					spans = append(spans, [2]int{from + i, from + i + len(w)})
					from += i + len(w)
				}
			}
			for i := 0; i < len(lower); {
				j := i
				for j < len(lower) && ('a' <= lower[j] && lower[j] <= 'z' || '0' <= lower[j] && lower[j] <= '9') {
					j++
				}
				if j > i && isStem(lower[i:j]) {
					spans = append(spans, [2]int{i, j})
				}
				i = max(j, i+1)
			}
			slices.SortFunc(spans, func(a, b [2]int) int { return a[0] - b[0] })
			var merged [][2]int
			for _, s := range spans {
				if n := len(merged); n > 0 && s[0] <= merged[n-1][1] {
					merged[n-1][1] = max(merged[n-1][1], s[1])
					continue
				}
				merged = append(merged, s)
			}
			var b strings.Builder
			at := 0
			for _, s := range merged {
				b.WriteString(text[at:s[0]] + "<mark>" + text[s[0]:s[1]] + "</mark>")
				at = s[1]
			}
			return b.String() + text[at:]
		}
		pieces := []string{"哈", "城", "商", "行", "数", "字", "化", "转", "银", "AI", "ai", "客", "服", " ", "x", "，",
			"deploy", "Deploy", "ments", "ed", "bank", "BANK", "s", "a", "A", "1", "de"}
		rng := rand.New(rand.NewPCG(3, 4))
		marked := 0
		for range 20000 {
			var b strings.Builder
			for range 1 + rng.IntN(20) {
				b.WriteString(pieces[rng.IntN(len(pieces))])
			}
			text := b.String()
			want := byScans(text)
			got := text
			if ev := index.MarkEvidence(words, stems, an, map[string]string{"body": text})["body"]; len(ev) > 0 {
				got = ev[0]
				marked++
			}
			if got != want {
				t.Fatalf("%q: marked %q, want %q", text, got, want)
			}
		}
		if marked < 5000 {
			t.Fatalf("only %d of 20000 texts marked (%s)", marked, stemsOf)
		}
	}
}
