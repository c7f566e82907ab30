package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"casebank/index"
)

// search prints the best hits of a query and how it was understood.
func (c *cli) search(ctx context.Context, args []string) error {
	fs := newFlagSet("search", "QUERY...", `  prints the best hits of QUERY (e.g. "城商行 DeepSeek"), with how it was understood`, c.stderr)
	var df dataFlags
	df.register(fs)
	size := fs.Int("n", 10, "number of hits to print")
	noInfer := fs.Bool("no-infer", false, "do not read filters from the query's words")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError(fs)
	}
	d, err := openData(ctx, df.dir, newLogger(io.Discard))
	if err != nil {
		return err
	}
	defer d.Close()
	res, err := d.index.Search(ctx, index.Request{Text: strings.Join(fs.Args(), " "), Size: *size, NoInfer: *noInfer})
	if err != nil {
		return err
	}
	bold := terminal(c.stdout) // matches in bold only on a terminal without NO_COLOR
	if res.Query.Corrected != "" {
		fmt.Fprintf(c.stdout, "showing results for %q\n", res.Query.Corrected)
	}
	for _, in := range res.Query.Inferred {
		state := ""
		if !in.Applied {
			state = " (no case has it)"
		}
		fmt.Fprintf(c.stdout, "understood %q as %s: %s / %s%s\n", in.Words, in.Field, in.Label.ZH, in.Label.EN, state)
	}
	for _, w := range res.Query.Unmatched {
		fmt.Fprintf(c.stdout, "no case mentions %q\n", w)
	}
	fmt.Fprintf(c.stdout, "%d cases", res.Total)
	if len(res.Query.Inferred) > 0 && res.Inside < res.Total {
		fmt.Fprintf(c.stdout, ", %d of them as understood", res.Inside)
	}
	if res.Query.Relaxed {
		fmt.Fprint(c.stdout, " (no case matched every word; showing cases that match some)")
	}
	fmt.Fprintln(c.stdout)
	from := uint64((res.Page - 1) * res.Size)
	for i, h := range res.Hits {
		if from+uint64(i) == res.Inside && len(res.Query.Inferred) > 0 && i > 0 {
			fmt.Fprintln(c.stdout, "\n-- other matches, outside what the query names --")
		}
		cs := h.Case
		fmt.Fprintf(c.stdout, "\n%2d. %s  [%s]\n    %s · %s %s · score %.2f\n", i+1, cs.Title.ZH, cs.ID,
			cs.Bank.Name, cs.Source.Section, cs.Source.Table, h.Score)
		if cs.Title.EN != "" {
			fmt.Fprintf(c.stdout, "    %s\n", cs.Title.EN)
		}
		for _, frag := range firstHighlights(h.Highlights, 1) {
			fmt.Fprintf(c.stdout, "    … %s\n", terminalMarks(frag, bold))
		}
	}
	if len(res.Policies) > 0 {
		fmt.Fprintf(c.stdout, "\n%d related policies:\n", res.PoliciesTotal)
		for _, h := range res.Policies {
			fmt.Fprintf(c.stdout, "  - %s  [%s]\n", h.Policy.Name, h.Policy.ID)
		}
	}
	return nil
}

func firstHighlights(hl map[string][]string, n int) []string {
	var out []string
	for _, f := range []string{"summary.zh", "body", "products", "outcome", "summary.en", "title.zh", "title.en"} {
		for _, frag := range hl[f] {
			if len(out) < n {
				out = append(out, frag)
			}
		}
	}
	return out
}

// terminalMarks shows <mark> as bold when bold is set (ANSI SGR 1), else
// drops it, and unescapes the rest for the terminal.
func terminalMarks(s string, bold bool) string {
	on, off := "", ""
	if bold {
		on, off = "\x1b[1m", "\x1b[0m"
	}
	r := strings.NewReplacer("<mark>", on, "</mark>", off, "&lt;", "<", "&gt;", ">", "&amp;", "&", "&#34;", `"`, "&#39;", "'", "&quot;", `"`)
	return r.Replace(s)
}
