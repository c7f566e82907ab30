package corpus

import (
	"bufio"
	"bytes"
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

//go:embed seed/banks.jsonl seed/policies.jsonl seed/honeycomb.json seed/glossary.json seed/theme_terms.json seed/cases
var seedFS embed.FS

// SeedUser is the name recorded as the author of the embedded corpus.
const SeedUser = "casebank-seed"

// Corpus is a set of records to load into a store.
type Corpus struct {
	Banks    []*Bank
	Cases    []*Case
	Policies []*Policy
}

// DefaultCorpus returns fresh copies of the embedded banks, cases and policies.
func DefaultCorpus() (*Corpus, error) {
	var c Corpus
	var err error
	if c.Banks, err = readSeed[Bank]("seed/banks.jsonl"); err != nil {
		return nil, err
	}
	if c.Policies, err = readSeed[Policy]("seed/policies.jsonl"); err != nil {
		return nil, err
	}
	files, err := fs.Glob(seedFS, "seed/cases/*.jsonl")
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	for _, name := range files {
		cs, err := readSeed[Case](name)
		if err != nil {
			return nil, err
		}
		c.Cases = append(c.Cases, cs...)
	}
	return &c, nil
}

func readSeed[T any](name string) ([]*T, error) {
	data, err := seedFS.ReadFile(name)
	if err != nil {
		return nil, err
	}
	out, err := DecodeJSONL[T](bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path.Base(name), err)
	}
	return out, nil
}

// HoneycombScore is one cell of the report's honeycomb index (table 2-2).
type HoneycombScore struct {
	BankType  string  `json:"bank_type"`
	Dimension string  `json:"dimension"`
	Year      int     `json:"year"`
	Score     float64 `json:"score"`
}

// Honeycomb is the report's honeycomb index by bank type, dimension and year.
type Honeycomb struct {
	Source Source           `json:"source"`
	Scores []HoneycombScore `json:"scores"`
}

// DefaultHoneycomb returns the embedded honeycomb index scores.
func DefaultHoneycomb() (*Honeycomb, error) {
	data, err := seedFS.ReadFile("seed/honeycomb.json")
	if err != nil {
		return nil, err
	}
	var h Honeycomb
	if err := json.Unmarshal(data, &h); err != nil {
		return nil, fmt.Errorf("honeycomb.json: %w", err)
	}
	return &h, nil
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
