package report

import (
	"context"
	"fmt"
	"io"

	"casebank/corpus"
)

// Store is what Import reads and where it writes: *boltdb.Store is one.
type Store interface {
	FindBanks(ctx context.Context) ([]*corpus.Bank, error)
	FindCases(ctx context.Context, f corpus.Filter) ([]*corpus.Case, error)
	// ApplyImport checks every step and writes them all or none.
	ApplyImport(ctx context.Context, steps []corpus.ImportStep, opts corpus.ImportOptions) (*corpus.ImportResult, error)
	// CheckImport runs ApplyImport's checks, writing nothing.
	CheckImport(ctx context.Context, steps []corpus.ImportStep) error
}

// Import parses report text and merges each case-shaped item into the case
// with the same source key, attaching the report's text as the excerpt;
// items without a curated case become new cases. Importing the same report
// again changes nothing. A report with any bad item is refused whole,
// naming its lines, and nothing is stored.
func Import(ctx context.Context, st Store, r io.Reader, opts corpus.ImportOptions) (*corpus.ImportResult, error) {
	steps, err := plan(ctx, st, r)
	if err != nil {
		return nil, err
	}
	return st.ApplyImport(ctx, steps, opts)
}

// Check reads and plans report text as Import does and has the store check
// the plan, writing nothing: the refusal Import would give now. steps is
// how many items the import would take (what its progress counts to).
func Check(ctx context.Context, st Store, r io.Reader) (steps int, err error) {
	plan, err := plan(ctx, st, r)
	if err != nil {
		return 0, err
	}
	return len(plan), st.CheckImport(ctx, plan)
}

// plan parses r and plans its import against the store as it is now.
func plan(ctx context.Context, st Store, r io.Reader) ([]corpus.ImportStep, error) {
	rep, err := Parse(r)
	if err != nil {
		return nil, err
	}
	// The 2025 layout's numbers mean nothing in another edition: its
	// cases would be misplaced. Such an edition is read by shape, as
	// drafts for review.
	if rep.Year != 2025 {
		return nil, corpus.Errorf(corpus.EINVALID, "report: the %d edition is in no layout casebank knows; import it as drafts to review (casebank import FILE)", rep.Year)
	}
	banks, err := st.FindBanks(ctx)
	if err != nil {
		return nil, err
	}
	existing, err := st.FindCases(ctx, corpus.Filter{})
	if err != nil {
		return nil, err
	}
	return Plan(rep, banks, existing), nil
}

// Plan decides each item's write, in memory: the case with the item's
// source key takes its text as the excerpt (or is left as it is when it
// has it already), and an item no case covers becomes the case its layout
// drafts. A bank the registry lacks is guessed from its name and created
// first. Later items see the banks and cases of earlier ones. A merged case
// keeps the version read, so that a case changed meanwhile refuses the
// import.
func Plan(rep *Report, banks []*corpus.Bank, existing []*corpus.Case) []corpus.ImportStep {
	names := corpus.BanksByName(banks)
	byKey := map[string]*corpus.Case{}
	for _, c := range existing {
		byKey[c.SourceKey()] = c
	}
	title := rep.Title
	if title == "" {
		title = fmt.Sprintf("研究报告（%d）", rep.Year)
	}
	steps := make([]corpus.ImportStep, 0, len(rep.Items))
	for _, it := range rep.Items {
		st := corpus.ImportStep{Line: it.Line, Where: it.Where()}
		bank, known := names[corpus.NormalizeBankName(it.Bank)]
		if !known {
			b := corpus.GuessBank(it.Bank, banks)
			bank, st.NewBank = &b, &b
			banks = append(banks, bank)
			names = corpus.BanksByName(banks)
		}
		key := corpus.SourceKey(it.Year, it.Where(), bank.ID, it.Part)
		if c, ok := byKey[key]; ok && c.Source.Excerpt == it.Text {
			st.Action, st.Case = corpus.ImportSame, c
		} else if ok {
			merged := *c
			merged.Source.Excerpt = it.Text
			st.Action, st.Case = corpus.ImportMerge, &merged
		} else {
			st.Action, st.Case = corpus.ImportCreate, rep.Layout.Draft(it, bank, title)
		}
		byKey[key] = st.Case
		steps = append(steps, st)
	}
	return steps
}
