package bleveengine

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2"

	"casebank/corpus"
	"casebank/index"
)

var _ index.Engine = (*Engine)(nil)

var (
	keyAppliedSeq     = []byte("casebank.applied_seq")
	keyMappingVersion = []byte("casebank.mapping_version")
	keyStoreID        = []byte("casebank.store_id")
)

// batchSize bounds the documents per bleve batch during rebuild and catch-up:
// bigger batches mean fewer segments to merge.
var batchSize = 2000 // a variable so that tests can make batches small

// rebuildWorkers is how many batches a rebuild builds at once: bleve builds
// a batch's segment on one core, and two at a time keep two cores busy.
// The batches are smaller by as much, so the heap holds no more documents.
var rebuildWorkers = min(2, runtime.GOMAXPROCS(0))

// rebuildAfter is how many changes behind the store the index may be for a
// catch-up; further behind (a large import), it is rebuilt instead.
var rebuildAfter uint64 = 10000

// Engine is a bleve index on disk.
type Engine struct {
	path string
	src  index.Source
	log  *slog.Logger

	mu sync.Mutex // serialises catch-up so that batches apply in log order
	// rebuilding lets one build at a time use the directory beside the index.
	rebuilding sync.Mutex
	bleve      liveIndex
	repair     repairState

	// gen advances with every change applied to the index.
	gen     atomic.Uint64
	columns *columns
	// postings holds decoded postings for term-at-a-time search.
	postings *postingsCache
	// bleveSearch runs searches with bleve's searchers (tests compare).
	bleveSearch bool
	known       knownTerms // which terms the index holds, for this gen
}

// New returns an engine keeping its index under dir; Open opens it.
func New(dir string) *Engine {
	e := &Engine{path: filepath.Join(dir, "index.bleve"), log: slog.New(slog.DiscardHandler), columns: newColumns(),
		postings: newPostingsCache(postingsBytes)}
	e.columns.gone = e.postings.forget
	e.bleve.e = e
	return e
}

// Open opens the index, rebuilding it from src when it is missing,
// unreadable, damaged, of another mapping version or not the store's, then
// catches it up.
func (e *Engine) Open(ctx context.Context, src index.Source, logger *slog.Logger) error {
	e.src = src
	if logger != nil {
		e.log = logger
	}
	e.repair.ctx, e.repair.cancel = context.WithCancel(context.Background())
	os.RemoveAll(e.path + ".rebuild") // left by a repair cut short
	b, err := bleve.Open(e.path)
	switch {
	case errors.Is(err, bleve.ErrorIndexPathDoesNotExist):
		e.log.Info("index missing; building it from the store", "path", e.path)
		err = e.rebuild(ctx)
	case err != nil:
		e.log.Warn("index unreadable; rebuilding it from the store", "path", e.path, "err", err)
		err = e.rebuild(ctx)
	default:
		if v, _ := b.GetInternal(keyMappingVersion); string(v) != MappingVersion {
			e.log.Info("index mapping changed; rebuilding it from the store", "have", string(v), "want", MappingVersion)
			b.Close()
			err = e.rebuild(ctx)
		} else if why := e.unusable(b); why != "" {
			e.log.Warn("index "+why+"; rebuilding it from the store", "path", e.path)
			b.Close()
			err = e.rebuild(ctx)
		} else {
			e.bleve.set(b)
		}
	}
	if err != nil {
		e.repair.cancel()
		return err
	}
	if err := e.CatchUp(ctx); err != nil {
		e.Close()
		return err
	}
	// Read the facet columns now rather than in the first user's search:
	// at 100,000 cases that is a fifth of a second.
	if err := e.warm(); err != nil {
		e.Close()
		return err
	}
	return nil
}

// unusable says why an opened index of the current mapping cannot serve
// the store, or "".
func (e *Engine) unusable(b bleve.Index) string {
	// An index of another store, or of this store's own later state (an
	// older backup copied over the store file): its documents and applied
	// sequence are not the store's, and new writes would be skipped as
	// already applied.
	storeID := e.src.StoreID()
	last, err := e.src.LastSeq()
	if err != nil {
		return fmt.Sprintf("not checked against the store (%v)", err)
	}
	applied, err := appliedSeq(b)
	if err != nil {
		return err.Error()
	}
	switch id, _ := b.GetInternal(keyStoreID); {
	case id == nil && applied <= last:
		// Built before indexes recorded their store: adopt it.
		if err := b.SetInternal(keyStoreID, []byte(storeID)); err != nil {
			return fmt.Sprintf("store id not recorded (%v)", err)
		}
	case id != nil && string(id) != storeID:
		return fmt.Sprintf("belongs to another store (index store %s, store %s)", id, storeID)
	case applied > last:
		return fmt.Sprintf("is ahead of the store's log (index at seq %d, store at %d; was an older store copied in?)", applied, last)
	}
	if err := verifySegments(b); err != nil {
		return fmt.Sprintf("damaged (%v)", err)
	}
	return ""
}

func (e *Engine) warm() error {
	r, err := e.reader()
	if err != nil {
		return err
	}
	defer r.Close()
	_, err = e.columns.view(r)
	return err
}

// Close stops a repair and closes the bleve index; a second call does nothing.
func (e *Engine) Close() error {
	e.stopRepair()
	e.mu.Lock()
	defer e.mu.Unlock()
	if b := e.bleve.take(); b != nil {
		return b.Close()
	}
	return nil
}

// Rebuild discards the index and builds it again from the source.
func (e *Engine) Rebuild(ctx context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if b := e.bleve.take(); b != nil {
		b.Close()
	}
	return e.rebuild(ctx)
}

func (e *Engine) rebuild(ctx context.Context) error {
	b, err := e.build(ctx, e.path)
	if err != nil {
		return err
	}
	e.bleve.set(b)
	e.gen.Add(1)
	return nil
}

// build writes a new index of the source's records at path.
func (e *Engine) build(ctx context.Context, path string) (bleve.Index, error) {
	if err := os.RemoveAll(path); err != nil {
		return nil, fmt.Errorf("index: remove %s: %w", path, err)
	}
	b, err := bleve.New(path, buildMapping())
	if err != nil {
		return nil, fmt.Errorf("index: create %s: %w", path, err)
	}
	kinds := map[string]int{}
	// A worker that fails takes the remaining batches unbuilt, so that the
	// reader never blocks; its error ends the rebuild.
	full := make(chan *bleve.Batch)
	errs := make(chan error, rebuildWorkers)
	var wg sync.WaitGroup
	for range rebuildWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for batch := range full {
				if err := b.Batch(batch); err != nil {
					errs <- fmt.Errorf("index: rebuild batch: %w", err)
					for range full {
					}
					return
				}
			}
		}()
	}
	batch := b.NewBatch()
	seq, err := e.src.Documents(ctx, func(d *index.Document) error {
		kinds[d.Kind]++
		if err := batch.Index(d.ID, bleveDocument(d)); err != nil {
			return fmt.Errorf("index: %s: %w", d.ID, err)
		}
		if batch.Size() < max(1, batchSize/rebuildWorkers) {
			return nil
		}
		select {
		case full <- batch:
		case err := <-errs:
			return err
		}
		batch = b.NewBatch()
		return nil
	})
	close(full)
	wg.Wait()
	if err == nil {
		select {
		case err = <-errs:
		default:
		}
	}
	if err != nil {
		b.Close()
		return nil, err
	}
	// The version and the sequence go in last: a rebuild cut short leaves an
	// index without them, which the next Open rebuilds again.
	batch.SetInternal(keyAppliedSeq, seqBytes(seq))
	batch.SetInternal(keyStoreID, []byte(e.src.StoreID()))
	batch.SetInternal(keyMappingVersion, []byte(MappingVersion))
	if err := b.Batch(batch); err != nil {
		b.Close()
		return nil, fmt.Errorf("index: rebuild: %w", err)
	}
	e.log.Info("index built", "cases", kinds[corpus.KindCase], "policies", kinds[corpus.KindPolicy], "seq", seq)
	return b, nil
}

// AppliedSeq returns the last change-log sequence the index has applied.
func (e *Engine) AppliedSeq() (uint64, error) {
	b, err := e.bleve.load()
	if err != nil {
		return 0, err
	}
	return appliedSeq(b)
}

func appliedSeq(b bleve.Index) (uint64, error) {
	v, err := b.GetInternal(keyAppliedSeq)
	if err != nil {
		return 0, fmt.Errorf("index: applied seq: %w", err)
	}
	if len(v) != 8 {
		return 0, nil
	}
	return binary.BigEndian.Uint64(v), nil
}

func seqBytes(seq uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, seq)
	return b
}

// Generation advances with every change applied to the index.
func (e *Engine) Generation() uint64 { return e.gen.Load() }

// CatchUp applies every change-log entry after the index's applied sequence.
// Each batch carries its documents and the new applied sequence together, so
// a crash leaves the index at a consistent point of the log.
func (e *Engine) CatchUp(ctx context.Context) (err error) {
	if rebuilt, err := e.rebuildIfFarBehind(ctx); rebuilt {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	// bleve's segment code has panicked on a full disk (zapx: assignment to
	// a nil map); the write is stored, so this is a catch-up to retry, not a
	// crash.
	defer func() {
		if r := recover(); r != nil {
			e.log.Error("index catch-up panicked", "panic", r, "stack", string(debug.Stack()))
			err = fmt.Errorf("index: catch-up failed: %v", r)
		}
	}()
	if e.bleve.get() == nil {
		return index.ErrClosed
	}
	if e.repair.damaged.Load() {
		// Writing to a damaged index would merge the damage into new
		// segments; the rebuilt one catches up when it is swapped in.
		return nil
	}
	return e.catchUp(ctx)
}

// rebuildIfFarBehind rebuilds the index beside the live one when it is more
// than rebuildAfter changes behind: replaying a long log indexes a case once
// for each change of it and of its bank, a build reads each record once, and
// searches go on meanwhile. It reports whether it rebuilt.
func (e *Engine) rebuildIfFarBehind(ctx context.Context) (bool, error) {
	farBehind := func() bool {
		if e.bleve.get() == nil || e.repair.damaged.Load() {
			return false // closed, or the repair rebuilds it anyway
		}
		applied, err := e.AppliedSeq()
		if err != nil {
			return false
		}
		last, err := e.src.LastSeq()
		return err == nil && last > applied+rebuildAfter
	}
	if !farBehind() {
		return false, nil
	}
	e.rebuilding.Lock()
	defer e.rebuilding.Unlock()
	if !farBehind() { // another caller rebuilt it meanwhile
		return false, nil
	}
	e.log.Info("index far behind the store; rebuilding it beside the live one")
	return true, e.rebuildAndSwapLocked(ctx)
}

// catchUp is CatchUp with e.mu held.
func (e *Engine) catchUp(ctx context.Context) error {
	applied, err := e.AppliedSeq()
	if err != nil {
		return err
	}
	for {
		batch := e.bleve.NewBatch()
		// A bank's or the taxonomy's change may touch every case: the batch
		// is applied every batchSize records, so memory stays bounded; the
		// sequence goes in with the last one, and records applied before a
		// crash are simply applied again.
		seq, err := e.src.Changes(ctx, applied, batchSize, func(ch index.Change) error {
			if ch.Doc == nil {
				batch.Delete(ch.ID)
			} else if err := batch.Index(ch.ID, bleveDocument(ch.Doc)); err != nil {
				return fmt.Errorf("index: %s: %w", ch.ID, err)
			}
			if batch.Size() < batchSize {
				return nil
			}
			if err := e.bleve.Batch(batch); err != nil {
				return fmt.Errorf("index: apply changes after %d: %w", applied, err)
			}
			batch.Reset()
			return nil
		})
		if err != nil {
			return err
		}
		if seq == applied {
			return nil
		}
		applied = seq
		batch.SetInternal(keyAppliedSeq, seqBytes(applied))
		if err := e.bleve.Batch(batch); err != nil {
			return fmt.Errorf("index: apply changes up to %d: %w", applied, err)
		}
		e.gen.Add(1)
	}
}

// DocCount returns the number of indexed records.
func (e *Engine) DocCount() (uint64, error) { return e.bleve.DocCount() }

// Contains reports whether a record with this id is indexed.
func (e *Engine) Contains(id string) (bool, error) {
	doc, err := e.bleve.Document(id)
	if err != nil {
		return false, fmt.Errorf("index: document %s: %w", id, err)
	}
	return doc != nil, nil
}
