package index

import (
	"fmt"
	"html"
	"sort"

	"github.com/blevesearch/bleve/v2/registry"
	"github.com/blevesearch/bleve/v2/search/highlight"
	simpleFragmenter "github.com/blevesearch/bleve/v2/search/highlight/fragmenter/simple"
	simpleHighlighter "github.com/blevesearch/bleve/v2/search/highlight/highlighter/simple"
)

// highlightStyle names our highlighter in bleve's registry.
const highlightStyle = "casebank_mark"

// markFormatter wraps matches in <mark> and escapes all text. Unlike bleve's
// html formatter it merges overlapping and touching matches, so that the
// overlapping CJK bigrams 城商+商行 show as one <mark>城商行</mark>.
type markFormatter struct{}

func (markFormatter) Format(f *highlight.Fragment, locs highlight.TermLocations) string {
	type span struct{ start, end int }
	var spans []span
	for _, l := range locs {
		if l == nil || !l.ArrayPositions.Equals(f.ArrayPositions) || l.Start < f.Start || l.End > f.End || l.End <= l.Start {
			continue
		}
		spans = append(spans, span{l.Start, l.End})
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	var merged []span
	for _, s := range spans {
		if n := len(merged); n > 0 && s.start <= merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, s.end)
			continue
		}
		merged = append(merged, s)
	}
	out := ""
	curr := f.Start
	for _, s := range merged {
		out += html.EscapeString(string(f.Orig[curr:s.start])) + "<mark>" + html.EscapeString(string(f.Orig[s.start:s.end])) + "</mark>"
		curr = s.end
	}
	return out + html.EscapeString(string(f.Orig[curr:f.End]))
}

func init() {
	err := registry.RegisterHighlighter(highlightStyle, func(config map[string]any, cache *registry.Cache) (highlight.Highlighter, error) {
		fragmenter, err := cache.FragmenterNamed(simpleFragmenter.Name)
		if err != nil {
			return nil, fmt.Errorf("highlighter: %w", err)
		}
		return simpleHighlighter.NewHighlighter(fragmenter, markFormatter{}, " … "), nil
	})
	if err != nil {
		panic(err)
	}
}
