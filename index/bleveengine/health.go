package bleveengine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"casebank/corpus"
)

// Damage to the index files (bytes changed under a segment) shows as read
// errors from bleve or panics in zap's decoders, only for the queries that
// reach the damaged bytes. Every read goes through liveIndex, which sends
// such failures to readFailed: that checks each segment against the CRC-32
// in its footer and, when one does not match, marks the index damaged and
// rebuilds it from the store in the background. Meanwhile the old index
// keeps answering the queries that do not reach the damage (a rebuild of
// 100,000 cases takes minutes; refusing every search for that long would
// turn a partial fault into an outage), and the ones that do answer 503.
//
// bleve reads field dictionaries (prefix and fuzzy terms, suggestions) on
// goroutines of its own, where a panic cannot be caught and ends the
// process; the segment check in Open then finds the damage on the restart.

var (
	errIndexDamaged = corpus.Errorf(corpus.EUNAVAILABLE, "the search index is damaged and is being rebuilt from the store; try again in a few minutes")
	errIndexSwap    = corpus.Errorf(corpus.EUNAVAILABLE, "the search index is being replaced; try again")
)

// verifyInterval bounds how often a read failure may trigger a segment
// check once one has found the index intact: a query that fails for
// another reason must not make every request read the whole index.
// retryInterval does the same for a repair after one failed.
const (
	verifyInterval = 10 * time.Second
	retryInterval  = time.Minute
)

// liveIndex holds the open bleve index. Each read loads it once, so a
// repair can swap in a rebuilt one under running searches.
type liveIndex struct {
	cur atomic.Pointer[openBleve]
	e   *Engine
}

type openBleve struct{ bleve.Index }

func (l *liveIndex) get() bleve.Index {
	if o := l.cur.Load(); o != nil {
		return o.Index
	}
	return nil
}

func (l *liveIndex) set(b bleve.Index) { l.cur.Store(&openBleve{b}) }

// take empties l and returns what it held (nil if nothing).
func (l *liveIndex) take() bleve.Index {
	if o := l.cur.Swap(nil); o != nil {
		return o.Index
	}
	return nil
}

// load returns the index for a read, or why there is none: an index whose
// segments broke in memory is not read at all until its rebuild is swapped
// in, since bleve also reads it on goroutines of its own (a doc-id reader),
// where a panic cannot be caught and ends the process.
func (l *liveIndex) load() (bleve.Index, error) {
	o := l.cur.Load()
	if o == nil {
		return nil, errIndexSwap
	}
	if o == l.e.repair.broken.Load() {
		return nil, errIndexDamaged
	}
	return o.Index, nil
}

// loadAny is load for the reads of the root snapshot's counters and
// internal keys, which a broken segment cannot reach.
func (l *liveIndex) loadAny() (bleve.Index, error) {
	if b := l.get(); b != nil {
		return b, nil
	}
	return nil, errIndexSwap
}

// recoverRead is deferred by every read: it turns a panic of b's into
// readFailed's verdict.
func (l *liveIndex) recoverRead(ctx context.Context, b bleve.Index, err *error) {
	if r := recover(); r != nil {
		*err = l.e.readFailed(ctx, b, fmt.Errorf("panic: %v", r), r)
	}
}

func (l *liveIndex) SearchInContext(ctx context.Context, req *bleve.SearchRequest) (res *bleve.SearchResult, err error) {
	b, err := l.load()
	if err != nil {
		return nil, err
	}
	defer l.recoverRead(ctx, b, &err)
	if res, err = b.SearchInContext(ctx, req); err != nil {
		return nil, l.e.readFailed(ctx, b, err, nil)
	}
	return res, nil
}

func (l *liveIndex) FieldDictPrefix(field string, prefix []byte) (d bleveindex.FieldDict, err error) {
	b, err := l.load()
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	defer l.recoverRead(ctx, b, &err)
	if d, err = b.FieldDictPrefix(field, prefix); err != nil {
		return nil, l.e.readFailed(ctx, b, err, nil)
	}
	return &liveDict{FieldDict: d, l: l, b: b}, nil
}

// liveDict reads a field dictionary like liveIndex reads the index.
type liveDict struct {
	bleveindex.FieldDict
	l *liveIndex
	b bleve.Index
}

func (d *liveDict) Next() (e *bleveindex.DictEntry, err error) {
	ctx := context.Background()
	defer d.l.recoverRead(ctx, d.b, &err)
	if e, err = d.FieldDict.Next(); err != nil {
		return nil, d.l.e.readFailed(ctx, d.b, err, nil)
	}
	return e, nil
}

func (l *liveIndex) Document(id string) (doc bleveindex.Document, err error) {
	b, err := l.load()
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	defer l.recoverRead(ctx, b, &err)
	if doc, err = b.Document(id); err != nil {
		return nil, l.e.readFailed(ctx, b, err, nil)
	}
	return doc, nil
}

func (l *liveIndex) DocCount() (uint64, error) {
	b, err := l.loadAny()
	if err != nil {
		return 0, err
	}
	return b.DocCount()
}

func (l *liveIndex) GetInternal(key []byte) ([]byte, error) {
	b, err := l.loadAny()
	if err != nil {
		return nil, err
	}
	return b.GetInternal(key)
}

func (l *liveIndex) Advanced() (bleveindex.Index, error) {
	b, err := l.load()
	if err != nil {
		return nil, err
	}
	return b.Advanced()
}

// Writes go to the index of the moment; CatchUp holds e.mu, which a
// repair takes to swap.

func (l *liveIndex) NewBatch() *bleve.Batch            { return l.get().NewBatch() }
func (l *liveIndex) Batch(b *bleve.Batch) error        { return l.get().Batch(b) }
func (l *liveIndex) Index(id string, data any) error   { return l.get().Index(id, data) }
func (l *liveIndex) SetInternal(key, val []byte) error { return l.get().SetInternal(key, val) }

// repairState tracks the damage found and the rebuild repairing it.
type repairState struct {
	damaged   atomic.Bool
	broken    atomic.Pointer[openBleve] // an index no read may touch (see load)
	repairing atomic.Bool
	failed    atomic.Int64 // unix nanos of the last repair that failed

	verifyMu sync.Mutex
	verified time.Time // the last check that found the index intact
	checking *check    // the check running, if any

	beforeSwap func() // tests hold the repair here

	mu     sync.Mutex // guards closed and wg.Add against Close
	closed bool
	wg     sync.WaitGroup
	ctx    context.Context
	cancel context.CancelFunc
}

// Damaged reports whether the index was found damaged and is not yet
// rebuilt; healthz reports it.
func (e *Engine) Damaged() bool { return e.repair.damaged.Load() }

// readFailed decides what a failed read of b means. Failures that cannot
// be damage (a cancelled request, an error of ours, a query over its
// budget, a closed index) go back as they are; others make it check b's
// segments. Damage answers errIndexDamaged and starts the repair; an intact
// index gives back the error as it was, and a panic as unavailable.
func (e *Engine) readFailed(ctx context.Context, b bleve.Index, err error, panicked any) error {
	switch {
	case ctx.Err() != nil, errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.Is(err, bleve.ErrorIndexClosed):
		return errIndexSwap // a repair closed it under this read
	case corpus.ErrorCode(err) != corpus.EINTERNAL && panicked == nil,
		strings.Contains(err.Error(), "TooManyTermSearchers"): // over the budget (budgetError)
		return err
	case e.repair.damaged.Load():
		e.markDamaged(err) // retries a repair that failed
		return errIndexDamaged
	}
	if damage := e.verifyAfterFailure(b); damage != nil {
		e.markDamaged(fmt.Errorf("%w (the read failed with: %v)", damage, err))
		return errIndexDamaged
	}
	if panicked != nil {
		stack := debug.Stack()
		e.log.Error("index read panicked; its segments are intact", "panic", panicked, "stack", string(stack))
		// After a full disk, zap's in-memory segments have panicked on every
		// read (assignment to a nil map) with the files intact: the index in
		// memory is broken, and a rebuild from the store mends it. A panic of
		// our own code is a failed read, not damage.
		if bytes.Contains(stack, []byte("blevesearch/zapx")) {
			if o := e.bleve.cur.Load(); o != nil && o.Index == b {
				e.repair.broken.Store(o)
			}
			e.markDamaged(fmt.Errorf("a segment read panicked: %v", panicked))
			return errIndexDamaged
		}
		return corpus.Errorf(corpus.EUNAVAILABLE, "the search index could not be read just now; try again shortly")
	}
	return err
}

// check is one run of verifySegments that failed reads wait for together.
type check struct {
	done chan struct{}
	err  error
}

// verifyAfterFailure checks b's segments, or waits for the check already
// running, unless one found them intact less than verifyInterval ago.
func (e *Engine) verifyAfterFailure(b bleve.Index) error {
	r := &e.repair
	r.verifyMu.Lock()
	if time.Since(r.verified) < verifyInterval {
		r.verifyMu.Unlock()
		return nil
	}
	if c := r.checking; c != nil {
		r.verifyMu.Unlock()
		<-c.done
		return c.err
	}
	c := &check{done: make(chan struct{})}
	r.checking = c
	r.verifyMu.Unlock()

	c.err = verifySegments(b)
	r.verifyMu.Lock()
	r.checking = nil
	if c.err == nil {
		r.verified = time.Now()
	}
	r.verifyMu.Unlock()
	close(c.done)
	return c.err
}

// verifySegments checks every segment file of b against the CRC-32 its
// footer holds (zap writes it, but reads it without checking). It reports
// damage only: an index it cannot read (closed meanwhile) passes.
//
// The file is read with read(2), not through zap's memory map: the map's
// pages would stay in the server's resident set (430 MB at 100,000 cases)
// though a search touches a small part of them.
func verifySegments(b bleve.Index) error {
	buf := make([]byte, 1<<20)
	return eachSegmentFile(b, func(seg fileSegment) error {
		return verifySegmentFile(seg.Path(), len(seg.Data()), seg.CRC(), buf)
	})
}

// fileSegment is a zap segment read from its file through a memory map.
type fileSegment interface {
	Data() []byte
	CRC() uint32
	Path() string
}

// eachSegmentFile calls fn with every file segment of b's current snapshot,
// which stays open (mapped) until fn has seen them all. An index it cannot
// read (closed meanwhile) has none.
func eachSegmentFile(b bleve.Index, fn func(fileSegment) error) error {
	adv, err := b.Advanced()
	if err != nil {
		return nil
	}
	r, err := adv.Reader()
	if err != nil {
		return nil
	}
	defer r.Close()
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil
	}
	for _, ss := range snap.Segments() {
		seg, ok := ss.Segment().(fileSegment)
		if !ok {
			continue // in memory, not yet written
		}
		if err := fn(seg); err != nil {
			return err
		}
	}
	return nil
}

// verifySegmentFile checks that the file at path still has the size zap
// mapped and that its bytes before the CRC hash to crc.
func verifySegmentFile(path string, mapped int, crc uint32, buf []byte) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // merged away since the snapshot
	}
	if err != nil {
		return fmt.Errorf("index: segment %s unreadable: %w", filepath.Base(path), err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("index: segment %s unreadable: %w", filepath.Base(path), err)
	}
	if st.Size() != int64(mapped) || mapped < 4 {
		return fmt.Errorf("index: segment %s has %d bytes, not the %d it was opened with", filepath.Base(path), st.Size(), mapped)
	}
	h := crc32.NewIEEE()
	if _, err := io.CopyBuffer(h, io.LimitReader(f, int64(mapped-4)), buf); err != nil {
		return fmt.Errorf("index: segment %s unreadable: %w", filepath.Base(path), err)
	}
	if h.Sum32() != crc {
		return fmt.Errorf("index: segment %s does not match its checksum", filepath.Base(path))
	}
	return nil
}

// markDamaged records damage and starts the repair unless one is running.
func (e *Engine) markDamaged(reason error) {
	r := &e.repair
	r.damaged.Store(true)
	if r.repairing.Load() || time.Since(time.Unix(0, r.failed.Load())) < retryInterval {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed || !r.repairing.CompareAndSwap(false, true) {
		return
	}
	e.log.Error("index damaged; rebuilding it from the store in the background", "err", reason)
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		defer r.repairing.Store(false)
		// A repair can fail for as long as its cause lasts (a full disk):
		// it tries again, with growing pauses, until it succeeds or the
		// index closes.
		for pause := time.Second; ; pause = min(2*pause, retryInterval) {
			err := e.rebuildAndSwap(r.ctx)
			if err == nil || r.ctx.Err() != nil {
				return
			}
			r.failed.Store(time.Now().UnixNano())
			e.log.Error("index repair failed; trying again", "err", err, "in", pause)
			select {
			case <-r.ctx.Done():
				return
			case <-time.After(pause):
			}
		}
	}()
}

// rebuildAndSwap builds a new index beside the damaged one, then, holding
// e.mu for a moment, puts it in its place and catches it up.
func (e *Engine) rebuildAndSwap(ctx context.Context) error {
	e.rebuilding.Lock()
	defer e.rebuilding.Unlock()
	return e.rebuildAndSwapLocked(ctx)
}

// rebuildAndSwapLocked is rebuildAndSwap with e.rebuilding held: one build
// at a time uses the directory beside the index.
func (e *Engine) rebuildAndSwapLocked(ctx context.Context) error {
	start := time.Now()
	tmp := e.path + ".rebuild"
	b, err := e.build(ctx, tmp)
	if err != nil {
		os.RemoveAll(tmp)
		return err
	}
	if err := b.Close(); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	if e.repair.beforeSwap != nil {
		e.repair.beforeSwap()
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := ctx.Err(); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	if old := e.bleve.take(); old != nil {
		old.Close()
	}
	if err := os.RemoveAll(e.path); err != nil {
		return fmt.Errorf("index: remove the damaged index: %w", err)
	}
	if err := os.Rename(tmp, e.path); err != nil {
		return fmt.Errorf("index: put the rebuilt index in place: %w", err)
	}
	b, err = bleve.Open(e.path)
	if err != nil {
		return fmt.Errorf("index: open the rebuilt index: %w", err)
	}
	e.bleve.set(b)
	e.gen.Add(1)
	e.repair.damaged.Store(false)
	if err := e.catchUp(ctx); err != nil {
		return err
	}
	e.log.Info("index repaired", "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// stopRepair cancels a running repair and waits for it.
func (e *Engine) stopRepair() {
	r := &e.repair
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	if r.cancel != nil { // nil before Open
		r.cancel()
	}
	r.wg.Wait()
}

// ReleaseMapped lets go of the pages of the index's segment files that
// searches have mapped into the process: each search maps its terms'
// postings and the kernel maps 64 KiB around each read, so a server that has
// answered many distinct queries held most of its index files (430 MB at
// 100,000 cases) resident though few are read again soon.
func (e *Engine) ReleaseMapped() {
	b, err := e.bleve.load()
	if err != nil {
		return
	}
	eachSegmentFile(b, func(seg fileSegment) error {
		releaseMapped(seg.Data())
		return nil
	})
}
