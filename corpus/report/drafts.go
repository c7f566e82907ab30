package report

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"

	"casebank/corpus"
)

// Suggester suggests dimensions and themes for an item's text, with their
// reasons; bank is the registry's id, or the name when the bank is new.
// corpus/app adapts the tagger to it, so that the parser knows no tagger.
type Suggester interface {
	SuggestDraftTags(ctx context.Context, text, bank string) (dimensions, themes []corpus.DraftTag, err error)
}

// DraftStore is where ImportDrafts reads banks and writes drafts:
// *boltdb.Store is one.
type DraftStore interface {
	FindBanks(ctx context.Context) ([]*corpus.Bank, error)
	Taxonomy() (*corpus.Taxonomy, error)
	PutDrafts(ctx context.Context, ds []*corpus.Draft, by string) (*corpus.DraftsResult, error)
}

// ImportDrafts reads a report in the layout Detect chooses and stores each
// item as a draft for review, not as a case; sg, when not nil, adds its
// suggested tags. The summary says what was found where; the result what
// the store did (nothing, for an edition imported already).
func ImportDrafts(ctx context.Context, st DraftStore, sg Suggester, r io.Reader, by string) (*Summary, *corpus.DraftsResult, error) {
	text, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, fmt.Errorf("read report: %w", err)
	}
	banks, err := st.FindBanks(ctx)
	if err != nil {
		return nil, nil, err
	}
	tax, err := st.Taxonomy()
	if err != nil {
		return nil, nil, err
	}
	rep, err := Detect(text, banks, tax).Parse(bytes.NewReader(text))
	if err != nil {
		return nil, nil, err
	}
	ds, err := Drafts(ctx, rep, banks, sg)
	if err != nil {
		return nil, nil, err
	}
	res, err := st.PutDrafts(ctx, ds, by)
	if err != nil {
		return nil, nil, err
	}
	return Summarize(rep, banks), res, nil
}

// Drafts makes the draft of each item of rep: its bank resolved through
// the registry or proposed from its name, title and summary proposed from
// its text (marked machine-made), the tags its caption or heading names
// and, when sg is not nil, the tagger's suggestions with their reasons.
func Drafts(ctx context.Context, rep *Report, banks []*corpus.Bank, sg Suggester) ([]*corpus.Draft, error) {
	names := corpus.BanksByName(banks)
	title := rep.Title
	if title == "" {
		title = fmt.Sprintf("研究报告（%d）", rep.Year)
	}
	layout := "2025"
	if rep.Generic {
		layout = "generic"
	}
	tax := corpus.DefaultTaxonomy()
	if g, ok := rep.Layout.(Generic); ok && g.Taxonomy != nil {
		tax = g.Taxonomy
	}
	out := make([]*corpus.Draft, 0, len(rep.Items))
	for _, it := range rep.Items {
		bank, known := names[corpus.NormalizeBankName(it.Bank)]
		if !known {
			b := corpus.GuessBank(it.Bank, banks)
			bank = &b
		}
		c := rep.Layout.Draft(it, bank, title)
		d := &corpus.Draft{
			Key: corpus.SourceKey(it.Year, it.Where(), bank.ID, it.Part), Year: it.Year,
			Bank: *bank, NewBank: !known, BankName: it.Bank, Title: c.Title, Summary: c.Summary, MachineMade: true,
			Pattern: c.Pattern, Source: c.Source, Layout: layout,
			Dimensions: []corpus.DraftTag{}, Themes: []corpus.DraftTag{}, BankType: []corpus.DraftTag{},
		}
		// The report's own placing comes first: a generic reading's
		// caption or heading, or the 2025 layout's table and part.
		why, whyZH := it.Hint, hintZH.Replace(it.Hint)
		if why == "" {
			why = "the " + layout + " layout places " + it.Where() + " there"
			whyZH = layout + "版式将" + it.Where() + "归于此"
		}
		if it.Dimension != "" || !rep.Generic {
			for _, code := range c.Dimensions {
				d.Dimensions = append(d.Dimensions, corpus.DraftTag{Code: code, Score: 1, Source: "report", Reason: why, ReasonZH: whyZH,
					Words: named(tax.Dimensions, code, it.Heading)})
			}
		}
		for _, code := range c.Themes {
			d.Themes = append(d.Themes, corpus.DraftTag{Code: code, Score: 1, Source: "report", Reason: why, ReasonZH: whyZH,
				Words: named(tax.Themes, code, it.Heading)})
		}
		if known {
			d.BankType = append(d.BankType, corpus.DraftTag{Code: bank.Type, Score: 1, Source: "registry", Reason: "the registry's " + bank.Name, ReasonZH: "银行名录中的" + bank.Name, Words: []string{bank.Name}})
		} else {
			d.BankType = append(d.BankType, corpus.DraftTag{Code: bank.Type, Score: 0.5, Source: "name", Reason: "guessed from the name " + it.Bank, ReasonZH: "由行名" + it.Bank + "推测", Words: []string{it.Bank}})
		}
		if sg != nil && it.Text != "" {
			who := bank.ID
			if !known {
				who = it.Bank
			}
			dims, themes, err := sg.SuggestDraftTags(ctx, it.Text, who)
			if err != nil {
				return nil, fmt.Errorf("suggest tags for line %d: %w", it.Line, err)
			}
			d.Dimensions = addSuggested(d.Dimensions, dims)
			d.Themes = addSuggested(d.Themes, themes)
		}
		out = append(out, d)
	}
	return out, nil
}

// addSuggested appends the suggestions the report did not give.
func addSuggested(tags, suggested []corpus.DraftTag) []corpus.DraftTag {
	have := map[string]bool{}
	for _, t := range tags {
		have[t.Code] = true
	}
	for _, t := range suggested {
		if !have[t.Code] {
			tags = append(tags, t)
			have[t.Code] = true
		}
	}
	return tags
}

// named is the longest Chinese label or alias of code that text holds: the
// word of a caption or heading that gave the tag; nil when none does (the
// 2025 layout places by number).
func named(vals []corpus.Value, code, text string) []string {
	word := ""
	for _, v := range vals {
		if v.Code != code {
			continue
		}
		for _, n := range append([]string{v.ZH}, v.AliasesZH...) {
			if n != "" && strings.Contains(text, n) && len(n) > len(word) {
				word = n
			}
		}
	}
	if word == "" {
		return nil
	}
	return []string{word}
}

// hintZH puts a caption's or heading's reason ("caption names 战略层面")
// in Chinese.
var hintZH = strings.NewReplacer("caption names ", "表题点名", "heading names ", "标题点名", "; ", "；")
