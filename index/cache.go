package index

import (
	"container/list"
	"strconv"
	"strings"
	"sync"

	"casebank/corpus"
)

// lruCache keeps the answers to recent searches (and the similar cases of
// recently viewed cases). Its keys carry the index generation, which every
// applied change advances, so an entry can never outlive the data it was
// computed from; old ones simply age out. Values are shared: callers must
// not change them.
type lruCache[V any] struct {
	mu    sync.Mutex
	max   int
	order *list.List // front: most recently used
	items map[string]*list.Element
}

type cacheEntry[V any] struct {
	key string
	val V
}

// cacheSize bounds the number of cached answers (each some tens of KB).
const cacheSize = 512

func newLRU[V any](max int) *lruCache[V] {
	return &lruCache[V]{max: max, order: list.New(), items: map[string]*list.Element{}}
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

func (c *lruCache[V]) get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		var zero V
		return zero, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*cacheEntry[V]).val, true
}

func (c *lruCache[V]) put(key string, val V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		el.Value.(*cacheEntry[V]).val = val
		c.order.MoveToFront(el)
		return
	}
	c.items[key] = c.order.PushFront(&cacheEntry[V]{key, val})
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(*cacheEntry[V]).key)
	}
}
