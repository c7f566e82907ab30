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
	m   map[fieldTerm]bool
}

type fieldTerm struct{ field, term string }

// maxKnownTerms bounds the memory: past it the map starts again.
const maxKnownTerms = 200_000

func (k *knownTerms) lookup(gen uint64, key fieldTerm) (has, ok bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.gen != gen {
		k.gen, k.m = gen, nil
	}
	has, ok = k.m[key]
	return has, ok
}

func (k *knownTerms) store(gen uint64, key fieldTerm, has bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.gen != gen {
		return // the index changed while we looked
	}
	if k.m == nil || len(k.m) >= maxKnownTerms {
		k.m = make(map[fieldTerm]bool, 1024)
	}
	k.m[key] = has
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
		key := fieldTerm{field, term}
		if v, ok := e.known.lookup(gen, key); ok {
			return v
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
		found, ok := lookUp(ctx, r, field, term)
		if !ok {
			failed = true
			return true
		}
		e.known.store(gen, key, found)
		return found
	}
	return has, func() bool {
		if r != nil {
			r.Close()
		}
		return asked > index.MaxTermSearchers
	}
}

// lookUp reports whether some record holds term in field; ok is false when
// the index could not tell. A damaged segment may panic: the search that
// follows reads it again, through the path that detects and repairs it.
func lookUp(ctx context.Context, r bleveindex.IndexReader, field, term string) (found, ok bool) {
	defer func() {
		if recover() != nil {
			found, ok = false, false
		}
	}()
	tfr, err := r.TermFieldReader(ctx, []byte(term), field, false, false, false)
	if err != nil {
		return false, false
	}
	defer tfr.Close()
	return tfr.Count() > 0, true
}
