package index

import (
	"container/list"
	"strconv"
	"strings"
	"sync"

	"casebank/corpus"
)

// resultCache keeps the answers to recent searches. Its keys carry the
// index generation, which every applied change advances, so an entry can
// never outlive the data it was computed from; old ones simply age out.
type resultCache struct {
	mu    sync.Mutex
	max   int
	order *list.List // front: most recently used
	items map[string]*list.Element
}

type cacheEntry struct {
	key string
	res *Result
}

// cacheSize bounds the number of cached answers (each some tens of KB).
const cacheSize = 512

func newResultCache(max int) *resultCache {
	return &resultCache{max: max, order: list.New(), items: map[string]*list.Element{}}
}

func cacheKey(gen uint64, req Request, page, size int) string {
	// Every part is length-prefixed, so no text can pass for another key.
	var b strings.Builder
	str := func(x string) {
		b.WriteString(strconv.Itoa(len(x)))
		b.WriteByte(':')
		b.WriteString(x)
	}
	list := func(xs []string) {
		str(strconv.Itoa(len(xs)))
		for _, x := range xs {
			str(x)
		}
	}
	str(strconv.FormatUint(gen, 10))
	str(req.Text)
	// Every facet of the table, in its order, so none can be forgotten.
	for _, facet := range corpus.Facets {
		list(req.Filter[facet.Name])
	}
	list(req.NoInferFields)
	str(strconv.Itoa(page))
	str(strconv.Itoa(size))
	str(strconv.FormatBool(req.NoInfer))
	str(req.Sort)
	return b.String()
}

func (c *resultCache) get(key string) (*Result, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*cacheEntry).res, true
}

func (c *resultCache) put(key string, res *Result) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		el.Value.(*cacheEntry).res = res
		c.order.MoveToFront(el)
		return
	}
	c.items[key] = c.order.PushFront(&cacheEntry{key, res})
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(*cacheEntry).key)
	}
}
