package corpus

import (
	"bufio"
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
)

//go:embed seed/taxonomy.json
var seedTaxonomy []byte

//go:embed seed/banks.jsonl seed/cases
var seedFS embed.FS

// SeedUser is the name recorded as the author of the embedded corpus.
const SeedUser = "casebank-seed"

// DefaultCorpus returns fresh copies of the embedded banks and cases.
func DefaultCorpus() ([]*Bank, []*Case, error) {
	data, err := seedFS.ReadFile("seed/banks.jsonl")
	if err != nil {
		return nil, nil, err
	}
	banks, err := DecodeJSONL[Bank](bytes.NewReader(data))
	if err != nil {
		return nil, nil, fmt.Errorf("seed/banks.jsonl: %w", err)
	}
	files, err := fs.Glob(seedFS, "seed/cases/*.jsonl")
	if err != nil {
		return nil, nil, err
	}
	sort.Strings(files)
	var cases []*Case
	for _, name := range files {
		data, err := seedFS.ReadFile(name)
		if err != nil {
			return nil, nil, err
		}
		cs, err := DecodeJSONL[Case](bytes.NewReader(data))
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", path.Base(name), err)
		}
		cases = append(cases, cs...)
	}
	return banks, cases, nil
}

// SeedDefault fills an empty store with the embedded corpus.
func (s *Store) SeedDefault(ctx context.Context) error {
	banks, cases, err := DefaultCorpus()
	if err != nil {
		return fmt.Errorf("default corpus: %w", err)
	}
	return s.Seed(ctx, banks, cases, SeedUser)
}

// DecodeJSONL reads one JSON object per non-blank line, rejecting unknown
// fields; errors name the line.
func DecodeJSONL[T any](r io.Reader) ([]*T, error) {
	var out []*T
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		dec := json.NewDecoder(strings.NewReader(line))
		dec.DisallowUnknownFields()
		v := new(T)
		if err := dec.Decode(v); err != nil {
			return nil, Errorf(EINVALID, "line %d: %v", n, err)
		}
		out = append(out, v)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read jsonl: %w", err)
	}
	return out, nil
}
