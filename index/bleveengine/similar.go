package bleveengine

import (
	"context"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"casebank/corpus"
	"casebank/index"
)

// Similar returns the n records most like l's: one bleve query that
// requires the kind, wants one of the values or words, and leaves the case
// itself out; ties by id.
func (e *Engine) Similar(ctx context.Context, l *index.Like, n int) ([]index.Scored, error) {
	var should []query.Query
	for _, v := range l.Values {
		q := bleve.NewTermQuery(v.Value)
		q.SetField(v.Facet)
		q.SetBoost(v.Weight)
		should = append(should, q)
	}
	for _, a := range l.Text {
		for _, fw := range a.Fields {
			should = append(should, fieldQuery(a, fw))
		}
	}
	kind := bleve.NewTermQuery(l.Kind)
	kind.SetField(corpus.FacetKind)
	bq := bleve.NewBooleanQuery()
	bq.AddMust(kind)
	bq.AddShould(should...)
	bq.SetMinShould(1)
	bq.AddMustNot(bleve.NewDocIDQuery([]string{l.ID}))
	sr := bleve.NewSearchRequestOptions(bq, n, 0, false)
	sr.SortBy([]string{"-_score", "_id"})
	bctx, cancel := budgeted(ctx)
	defer cancel()
	res, err := e.bleve.SearchInContext(bctx, sr)
	if err != nil {
		return nil, budgetError(ctx, err)
	}
	out := make([]index.Scored, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = index.Scored{ID: h.ID, Score: h.Score}
	}
	return out, nil
}
