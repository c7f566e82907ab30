package main

import (
	"bytes"
	"context"
	"encoding/json"
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

// eval scores search on the embedded relevance suite against the embedded
// corpus (in a temporary data directory, so the judgments' ids exist), next
// to a plain bleve baseline.
func (c *cli) eval(ctx context.Context, args []string) error {
	fs := newFlagSet("eval", "", "  scores search on the relevance suite (nDCG@10, recall@10) next to a plain bleve baseline", c.stderr)
	asJSON := fs.Bool("json", false, "print the evaluation as JSON")
	quiet := fs.Bool("summary", false, "print only the summary table")
	tags := fs.Bool("tags", false, "measure the tag suggester instead, leave-one-out over the corpus")
	set := fs.String("set", "", "list only the queries of one half: tune or heldout (tune on the one, judge on the other)")
	glossary := fs.String("glossary", "", "measure with this glossary (JSON, as GET /api/v1/glossary gives it) instead of the embedded one: try an edit before you PUT it")
	if err := parseOperands(fs, args, 0); err != nil {
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
	if *glossary != "" {
		if err := useGlossary(ctx, d, *glossary); err != nil {
			return err
		}
	}
	if *tags {
		v, err := d.vocabulary(ctx)
		if err != nil {
			return err
		}
		ev := tagger.Evaluate(v.cases, v.tax, v.gloss, v.banks)
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
	if *set != "" && *set != index.SetTune && *set != index.SetHeldOut {
		fmt.Fprintf(c.stderr, "eval: -set is tune or heldout, not %q\n", *set)
		return errUsage
	}
	if !*quiet {
		fmt.Fprintf(c.stdout, "%-6s %-5s %-7s %6s %6s %6s  %s %s\n", "id", "lang", "set", "nDCG", "recall", "base", pad("query", 44), "missed filters / no case matched")
		for i, q := range ours.Queries {
			if *set != "" && q.Set != *set {
				continue
			}
			note := strings.Join(q.MissedFilters, ",")
			if len(q.Unmatched) > 0 {
				note += " [" + strings.Join(q.Unmatched, ", ") + "]"
			}
			nd := fmt.Sprintf("%6.3f %6.3f %6.3f", q.NDCG, q.Recall, base.Queries[i].NDCG)
			if len(q.Judgments) == 0 {
				nd = fmt.Sprintf("%6s %6s %6s", "-", "-", "-") // no case answers it
			}
			fmt.Fprintf(c.stdout, "%-6s %-5s %-7s %s  %s %s\n", q.ID, q.Lang, q.Set, nd, pad(q.Q, 44), note)
		}
		fmt.Fprintln(c.stdout)
	}
	fmt.Fprintf(c.stdout, "%-16s %8s %9s %10s %13s %12s %8s %14s\n", "queries", "judged", "nDCG@10", "recall@10", "base nDCG@10", "base recall", "no hits", "empty named")
	row := func(name string, m, b index.Metrics) {
		fmt.Fprintf(c.stdout, "%-16s %8d %9.3f %10.3f %13.3f %12.3f %8d %14s\n", name, m.Queries, m.NDCG, m.Recall, b.NDCG, b.Recall, m.NoHits,
			fmt.Sprintf("%d of %d", m.EmptyNamed, m.Empty))
	}
	for _, half := range []string{index.SetTune, index.SetHeldOut} {
		for _, lang := range []string{"en", "zh", "mixed"} {
			row(half+" "+lang, ours.BySet[half+"/"+lang], base.BySet[half+"/"+lang])
		}
		row(half, ours.BySet[half], base.BySet[half])
	}
	row("all", ours.Overall, base.Overall)
	fmt.Fprintf(c.stdout, "filters inferred: %d of %d queries that imply one\n", ours.Overall.FiltersFound, ours.Overall.FilterQueries)
	return nil
}

// useGlossary puts the glossary of file into the evaluation's store, as an
// admin's PUT /api/v1/glossary would, and waits for the index to follow.
func useGlossary(ctx context.Context, d *data, file string) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var g corpus.Glossary
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&g); err != nil {
		return fmt.Errorf("eval: glossary %s: %w", file, err)
	}
	if err := d.store.PutGlossary(ctx, &g, "eval"); err != nil {
		return fmt.Errorf("eval: glossary %s: %w", file, err)
	}
	return d.index.Settle(ctx)
}
