package app

import (
	"bytes"
	"context"
	"io"
	"math"
	"slices"

	"casebank/corpus"
	"casebank/corpus/report"
	"casebank/corpus/tagger"
)

// ImportDrafts stores the items of a report as drafts for review, with the
// tagger's suggestions. Drafts are not searched; the index still follows
// the log past their entries, so that no lag is reported for them.
func (s *Service) ImportDrafts(ctx context.Context, r io.Reader, by string) (*report.Summary, *corpus.DraftsResult, error) {
	var sg report.Suggester
	if s.tags != nil {
		sg = DraftTagger(s.tags)
	}
	sum, res, err := report.ImportDrafts(ctx, s.store, sg, r, by)
	if err == nil && res.Created+res.Updated > 0 {
		s.settle(ctx)
	}
	return sum, res, err
}

// Drafts lists the drafts of one status, "" for all.
func (s *Service) Drafts(ctx context.Context, status string) ([]*corpus.Draft, error) {
	return s.store.Drafts(ctx, status)
}

// Draft returns one draft.
func (s *Service) Draft(ctx context.Context, id uint64) (*corpus.Draft, error) {
	return s.store.Draft(ctx, id)
}

// PublishDraft makes c, the reviewed record of draft id, an ordinary case
// whose history says it came from the draft; the index then takes it.
func (s *Service) PublishDraft(ctx context.Context, id uint64, c *corpus.Case, by string) (*corpus.Case, Searchable, error) {
	created, err := s.store.PublishDraft(ctx, id, c, by)
	if err != nil {
		return nil, Searchable{}, err
	}
	return created, s.settle(ctx), nil
}

// RejectDraft marks draft id rejected.
func (s *Service) RejectDraft(ctx context.Context, id uint64, by string) error {
	if err := s.store.RejectDraft(ctx, id, by); err != nil {
		return err
	}
	s.settle(ctx)
	return nil
}

// KnowsLayout reports whether a known layout (not the generic reading)
// reads the report text.
func (s *Service) KnowsLayout(ctx context.Context, text []byte) (bool, error) {
	banks, err := s.store.FindBanks(ctx)
	if err != nil {
		return false, err
	}
	_, generic := report.Detect(text, banks, nil).(report.Generic)
	return !generic, nil
}

// CheckDrafts reads report text as ImportDrafts would, writing nothing:
// the refusal it would give (a text with no table row or headed section
// naming a bank), else how many drafts it holds.
func (s *Service) CheckDrafts(ctx context.Context, text []byte) (items int, err error) {
	banks, err := s.store.FindBanks(ctx)
	if err != nil {
		return 0, err
	}
	tax, err := s.store.Taxonomy()
	if err != nil {
		return 0, err
	}
	rep, err := report.Detect(text, banks, tax).Parse(bytes.NewReader(text))
	if err != nil {
		return 0, err
	}
	return len(rep.Items), nil
}

// ReviewBank settles a bank the drafts propose: mapped to a registry bank
// or registered as new. The registry changes, so the index settles.
func (s *Service) ReviewBank(ctx context.Context, proposed string, rv corpus.BankReview, by string) (*corpus.BankReviewResult, Searchable, error) {
	res, err := s.store.ReviewBank(ctx, proposed, rv, by)
	if err != nil {
		return nil, Searchable{}, err
	}
	return res, s.settle(ctx), nil
}

// DraftTagger adapts the tagger to what the report's drafts ask of one.
func DraftTagger(sg *tagger.Suggester) report.Suggester { return draftTagger{sg} }

type draftTagger struct{ sg *tagger.Suggester }

func (t draftTagger) SuggestDraftTags(ctx context.Context, text, bank string) (dims, themes []corpus.DraftTag, err error) {
	if r := []rune(text); len(r) >= tagger.MaxDraftRunes {
		text = string(r[:tagger.MaxDraftRunes-1])
	}
	s, err := t.sg.Suggest(ctx, tagger.Draft{Text: text, Bank: bank})
	if err != nil {
		return nil, nil, err
	}
	return draftTags(s.Dimensions), draftTags(s.Themes), nil
}

func draftTags(ss []tagger.Suggestion) []corpus.DraftTag {
	out := make([]corpus.DraftTag, len(ss))
	for i, s := range ss {
		// Rounded: retrainings differ in the last digits, and a re-import
		// must find the draft the same.
		out[i] = corpus.DraftTag{Code: s.Code, Score: math.Round(s.Score*1000) / 1000, Source: s.Source, Reason: s.Reason, ReasonZH: s.ReasonZH, Words: evidence(s)}
	}
	return out
}

// evidence is the words of the text behind a suggestion, the most telling
// first: the named technologies, the codebook's words, the learned ones.
func evidence(s tagger.Suggestion) []string {
	var out []string
	for _, w := range slices.Concat(s.Terms, s.Matched, s.Evidence) {
		if len(out) == 5 {
			break
		}
		if !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}
