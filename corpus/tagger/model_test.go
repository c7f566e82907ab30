package tagger_test

import (
	"slices"
	"testing"

	"casebank/corpus"
	"casebank/corpus/tagger"
)

func TestSuggestTagsWithReasons(t *testing.T) {
	_, tg := newSuggester(t)
	sg, err := tg.Suggest(ctx, tagger.Draft{Text: "某农商银行完成核心系统国产化改造，采用国产分布式数据库，实现信创全栈替代。"})
	if err != nil {
		t.Fatal(err)
	}
	var themes []string
	for _, th := range sg.Themes {
		themes = append(themes, th.Code)
		if len(th.Evidence)+len(th.Matched)+len(th.Terms) == 0 || th.Reason == "" {
			t.Errorf("theme %s without evidence or reason: %+v", th.Code, th)
		}
	}
	if !slices.Contains(themes, "xinchuang") || !slices.Contains(themes, "core_system") {
		t.Fatalf("themes %v", themes)
	}
	if sg.Dimensions[0].Code != "technology" {
		t.Errorf("top dimension %s", sg.Dimensions[0].Code)
	}
	// English drafts are read through the glossary.
	sg, err = tg.Suggest(ctx, tagger.Draft{Text: "The bank deployed a large language model to power digital humans in branches", Bank: "江苏银行"})
	if err != nil {
		t.Fatal(err)
	}
	if len(sg.Themes) == 0 || sg.Themes[0].Code != "ai" {
		t.Fatalf("english themes %+v", sg.Themes)
	}
	if sg.BankType[0].Code != "city_commercial" || sg.BankType[0].Source != "registry" {
		t.Fatalf("bank type %+v", sg.BankType)
	}
	if _, err := tg.Suggest(ctx, tagger.Draft{Text: "  "}); corpus.ErrorCode(err) != corpus.EINVALID {
		t.Fatalf("empty draft: %v", err)
	}
}

// The leave-one-out floor, from the measurement in BENCHMARKS.md.
func TestSuggesterLeaveOneOut(t *testing.T) {
	ts := seedTrainingSet(t)
	ev := tagger.Evaluate(ts.cases, ts.tax, ts.gloss, ts.banks)
	t.Logf("%+v", ev)
	if ev.DimensionTop1 < 0.72 || ev.ThemeRecall < 0.82 || ev.ThemePrecision < 0.53 || ev.BankTypeFromTxt < 0.95 || ev.BankTypeNoReg < 0.65 ||
		ev.EnglishDimTop1 < 0.65 || ev.EnglishThemeP < 0.60 || ev.EnglishThemeR < 0.68 {
		t.Fatalf("below the floor: %+v", ev)
	}
}
