package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"

	"casebank/corpus"
)

// gen writes a synthetic corpus as JSONL: the default corpus's banks, then
// n generated cases. Import it with casebank import.
func (c *cli) gen(ctx context.Context, args []string) error {
	fs := newFlagSet("gen", "", "  writes the default corpus's banks and --n synthetic cases as JSONL, for load and crash tests", c.stderr)
	n := fs.Int("n", 1000, "number of cases")
	seed := fs.Uint64("seed", 1, "random seed; the same seed gives the same cases")
	out := fs.String("o", "", "write to this file instead of standard output")
	if err := parseOperands(fs, args, 0); err != nil {
		return err
	}
	if *n < 0 {
		fmt.Fprintln(c.stderr, "gen: --n must not be negative")
		return errUsage
	}
	base, err := corpus.DefaultCorpus()
	if err != nil {
		return err
	}
	w, finish, err := createOutput(*out, c.stdout)
	if err != nil {
		return err
	}
	return finish(writeGenerated(w, base, *n, *seed))
}

// writeGenerated writes the base corpus's banks, then n generated cases.
func writeGenerated(w io.Writer, base *corpus.Corpus, n int, seed uint64) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for _, b := range base.Banks {
		line := *b
		line.Kind = corpus.KindBank
		if err := enc.Encode(&line); err != nil {
			return err
		}
	}
	for _, cs := range corpus.Generate(base, n, seed) {
		if err := enc.Encode(cs); err != nil {
			return err
		}
	}
	return bw.Flush()
}
