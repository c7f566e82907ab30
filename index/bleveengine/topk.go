package bleveengine

import (
	"slices"
	"sort"

	"casebank/index"
)

type scored struct {
	id    string
	score float64
	kind  string
	cover int    // concepts covered
	unmet uint64 // inferred filters not met, a bit per plan filter
	// missed: implied filters not met, which put no record outside
	missed uint64
}

func (s scored) export() index.Scored {
	out := index.Scored{ID: s.id, Kind: s.kind, Score: s.score}
	for i := range 64 {
		if s.unmet&(1<<i) != 0 {
			out.Unmet = append(out.Unmet, i)
		}
		if s.missed&(1<<i) != 0 {
			out.Missed = append(out.Missed, i)
		}
	}
	return out
}

// topK keeps the k best hits: more concepts covered first, then higher
// score, ties by id, so that pages are stable whatever order the segments
// hold the records in.
type topK struct {
	k int
	h []scored
}

func worse(a, b scored) bool {
	if a.cover != b.cover {
		return a.cover < b.cover
	}
	if a.score != b.score {
		return a.score < b.score
	}
	return a.id > b.id
}

// accepts reports whether s would be kept.
func (t *topK) accepts(s scored) bool {
	return t.k > 0 && (len(t.h) < t.k || worse(t.h[0], s))
}

func (t *topK) push(s scored) {
	if len(t.h) == t.k {
		t.h[0] = s
		t.down(0)
		return
	}
	t.h = append(t.h, s)
	t.up(len(t.h) - 1)
}

// The heap's root is the worst hit kept.
func (t *topK) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !worse(t.h[i], t.h[p]) {
			return
		}
		t.h[i], t.h[p] = t.h[p], t.h[i]
		i = p
	}
}

func (t *topK) down(i int) {
	for {
		l, m := 2*i+1, i
		if l < len(t.h) && worse(t.h[l], t.h[m]) {
			m = l
		}
		if r := l + 1; r < len(t.h) && worse(t.h[r], t.h[m]) {
			m = r
		}
		if m == i {
			return
		}
		t.h[i], t.h[m] = t.h[m], t.h[i]
		i = m
	}
}

func (t *topK) sorted() []scored {
	out := slices.Clone(t.h)
	sort.Slice(out, func(i, j int) bool { return worse(out[j], out[i]) })
	return out
}

// dedupe keeps the best entry of each id (a record pushed twice).
func (t *topK) dedupe() {
	best := make(map[string]int, len(t.h))
	out := t.h[:0]
	for _, s := range t.sorted() {
		if _, seen := best[s.id]; !seen {
			best[s.id] = len(out)
			out = append(out, s)
		}
	}
	t.h = out
	// Sorted best first is not a heap of worst first: rebuild it.
	for i := len(t.h)/2 - 1; i >= 0; i-- {
		t.down(i)
	}
}
