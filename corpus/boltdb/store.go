package boltdb

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"

	"casebank/corpus"
)

// SchemaVersion is the layout of the store's buckets and values. A store
// written with another version is refused rather than misread.
const SchemaVersion = "1"

var (
	bucketCases    = []byte("cases")
	bucketBanks    = []byte("banks")
	bucketTaxonomy = []byte("taxonomy")
	bucketLog      = []byte("log")
	bucketMeta     = []byte("meta")
	bucketPolicies = []byte("policies")

	keySchema   = []byte("schema")
	keyStoreID  = []byte("store_id")
	keyTaxonomy = []byte("current")
)

// Options configure Open.
type Options struct {
	// Timeout bounds the wait for the file lock held by another process.
	Timeout time.Duration
	// Now returns the current time; tests may pin it.
	Now func() time.Time
}

// Store is the bbolt-backed source of truth for cases, banks and the taxonomy.
type Store struct {
	db  *bolt.DB
	now func() time.Time
	id  string

	// tax caches the decoded taxonomy for readers; writes of the taxonomy
	// clear it. Callers get a copy, so they may change what they get.
	tax atomic.Pointer[corpus.Taxonomy]
	// taxIn is the taxonomy decoded from the stored bytes it came from, for
	// checking records inside a write transaction (see taxonomyIn).
	taxIn atomic.Pointer[decodedTaxonomy]
	reads *readCache
}

type decodedTaxonomy struct {
	raw []byte
	t   *corpus.Taxonomy
}

// ErrInUse is the error Open wraps when another process holds the store.
var ErrInUse = errors.New("data directory in use by another process")

// Open opens (creating if needed) the store file at path.
func Open(path string, opts Options) (*Store, error) {
	if opts.Timeout == 0 {
		opts.Timeout = time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	// An existing file is checked before bbolt opens it for writing: bbolt
	// would initialise an empty one as a new store, and panic or fault on
	// a damaged one.
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		err = nil
	case err != nil:
	case st.Size() == 0:
		return nil, fmt.Errorf("store: %s is empty (0 bytes), not a store; restore a backup into it with `casebank restore --data %s BACKUP`, or delete the file to start a new store", path, filepath.Dir(path))
	default:
		err = CheckFile(path, opts.Timeout)
	}
	var db *bolt.DB
	if err == nil {
		db, err = bolt.Open(path, 0o600, &bolt.Options{Timeout: opts.Timeout})
	}
	var damage *damagedError
	switch {
	case errors.Is(err, bolt.ErrTimeout):
		return nil, fmt.Errorf("store: %w: %s is locked (gave up after %s); stop the other casebank first", ErrInUse, path, opts.Timeout)
	case errors.As(err, &damage), errors.Is(err, bolt.ErrInvalid), errors.Is(err, bolt.ErrChecksum), errors.Is(err, bolt.ErrVersionMismatch):
		return nil, fmt.Errorf("store: %s is damaged (%v); move it aside and restore a backup with `casebank restore --data %s BACKUP`", path, err, filepath.Dir(path))
	case err != nil:
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	s := &Store{db: db, now: opts.Now, reads: newReadCache()}
	if err := s.init(); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

func (s *Store) init() error {
	return s.db.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketCases, bucketBanks, bucketTaxonomy, bucketLog, bucketMeta, bucketPolicies, bucketHistory, bucketTokens, bucketSessions} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("store: create bucket %s: %w", name, err)
			}
		}
		meta := tx.Bucket(bucketMeta)
		switch v := meta.Get(keySchema); {
		case v == nil:
			if err := meta.Put(keySchema, []byte(SchemaVersion)); err != nil {
				return err
			}
		case string(v) != SchemaVersion:
			return fmt.Errorf("store: %s has schema version %s, this casebank reads version %s", s.db.Path(), v, SchemaVersion)
		}
		// Stores made before ids existed get one now.
		if v := meta.Get(keyStoreID); v != nil {
			s.id = string(v)
			return nil
		}
		s.id = rand.Text()
		return meta.Put(keyStoreID, []byte(s.id))
	})
}

// ID returns the store's identity: random, made when the store was, and
// kept by its backups. The index records it to tell whose records it holds.
func (s *Store) ID() string { return s.id }

// Close closes the file; pending reads finish first.
func (s *Store) Close() error {
	return s.db.Close()
}

// Path returns the store's file path.
func (s *Store) Path() string { return s.db.Path() }

// appendChange writes the next log entry inside tx.
func (s *Store) appendChange(tx *bolt.Tx, op, id, by string) (uint64, error) {
	return s.appendEntry(tx, corpus.Change{Op: op, ID: id, By: by})
}

// appendEntry writes ch as the next log entry inside tx, numbered and
// stamped now.
func (s *Store) appendEntry(tx *bolt.Tx, ch corpus.Change) (uint64, error) {
	log := tx.Bucket(bucketLog)
	seq, err := log.NextSequence()
	if err != nil {
		return 0, fmt.Errorf("store: log sequence: %w", err)
	}
	ch.Seq, ch.At = seq, s.now().UTC()
	if err := putJSON(log, seqKey(seq), ch); err != nil {
		return 0, fmt.Errorf("store: append log: %w", err)
	}
	return seq, nil
}

func seqKey(seq uint64) []byte {
	k := make([]byte, 8)
	binary.BigEndian.PutUint64(k, seq)
	return k
}

func putJSON(b *bolt.Bucket, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, data)
}

// LastSeq returns the sequence number of the newest log entry (0 if none).
func (s *Store) LastSeq() (uint64, error) {
	var seq uint64
	err := s.db.View(func(tx *bolt.Tx) error {
		seq = tx.Bucket(bucketLog).Sequence()
		return nil
	})
	return seq, err
}

// ChangesSince returns up to limit log entries with Seq > after, oldest first.
func (s *Store) ChangesSince(after uint64, limit int) ([]corpus.Change, error) {
	var out []corpus.Change
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketLog).Cursor()
		for k, v := c.Seek(seqKey(after + 1)); k != nil && len(out) < limit; k, v = c.Next() {
			var ch corpus.Change
			if err := json.Unmarshal(v, &ch); err != nil {
				return damagedRecord("log entry", fmt.Sprint(binary.BigEndian.Uint64(k)), err)
			}
			out = append(out, ch)
		}
		return nil
	})
	return out, err
}

// Taxonomy returns the stored taxonomy, or the embedded default if none was stored.
func (s *Store) Taxonomy() (*corpus.Taxonomy, error) {
	if t := s.tax.Load(); t != nil {
		return t.Clone(), nil
	}
	var t *corpus.Taxonomy
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		t, err = getTaxonomy(tx)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.tax.Store(t)
	return t.Clone(), nil
}

func getTaxonomy(tx *bolt.Tx) (*corpus.Taxonomy, error) {
	v := tx.Bucket(bucketTaxonomy).Get(keyTaxonomy)
	if v == nil {
		return corpus.DefaultTaxonomy(), nil
	}
	var t corpus.Taxonomy
	if err := json.Unmarshal(v, &t); err != nil {
		return nil, damagedRecord("the taxonomy", "", err)
	}
	return &t, nil
}

// taxonomyIn returns the taxonomy as tx sees it, for reading only. A bulk
// import checks every record against it; decoding it for each one was the
// largest part of an import's time.
func (s *Store) taxonomyIn(tx *bolt.Tx) (*corpus.Taxonomy, error) {
	raw := tx.Bucket(bucketTaxonomy).Get(keyTaxonomy)
	if d := s.taxIn.Load(); d != nil && bytes.Equal(d.raw, raw) {
		return d.t, nil
	}
	t, err := getTaxonomy(tx)
	if err != nil {
		return nil, err
	}
	s.taxIn.Store(&decodedTaxonomy{raw: bytes.Clone(raw), t: t})
	return t, nil
}

// PutTaxonomy replaces the taxonomy. Codes still used by a case cannot be removed.
func (s *Store) PutTaxonomy(ctx context.Context, t *corpus.Taxonomy, by string) error {
	if err := t.Validate(); err != nil {
		return err
	}
	defer s.tax.Store(nil) // a reader may have cached the old one meanwhile
	return s.db.Update(func(tx *bolt.Tx) error {
		err := forEachCase(tx, t.Keeps)
		if err != nil {
			return err
		}
		if err := putJSON(tx.Bucket(bucketTaxonomy), keyTaxonomy, t); err != nil {
			return fmt.Errorf("store: put taxonomy: %w", err)
		}
		s.tax.Store(nil)
		_, err = s.appendChange(tx, corpus.OpTaxonomyPut, "taxonomy", by)
		return err
	})
}

// PutBank creates or replaces a bank.
func (s *Store) PutBank(ctx context.Context, b *corpus.Bank, by string) error {
	// The checks that need no taxonomy run before the write lock.
	check := *b
	check.Normalize()
	if err := check.CheckLimits(); err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		return s.putBank(tx, b, by)
	})
}

func (s *Store) putBank(tx *bolt.Tx, b *corpus.Bank, by string) error {
	t, err := getTaxonomy(tx)
	if err != nil {
		return err
	}
	b.Normalize()
	if err := b.Validate(t); err != nil {
		return err
	}
	if err := putJSON(tx.Bucket(bucketBanks), []byte(b.ID), b); err != nil {
		return fmt.Errorf("store: put bank %s: %w", b.ID, err)
	}
	_, err = s.appendChange(tx, corpus.OpBankPut, b.ID, by)
	return err
}

// FindBankByID returns one bank or an ENOTFOUND error.
func (s *Store) FindBankByID(ctx context.Context, id string) (*corpus.Bank, error) {
	var b *corpus.Bank
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		b, err = getBank(tx, id)
		return err
	})
	return b, err
}

func getBank(tx *bolt.Tx, id string) (*corpus.Bank, error) {
	v := tx.Bucket(bucketBanks).Get([]byte(id))
	if v == nil {
		return nil, corpus.Errorf(corpus.ENOTFOUND, "bank %s not found", corpus.QuoteShort(id))
	}
	var b corpus.Bank
	if err := json.Unmarshal(v, &b); err != nil {
		return nil, damagedRecord("bank", id, err)
	}
	return &b, nil
}

// FindBanks returns every bank in id order.
func (s *Store) FindBanks(ctx context.Context) ([]*corpus.Bank, error) {
	var out []*corpus.Bank
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		out, err = banksIn(tx)
		return err
	})
	return out, err
}

func banksIn(tx *bolt.Tx) ([]*corpus.Bank, error) {
	var out []*corpus.Bank
	err := tx.Bucket(bucketBanks).ForEach(func(k, v []byte) error {
		var b corpus.Bank
		if err := json.Unmarshal(v, &b); err != nil {
			return damagedRecord("bank", string(k), err)
		}
		out = append(out, &b)
		return nil
	})
	return out, err
}

// identifyBank gives a case's bank named without an id its id: the
// registry's bank of that name or alias, or, for a name the registry does
// not know, an id made from the name (the bank is then created from the
// name, type and region given). A known bank named with another type or
// region is a conflict, never silently one or the other.
func identifyBank(tx *bolt.Tx, b *corpus.Bank, t *corpus.Taxonomy) error {
	if b.ID != "" || strings.TrimSpace(b.Name) == "" {
		return nil // Validate reports a bank with neither
	}
	banks, err := banksIn(tx)
	if err != nil {
		return err
	}
	known, ok := corpus.BanksByName(banks)[corpus.NormalizeBankName(b.Name)]
	if !ok {
		b.ID = corpus.GuessBank(b.Name, nil).ID
		return nil
	}
	typ, _ := t.Resolve(corpus.FacetBankType, b.Type)
	region, _ := t.Resolve(corpus.FacetRegion, b.Region)
	var differ []corpus.FieldError
	if b.Type != "" && typ != known.Type {
		differ = append(differ, corpus.FieldError{Field: "bank.type", Message: fmt.Sprintf("the registry's %s is %s, not %s", known.Name, known.Type, corpus.QuoteShort(b.Type))})
	}
	if b.Region != "" && region != known.Region {
		differ = append(differ, corpus.FieldError{Field: "bank.region", Message: fmt.Sprintf("the registry's %s is in %s, not %s", known.Name, known.Region, corpus.QuoteShort(b.Region))})
	}
	if len(differ) > 0 {
		return &corpus.Error{Code: corpus.ECONFLICT, Fields: differ,
			Message: fmt.Sprintf("bank %s is %s (%s, %s) in the registry; give its id, or change the registry's bank", corpus.QuoteShort(b.Name), known.ID, known.Type, known.Region)}
	}
	b.ID = known.ID
	return nil
}

// FindCaseByID returns one case with its bank filled in, or an ENOTFOUND error.
func (s *Store) FindCaseByID(ctx context.Context, id string) (*corpus.Case, error) {
	var c *corpus.Case
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		c, err = getCase(tx, id)
		return err
	})
	return c, err
}

func getCase(tx *bolt.Tx, id string) (*corpus.Case, error) {
	v := tx.Bucket(bucketCases).Get([]byte(id))
	if v == nil {
		return nil, corpus.Errorf(corpus.ENOTFOUND, "case %s not found", corpus.QuoteShort(id))
	}
	return decodeCase(tx, id, v)
}

func decodeCase(tx *bolt.Tx, id string, v []byte) (*corpus.Case, error) {
	var c corpus.Case
	if err := json.Unmarshal(v, &c); err != nil {
		return nil, damagedRecord("case", id, err)
	}
	if b, err := getBank(tx, c.Bank.ID); err == nil {
		c.Bank = *b
	}
	return &c, nil
}

// releaseEvery is how many bytes of records a scan reads between releases
// of the store's mapped pages.
const releaseEvery = 64 << 20

func forEachCase(tx *bolt.Tx, fn func(*corpus.Case) error) error {
	read := 0
	err := tx.Bucket(bucketCases).ForEach(func(k, v []byte) error {
		if read += len(v); read >= releaseEvery {
			releaseMapped(tx.DB(), tx)
			read = 0
		}
		c, err := decodeCase(tx, string(k), v)
		if err != nil {
			return err
		}
		return fn(c)
	})
	releaseMapped(tx.DB(), tx)
	return err
}

// FindCases returns every case matching f (all cases for an empty filter) in id order.
func (s *Store) FindCases(ctx context.Context, f corpus.Filter) ([]*corpus.Case, error) {
	var out []*corpus.Case
	err := s.db.View(func(tx *bolt.Tx) error {
		return forEachCase(tx, func(c *corpus.Case) error {
			if f.Matches(c) {
				out = append(out, c)
			}
			return nil
		})
	})
	return out, err
}

// CountCases returns the number of stored cases.
func (s *Store) CountCases() (int, error) {
	var n int
	err := s.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketCases).Stats().KeyN
		releaseMapped(s.db, tx) // Stats reads every page of the bucket
		return nil
	})
	return n, err
}

// CountRecords returns the number of stored cases and policies.
func (s *Store) CountRecords() (int, error) {
	var n int
	err := s.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketCases).Stats().KeyN + tx.Bucket(bucketPolicies).Stats().KeyN
		releaseMapped(s.db, tx) // Stats reads every page of the buckets
		return nil
	})
	return n, err
}

// CreateCase validates and stores a new case. A missing id is derived from the
// bank; a bank not in the registry is created when the case carries its name,
// type and region. The case's version starts at 1.
func (s *Store) CreateCase(ctx context.Context, c *corpus.Case, by string) (*corpus.Case, error) {
	return s.CreateCaseWithDecisions(ctx, c, nil, by)
}

// CreateCaseWithDecisions is CreateCase that also records the editor's
// decisions on suggested tags, when d is not nil, in the case's creation
// entry: one transaction, one log entry, so that no case is stored without
// them.
func (s *Store) CreateCaseWithDecisions(ctx context.Context, c *corpus.Case, d *corpus.Decisions, by string) (*corpus.Case, error) {
	if err := checkCaseLimits(c); err != nil {
		return nil, err
	}
	if err := (corpus.TagPatch{Decisions: d}).CheckLimits(); err != nil {
		return nil, err
	}
	var out *corpus.Case
	err := s.db.Update(func(tx *bolt.Tx) error {
		var err error
		out, err = s.createCase(tx, c, by, d)
		return err
	})
	return out, err
}

func (s *Store) createCase(tx *bolt.Tx, c *corpus.Case, by string, d *corpus.Decisions) (*corpus.Case, error) {
	cs := *c
	cs.Version, cs.Updated = 0, nil
	return s.createCaseKeeping(tx, &cs, by, writeNote{op: corpus.HistCreate, decisions: d})
}

// createCaseKeeping creates a case, keeping a version and stamps it already
// has (a restored export); missing ones are set now.
func (s *Store) createCaseKeeping(tx *bolt.Tx, c *corpus.Case, by string, note writeNote) (*corpus.Case, error) {
	cs, err := s.prepareCase(tx, c, by)
	if err != nil {
		return nil, err
	}
	cases := tx.Bucket(bucketCases)
	if cs.ID == "" {
		cs.ID = nextFreeID(cases, fmt.Sprintf("c%d-%s", cs.Year, cs.Bank.ID))
	} else if cases.Get([]byte(cs.ID)) != nil {
		return nil, corpus.Errorf(corpus.ECONFLICT, "case %q already exists", cs.ID)
	}
	now := corpus.Stamp{At: s.now().UTC(), By: by}
	if cs.Version < 1 {
		cs.Version = 1
	}
	if cs.Created == nil {
		cs.Created = &now
	}
	if cs.Updated == nil {
		cs.Updated = &now
	}
	return s.writeCase(tx, nil, &cs, by, note)
}

// UpdateCase replaces a stored case. ifVersion, when non-zero, must equal the
// stored version, so that two editors cannot silently overwrite each other.
func (s *Store) UpdateCase(ctx context.Context, c *corpus.Case, ifVersion int, by string) (*corpus.Case, error) {
	if err := checkCaseLimits(c); err != nil {
		return nil, err
	}
	var out *corpus.Case
	err := s.db.Update(func(tx *bolt.Tx) error {
		var err error
		out, err = s.updateCase(tx, c, ifVersion, by, writeNote{op: corpus.HistUpdate})
		return err
	})
	return out, err
}

func (s *Store) updateCase(tx *bolt.Tx, c *corpus.Case, ifVersion int, by string, note writeNote) (*corpus.Case, error) {
	old, err := getCase(tx, c.ID)
	if err != nil {
		return nil, err
	}
	if ifVersion != 0 && ifVersion != old.Version {
		return nil, corpus.Errorf(corpus.ECONFLICT, "case %q is at version %d, not %d: reload it and apply your change again", c.ID, old.Version, ifVersion)
	}
	cs, err := s.prepareCase(tx, c, by)
	if err != nil {
		return nil, err
	}
	if len(corpus.DiffCases(old, &cs)) == 0 && note.decisions == nil {
		return old, nil // nothing changed: no new version, no log entry
	}
	cs.Version = old.Version + 1
	cs.Created = old.Created
	cs.Updated = &corpus.Stamp{At: s.now().UTC(), By: by}
	return s.writeCase(tx, old, &cs, by, note)
}

// DeleteCase removes a case. ifVersion, when non-zero, must equal the
// stored version; it is checked in the deleting transaction, so that a
// delete never removes a version its caller did not see.
func (s *Store) DeleteCase(ctx context.Context, id string, ifVersion int, by string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		cases := tx.Bucket(bucketCases)
		if cases.Get([]byte(id)) == nil {
			return corpus.Errorf(corpus.ENOTFOUND, "case %s not found", corpus.QuoteShort(id))
		}
		old, err := getCase(tx, id)
		if err != nil {
			return err
		}
		if ifVersion != 0 && ifVersion != old.Version {
			return corpus.Errorf(corpus.ECONFLICT, "case %q is at version %d, not %d", id, old.Version, ifVersion)
		}
		if err := cases.Delete([]byte(id)); err != nil {
			return fmt.Errorf("store: delete case %s: %w", id, err)
		}
		seq, err := s.appendChange(tx, corpus.OpCaseDelete, id, by)
		if err != nil {
			return err
		}
		return appendHistory(tx, id, corpus.HistoryEntry{Seq: seq, At: corpus.Stamp{At: s.now().UTC(), By: by}, Op: corpus.HistDelete, Changes: corpus.DiffCases(old, nil)})
	})
}

// checkCaseLimits runs the checks that need no taxonomy on a normalised copy
// of c, before a write takes the store's write lock: a request too large to
// store is refused without holding up other writers.
func checkCaseLimits(c *corpus.Case) error {
	cs := *c
	cs.Normalize()
	return cs.CheckLimits()
}

// prepareCase normalises and validates a copy of c and resolves its bank
// (creating an inline one), ready to be written in tx.
func (s *Store) prepareCase(tx *bolt.Tx, c *corpus.Case, by string) (corpus.Case, error) {
	cs := *c
	cs.Normalize()
	t, err := s.taxonomyIn(tx)
	if err != nil {
		return cs, err
	}
	if err := identifyBank(tx, &cs.Bank, t); err != nil {
		return cs, err
	}
	if err := cs.Validate(t); err != nil {
		return cs, err
	}
	return cs, s.ensureBank(tx, &cs.Bank, by)
}

// ensureBank checks that b exists, creating it from the case's inline bank
// when it carries a name, type and region; it then fills b from the registry.
func (s *Store) ensureBank(tx *bolt.Tx, b *corpus.Bank, by string) error {
	stored, err := getBank(tx, b.ID)
	if err == nil {
		*b = *stored
		return nil
	}
	if corpus.ErrorCode(err) != corpus.ENOTFOUND {
		return err
	}
	if b.Name == "" && b.Type == "" && b.Region == "" {
		return &corpus.Error{Code: corpus.EINVALID, Message: fmt.Sprintf("invalid case: bank %q is not in the registry; give its name, type and region to create it", b.ID),
			Fields: []corpus.FieldError{{Field: "bank.id", Message: "unknown bank"}}}
	}
	return s.putBank(tx, b, by)
}

// writeCase stores c, appends the log entry and the history entry, all in tx.
func (s *Store) writeCase(tx *bolt.Tx, old, c *corpus.Case, by string, note writeNote) (*corpus.Case, error) {
	stored := *c
	stored.Bank = corpus.Bank{ID: c.Bank.ID} // the registry holds the bank; reads join it
	if err := putJSON(tx.Bucket(bucketCases), []byte(c.ID), &stored); err != nil {
		return nil, fmt.Errorf("store: put case %s: %w", c.ID, err)
	}
	seq, err := s.appendChange(tx, corpus.OpCasePut, c.ID, by)
	if err != nil {
		return nil, err
	}
	changes := corpus.DiffCases(old, c)
	if changes == nil {
		changes = []corpus.FieldChange{}
	}
	e := corpus.HistoryEntry{Seq: seq, At: *c.Updated, Op: note.op, Changes: changes, Decisions: note.decisions, Note: note.note}
	if err := appendHistory(tx, c.ID, e); err != nil {
		return nil, fmt.Errorf("store: history %s: %w", c.ID, err)
	}
	return c, nil
}

func nextFreeID(b *bolt.Bucket, base string) string {
	id := base
	for n := 2; b.Get([]byte(id)) != nil; n++ {
		id = fmt.Sprintf("%s-%d", base, n)
	}
	return id
}

// Seed loads a corpus into the store in one transaction, one log entry per
// record. It refuses a store that already holds cases.
func (s *Store) Seed(ctx context.Context, c *corpus.Corpus, by string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		if k, _ := tx.Bucket(bucketCases).Cursor().First(); k != nil {
			return corpus.Errorf(corpus.ECONFLICT, "store already holds cases; seeding only fills an empty store")
		}
		for _, b := range c.Banks {
			if err := s.putBank(tx, b, by); err != nil {
				return fmt.Errorf("seed bank %s: %w", b.ID, err)
			}
		}
		for _, cs := range c.Cases {
			if _, err := s.createCase(tx, cs, by, nil); err != nil {
				return fmt.Errorf("seed case %s: %w", cs.ID, err)
			}
		}
		for _, p := range c.Policies {
			if err := s.putPolicy(tx, p, by); err != nil {
				return fmt.Errorf("seed policy %s: %w", p.ID, err)
			}
		}
		return nil
	})
}

// SeedDefault fills an empty store with the embedded corpus.
func (s *Store) SeedDefault(ctx context.Context) error {
	c, err := corpus.DefaultCorpus()
	if err != nil {
		return fmt.Errorf("default corpus: %w", err)
	}
	return s.Seed(ctx, c, corpus.SeedUser)
}

// Snapshot is every record together with the log sequence it reflects.
type Snapshot struct {
	Seq      uint64
	Cases    []*corpus.Case
	Policies []*corpus.Policy
}

// Snapshot reads all cases and the current log sequence in one transaction,
// so that a rebuilt index can resume catching up from exactly that point.
func (s *Store) Snapshot(ctx context.Context) (*Snapshot, error) {
	snap := &Snapshot{}
	seq, err := s.EachRecord(ctx,
		func(p *corpus.Policy) error { snap.Policies = append(snap.Policies, p); return nil },
		func(c *corpus.Case) error { snap.Cases = append(snap.Cases, c); return nil })
	snap.Seq = seq
	return snap, err
}

// EachRecord calls fn with every policy and then every case, in one read
// transaction, without holding them all in memory (an index rebuild of
// 100,000 cases that gathered them first peaked at 3 GiB). It returns the log
// sequence the records reflect.
func (s *Store) EachRecord(ctx context.Context, policy func(*corpus.Policy) error, kase func(*corpus.Case) error) (uint64, error) {
	var seq uint64
	err := s.db.View(func(tx *bolt.Tx) error {
		seq = tx.Bucket(bucketLog).Sequence()
		err := tx.Bucket(bucketPolicies).ForEach(func(k, v []byte) error {
			var p corpus.Policy
			if err := json.Unmarshal(v, &p); err != nil {
				return damagedRecord("policy", string(k), err)
			}
			return policy(&p)
		})
		if err != nil {
			return err
		}
		return forEachCase(tx, func(c *corpus.Case) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			return kase(c)
		})
	})
	return seq, err
}

// FindCasesByIDs returns the cases with the given ids in that order, skipping
// ids that no longer exist.
func (s *Store) FindCasesByIDs(ctx context.Context, ids []string) ([]*corpus.Case, error) {
	out := make([]*corpus.Case, 0, len(ids))
	err := s.db.View(func(tx *bolt.Tx) error {
		for _, id := range ids {
			c, err := getCase(tx, id)
			if corpus.ErrorCode(err) == corpus.ENOTFOUND {
				continue
			}
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		return nil
	})
	return out, err
}

// FindBankByName finds a bank by its name or any alias (ignoring spaces,
// bracket width and a 股份有限公司 suffix), or returns ENOTFOUND.
func (s *Store) FindBankByName(ctx context.Context, name string) (*corpus.Bank, error) {
	banks, err := s.FindBanks(ctx)
	if err != nil {
		return nil, err
	}
	if b, ok := corpus.BanksByName(banks)[corpus.NormalizeBankName(name)]; ok {
		return b, nil
	}
	return nil, corpus.Errorf(corpus.ENOTFOUND, "no bank named %s", corpus.QuoteShort(name))
}

// ReleaseMapped lets go of the store's pages that reads have mapped into the
// process: a record read maps its pages and the kernel maps 64 KiB around
// each, so a server that had shown a few hundred case pages held 100 MB of
// a 420 MB store resident. The pages stay in the page cache.
func (s *Store) ReleaseMapped() {
	s.db.View(func(tx *bolt.Tx) error {
		releaseMapped(s.db, tx)
		return nil
	})
}
