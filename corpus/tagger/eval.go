package tagger

import (
	"math"

	"casebank/corpus"
)

// Eval is the leave-one-out measurement of the suggester.
type Eval struct {
	Cases           int     `json:"cases"`
	DimensionTop1   float64 `json:"dimension_top1"`  // top dimension is one of the case's
	DimensionMain   float64 `json:"dimension_main"`  // top dimension is the case's first
	ThemePrecision  float64 `json:"theme_precision"` // micro-averaged
	ThemeRecall     float64 `json:"theme_recall"`    // micro-averaged
	BankTypeFromTxt float64 `json:"bank_type_text"`  // bank unknown: type from text alone
	// BankTypeNoReg is BankTypeFromTxt with the registry's bank names
	// unread: the bank-type words and the learned words alone. Every
	// curated title names its bank, so the registry finds nearly all.
	BankTypeNoReg  float64 `json:"bank_type_text_no_registry"`
	ThemeF1        float64 `json:"theme_f1"`
	EnglishDimTop1 float64 `json:"english_dimension_top1"` // drafts of the English title and summary only
	EnglishThemeP  float64 `json:"english_theme_precision"`
	EnglishThemeR  float64 `json:"english_theme_recall"`
}

// Evaluate hides each case's tags in turn, suggests from the other
// cases, and compares.
func Evaluate(cases []*corpus.Case, tax *corpus.Taxonomy, gloss *corpus.Glossary, banks []*corpus.Bank) Eval {
	m := NewModel(cases, tax, gloss, banks)
	var ev Eval
	var tp, fp, fn, etp, efp, efn float64
	var dimTop, dimMain, bt, btNoReg, edim float64
	for _, c := range cases {
		for pass, text := range []string{caseText(c), c.Title.EN + "\n" + c.Summary.EN} {
			sg := m.Suggest(Draft{Text: text}, nil, c.ID)
			top := ""
			if len(sg.Dimensions) > 0 {
				top = sg.Dimensions[0].Code
			}
			got := map[string]bool{}
			for _, s := range sg.Themes {
				got[s.Code] = true
			}
			var p, f, n float64
			for t := range got {
				if contains(c.Themes, t) {
					p++
				} else {
					f++
				}
			}
			for _, t := range c.Themes {
				if !got[t] {
					n++
				}
			}
			if pass == 0 {
				if contains(c.Dimensions, top) {
					dimTop++
				}
				if len(c.Dimensions) > 0 && c.Dimensions[0] == top {
					dimMain++
				}
				if len(sg.BankType) > 0 && sg.BankType[0].Code == c.Bank.Type {
					bt++
				}
				if nr := m.suggest(Draft{Text: text}, nil, c.ID, true); len(nr.BankType) > 0 && nr.BankType[0].Code == c.Bank.Type {
					btNoReg++
				}
				tp, fp, fn = tp+p, fp+f, fn+n
			} else {
				if contains(c.Dimensions, top) {
					edim++
				}
				etp, efp, efn = etp+p, efp+f, efn+n
			}
		}
	}
	n := float64(len(cases))
	ev.Cases = len(cases)
	ev.DimensionTop1, ev.DimensionMain, ev.BankTypeFromTxt = dimTop/n, dimMain/n, bt/n
	ev.BankTypeNoReg = btNoReg / n
	ev.ThemePrecision, ev.ThemeRecall = tp/math.Max(tp+fp, 1), tp/math.Max(tp+fn, 1)
	ev.ThemeF1 = 2 * ev.ThemePrecision * ev.ThemeRecall / math.Max(ev.ThemePrecision+ev.ThemeRecall, 1e-9)
	ev.EnglishDimTop1 = edim / n
	ev.EnglishThemeP, ev.EnglishThemeR = etp/math.Max(etp+efp, 1), etp/math.Max(etp+efn, 1)
	return ev
}
