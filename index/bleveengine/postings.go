package bleveengine

import (
	"container/list"
	"fmt"
	"sync"

	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// plist is one term's postings in one segment, decoded: the local
// documents holding it, in order, and bleve's tf × norm for each.
type plist struct {
	docs []uint32
	tfn  []float64
}

func (p *plist) size() int { return plistSize(len(p.docs)) }

// plistSize is the bytes a list of n postings takes.
func plistSize(n int) int { return 64 + 12*n }

// wordList is the documents of one segment holding every term of a word
// (a Chinese word's bigrams in one field), with each term's tf × norm
// there, the terms in the order the word is scored in: its shortest
// postings first.
type wordList struct {
	order []int // term positions of the word, shortest postings first
	docs  []uint32
	tfn   [][]float64 // per term of order
}

func (w *wordList) size() int { return 64 + len(w.docs)*(4+8*len(w.tfn)) }

type cached interface{ size() int }

// postingsCache keeps decoded postings of recently searched terms per
// segment, bounded by bytes. Segments never change, so an entry stays
// true until its segment is merged away.
type postingsCache struct {
	mu    sync.Mutex
	max   int
	bytes int
	order *list.List // front: most recently used
	items map[pkey]*list.Element
}

type pkey struct {
	seg         segment.Segment
	field, term string
	word        bool // term is a word's terms joined by NUL: a wordList
}

type pentry struct {
	key pkey
	val cached
}

// postingsBytes bounds the decoded postings kept: at 100,000 cases the
// frequent terms of a few hundred queries.
const postingsBytes = 96 << 20

func newPostingsCache(max int) *postingsCache {
	return &postingsCache{max: max, order: list.New(), items: map[pkey]*list.Element{}}
}

var noPostings = &plist{}

// get returns term's postings in field of seg.
func (c *postingsCache) get(seg segment.Segment, field, term string) (*plist, error) {
	v, err := c.lookup(pkey{seg: seg, field: field, term: term}, func() (cached, error) {
		return decodePostings(seg, field, term)
	})
	if err != nil {
		return nil, err
	}
	return v.(*plist), nil
}

// lookup returns k's entry, made by build when it is missing.
func (c *postingsCache) lookup(k pkey, build func() (cached, error)) (cached, error) {
	c.mu.Lock()
	if el, ok := c.items[k]; ok {
		c.order.MoveToFront(el)
		c.mu.Unlock()
		return el.Value.(*pentry).val, nil
	}
	c.mu.Unlock()
	v, err := build()
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[k]; ok { // made meanwhile by another search
		return el.Value.(*pentry).val, nil
	}
	c.items[k] = c.order.PushFront(&pentry{key: k, val: v})
	c.bytes += v.size()
	for c.bytes > c.max && c.order.Len() > 1 {
		c.evict(c.order.Back())
	}
	return v, nil
}

func (c *postingsCache) evict(el *list.Element) {
	e := el.Value.(*pentry)
	c.order.Remove(el)
	delete(c.items, e.key)
	c.bytes -= e.val.size()
}

// forget drops the postings of segments that are gone.
func (c *postingsCache) forget(gone map[segment.Segment]bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for el := c.order.Front(); el != nil; {
		next := el.Next()
		if gone[el.Value.(*pentry).key.seg] {
			c.evict(el)
		}
		el = next
	}
}

func decodePostings(seg segment.Segment, field, term string) (*plist, error) {
	dict, err := seg.Dictionary(field)
	if err != nil {
		return nil, fmt.Errorf("index: dictionary of %s: %w", field, err)
	}
	pl, err := dict.PostingsList([]byte(term), nil, nil)
	if err != nil {
		return nil, fmt.Errorf("index: postings of %s:%s: %w", field, term, err)
	}
	n := pl.Count()
	if n == 0 {
		return noPostings, nil
	}
	out := &plist{docs: make([]uint32, 0, n), tfn: make([]float64, 0, n)}
	it := pl.Iterator(true, true, false, nil)
	for {
		p, err := it.Next()
		if err != nil {
			return nil, fmt.Errorf("index: postings of %s:%s: %w", field, term, err)
		}
		if p == nil {
			break
		}
		out.docs = append(out.docs, uint32(p.Number()))
		out.tfn = append(out.tfn, tf(p.Frequency())*p.Norm())
	}
	return out, nil
}
