package bleveengine

import (
	"context"
	"sync"

	bleveindex "github.com/blevesearch/bleve_index_api"

	"casebank/index"
)

// knownTerms remembers which terms the index holds in which fields, for one
// generation of the index: an English word expands through the glossary to
// a dozen Chinese terms searched in a dozen fields, and on the embedded
// corpus two of three such (field, term) pairs are in no record.
type knownTerms struct {
	mu  sync.Mutex
	gen uint64
	m   map[fieldTerm]uint64 // documents holding the term in the field
}

type fieldTerm struct{ field, term string }

// maxKnownTerms bounds the memory: past it the map starts again.
const maxKnownTerms = 200_000

func (k *knownTerms) lookup(gen uint64, key fieldTerm) (df uint64, ok bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.gen != gen {
		k.gen, k.m = gen, nil
	}
	df, ok = k.m[key]
	return df, ok
}

func (k *knownTerms) store(gen uint64, key fieldTerm, df uint64) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.gen != gen {
		return // the index changed while we looked
	}
	if k.m == nil || len(k.m) >= maxKnownTerms {
		k.m = make(map[fieldTerm]uint64, 1024)
	}
	k.m[key] = df
}

// hasTerm returns the check compile prunes absent terms with, and a
// function that releases the reader it may open and reports whether the
// query asked more than index.MaxTermSearchers times: the look-ups are
// bounded as the searchers were. The generation is read before the reader
// is opened: a batch advances it after it is applied, so what the reader
// sees is at least that generation's.
func (e *Engine) hasTerm(ctx context.Context) (has hasTerm, release func() (tooMany bool)) {
	gen := e.gen.Load()
	var r bleveindex.IndexReader
	var failed bool
	asked := 0
	has = func(field, term string) bool {
		if asked++; asked > index.MaxTermSearchers {
			return false // the query is refused: build nothing more
		}
		if df, ok := e.known.lookup(gen, fieldTerm{field, term}); ok {
			return df > 0 // no reader opened for a query seen before
		}
		if r == nil && !failed {
			var err error
			if r, err = e.reader(); err != nil {
				failed = true
			}
		}
		if failed {
			return true // the search itself reports the error
		}
		df, ok := e.docFreq(ctx, r, gen, field, term)
		if !ok {
			failed = true
			return true
		}
		return df > 0
	}
	return has, func() bool {
		if r != nil {
			r.Close()
		}
		return asked > index.MaxTermSearchers
	}
}

// docFreq is how many records hold term in field, read through r once per
// index generation; ok is false when the index could not tell.
func (e *Engine) docFreq(ctx context.Context, r bleveindex.IndexReader, gen uint64, field, term string) (df uint64, ok bool) {
	key := fieldTerm{field, term}
	if df, ok := e.known.lookup(gen, key); ok {
		return df, true
	}
	if df, ok = lookUp(ctx, r, field, term); ok {
		e.known.store(gen, key, df)
	}
	return df, ok
}

// lookUp counts the records holding term in field; ok is false when the
// index could not tell. A damaged segment may panic: the search that
// follows reads it again, through the path that detects and repairs it.
func lookUp(ctx context.Context, r bleveindex.IndexReader, field, term string) (df uint64, ok bool) {
	defer func() {
		if recover() != nil {
			df, ok = 0, false
		}
	}()
	tfr, err := r.TermFieldReader(ctx, []byte(term), field, false, false, false)
	if err != nil {
		return 0, false
	}
	defer tfr.Close()
	return tfr.Count(), true
}
