package index_test

import (
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
