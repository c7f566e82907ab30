package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"casebank/corpus"
	"casebank/corpus/tagger"
	"casebank/index"
	"casebank/index/bleveengine"
)

type evalCommand struct {
	stdout, stderr io.Writer
}

// Run scores search on the embedded relevance suite against the embedded
// corpus (in a temporary data directory, so the judgments' ids exist), next
// to a plain bleve baseline.
func (c *evalCommand) Run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	asJSON := fs.Bool("json", false, "print the evaluation as JSON")
	quiet := fs.Bool("summary", false, "print only the summary table")
	tags := fs.Bool("tags", false, "measure the tag suggester instead, leave-one-out over the corpus")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "casebank-eval-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	d, err := openData(ctx, filepath.Join(dir, "data"), newLogger(io.Discard))
	if err != nil {
		return err
	}
	defer d.Close()
	if *tags {
		cases, err := d.store.FindCases(ctx, corpus.Filter{})
		if err != nil {
			return err
		}
		tax, err := d.store.Taxonomy()
		if err != nil {
			return err
		}
		gloss, err := d.store.Glossary()
		if err != nil {
			return err
		}
		banks, err := d.store.FindBanks(ctx)
		if err != nil {
			return err
		}
		ev := tagger.Evaluate(cases, tax, gloss, banks)
		if *asJSON {
			return json.NewEncoder(c.stdout).Encode(ev)
		}
		fmt.Fprintf(c.stdout, "leave-one-out over %d cases (each case's tags hidden, suggested from the other cases)\n", ev.Cases)
		fmt.Fprintf(c.stdout, "dimension top-1 in the case's dimensions  %.3f\n", ev.DimensionTop1)
		fmt.Fprintf(c.stdout, "dimension top-1 = the case's main one      %.3f\n", ev.DimensionMain)
		fmt.Fprintf(c.stdout, "theme precision / recall / F1              %.3f / %.3f / %.3f\n", ev.ThemePrecision, ev.ThemeRecall, ev.ThemeF1)
		fmt.Fprintf(c.stdout, "bank type from the text alone              %.3f\n", ev.BankTypeFromTxt)
		fmt.Fprintf(c.stdout, "  the same without the registry's names    %.3f\n", ev.BankTypeNoReg)
		fmt.Fprintf(c.stdout, "English drafts (title + summary): dimension top-1 %.3f, theme precision %.3f, recall %.3f\n", ev.EnglishDimTop1, ev.EnglishThemeP, ev.EnglishThemeR)
		return nil
	}
	queries, err := index.JudgedQueries()
	if err != nil {
		return err
	}
	ours, err := index.Evaluate(ctx, d.index.Ranker(), queries)
	if err != nil {
		return err
	}
	cases, err := d.store.FindCases(ctx, corpus.Filter{})
	if err != nil {
		return err
	}
	baseRank, closeBase, err := bleveengine.BaselineRanker(cases)
	if err != nil {
		return err
	}
	defer closeBase()
	base, err := index.Evaluate(ctx, baseRank, queries)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"casebank": ours, "baseline": base})
	}
	if !*quiet {
		fmt.Fprintf(c.stdout, "%-6s %-5s %6s %6s %6s  %-44s %s\n", "id", "lang", "nDCG", "recall", "base", "query", "missed filters")
		for i, q := range ours.Queries {
			fmt.Fprintf(c.stdout, "%-6s %-5s %6.3f %6.3f %6.3f  %s %s\n", q.ID, q.Lang, q.NDCG, q.Recall, base.Queries[i].NDCG,
				pad(q.Q, 44), strings.Join(q.MissedFilters, ","))
		}
		fmt.Fprintln(c.stdout)
	}
	fmt.Fprintf(c.stdout, "%-8s %8s %11s %10s %13s %13s %9s\n", "lang", "queries", "nDCG@10", "recall@10", "base nDCG@10", "base recall", "no hits")
	for _, lang := range []string{"en", "zh", "mixed", "all"} {
		m, b := ours.ByLang[lang], base.ByLang[lang]
		if lang == "all" {
			m, b = ours.Overall, base.Overall
		}
		fmt.Fprintf(c.stdout, "%-8s %8d %11.3f %10.3f %13.3f %13.3f %9d\n", lang, m.Queries, m.NDCG, m.Recall, b.NDCG, b.Recall, m.NoHits)
	}
	fmt.Fprintf(c.stdout, "filters inferred: %d of %d queries that imply one\n", ours.Overall.FiltersFound, ours.Overall.FilterQueries)
	return nil
}
