package corpus

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
)

// Generate makes n synthetic cases by recombining the records of a corpus:
// banks, titles, sentences, products, figures and tags are drawn from real
// cases so that text lengths, languages and tag shapes match, and the same
// seed always gives the same cases. Ids are g<seed>-<n>.
func Generate(base *Corpus, n int, seed uint64) []*Case {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	cases := base.Cases
	var sentencesZH, sentencesEN []string
	for _, c := range cases {
		for _, s := range strings.SplitAfter(c.Body, "。") {
			if s = strings.TrimSpace(s); s != "" {
				sentencesZH = append(sentencesZH, s)
			}
		}
		for _, s := range strings.SplitAfter(c.Summary.EN, ". ") {
			if s = strings.TrimSpace(s); s != "" {
				sentencesEN = append(sentencesEN, s)
			}
		}
	}
	pick := func(xs []string, k int) []string {
		out := make([]string, 0, k)
		for range k {
			out = append(out, xs[r.IntN(len(xs))])
		}
		return out
	}
	out := make([]*Case, n)
	for i := range n {
		a, b := cases[r.IntN(len(cases))], cases[r.IntN(len(cases))]
		bank := base.Banks[r.IntN(len(base.Banks))]
		c := &Case{
			ID: fmt.Sprintf("g%d-%d", seed, i), Kind: KindCase, Year: 2017 + r.IntN(9),
			Bank:         Bank{ID: bank.ID},
			Title:        Text{ZH: bank.Name + "：" + strings.TrimPrefix(b.Title.ZH, b.Bank.Name), EN: a.Title.EN},
			Summary:      Text{ZH: strings.Join(pick(sentencesZH, 2), ""), EN: strings.Join(pick(sentencesEN, 2), " ")},
			Body:         strings.Join(pick(sentencesZH, 3+r.IntN(6)), ""),
			Outcome:      b.Outcome,
			Products:     slices.Clone(a.Products),
			Figures:      slices.Clone(b.Figures),
			Partners:     slices.Clone(a.Partners),
			Technologies: slices.Clone(b.Technologies),
			Pattern:      a.Pattern,
			Dimensions:   slices.Clone(a.Dimensions),
			Themes:       slices.Compact(append(slices.Clone(a.Themes), b.Themes...)),
			Source:       Source{Report: "合成语料（基准测试）", Year: 2025, Section: a.Source.Section, Table: a.Source.Table},
		}
		out[i] = c
	}
	return out
}
