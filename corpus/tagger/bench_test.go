package tagger_test

import (
	"os"
	"testing"
	"time"

	"casebank/corpus/boltdb"
	"casebank/corpus/boltdb/bolttest"
	"casebank/corpus/tagger"
)

// benchStorePath is the store named by CASEBANK_BENCH_STORE (a 100,000-case
// one, say), or a copy of the embedded corpus.
func benchStorePath(b *testing.B) string {
	if path := os.Getenv("CASEBANK_BENCH_STORE"); path != "" {
		return path
	}
	s := bolttest.MustOpenStore(b, true)
	path := s.Path()
	s.Close()
	return path
}

func openBench(b *testing.B, path string) *boltdb.Store {
	s, err := boltdb.Open(path, boltdb.Options{Timeout: time.Minute})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

var benchDraft = tagger.Draft{Text: "某城商行部署DeepSeek大模型，建设智能客服与智能风控平台，提升信贷审批效率。"}

// BenchmarkTagModelTrain is one training on the whole store, as a server
// does at start and after writes: what every suggestion cost before the
// model was kept per store generation.
func BenchmarkTagModelTrain(b *testing.B) {
	path := benchStorePath(b)
	for b.Loop() {
		b.StopTimer()
		s := openBench(b, path)
		tg := tagger.New(s)
		b.StartTimer()
		if err := tg.Warm(ctx); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		tg.Close()
		s.Close()
		b.StartTimer()
	}
}

// BenchmarkSuggestTags is one suggestion from the kept model.
func BenchmarkSuggestTags(b *testing.B) {
	s := openBench(b, benchStorePath(b))
	defer s.Close()
	tg := tagger.New(s)
	defer tg.Close()
	if err := tg.Warm(ctx); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := tg.Suggest(ctx, benchDraft); err != nil {
			b.Fatal(err)
		}
	}
}
