package bleveengine

import (
	"context"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2"

	"casebank/corpus"
	"casebank/index"
)

// BaselineRanker indexes the cases in a plain in-memory bleve index with
// default settings (standard analyzer, every field in _all) and answers with
// a default match query: what bleve does with no understanding.
func BaselineRanker(cases []*corpus.Case) (index.Ranker, func() error, error) {
	b, err := bleve.NewMemOnly(bleve.NewIndexMapping())
	if err != nil {
		return nil, nil, err
	}
	batch := b.NewBatch()
	for _, c := range cases {
		doc := map[string]any{
			"title_zh": c.Title.ZH, "title_en": c.Title.EN, "summary_zh": c.Summary.ZH, "summary_en": c.Summary.EN,
			"body": c.Body, "outcome": c.Outcome, "bank": c.Bank.Name, "bank_en": c.Bank.NameEN,
			"names": strings.Join(slices.Concat(c.Products, c.Technologies, c.Partners), " "),
		}
		if err := batch.Index(c.ID, doc); err != nil {
			return nil, nil, err
		}
	}
	if err := b.Batch(batch); err != nil {
		return nil, nil, err
	}
	rank := func(ctx context.Context, q string) (index.Ranked, error) {
		sr := bleve.NewSearchRequestOptions(bleve.NewMatchQuery(q), 10, 0, false)
		res, err := b.SearchInContext(ctx, sr)
		if err != nil {
			return index.Ranked{}, err
		}
		ids := make([]string, len(res.Hits))
		for i, h := range res.Hits {
			ids[i] = h.ID
		}
		return index.Ranked{IDs: ids}, nil
	}
	return rank, b.Close, nil
}
