package bleveengine

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"

	"casebank/corpus"
)

// sameTokens reports how ours differs from bleve's cjk analyzer on text.
func sameTokens(text string) error {
	want := analyzer(cjk.AnalyzerName).Analyze([]byte(text))
	got := cjkAnalyzer{}.Analyze([]byte(text))
	show := func(ts analysis.TokenStream) string {
		var sb strings.Builder
		for _, t := range ts {
			fmt.Fprintf(&sb, "%q@%d[%d:%d]t%d ", t.Term, t.Position, t.Start, t.End, t.Type)
		}
		return sb.String()
	}
	if a, b := show(got), show(want); a != b {
		return fmt.Errorf("%q:\n got  %s\n want %s", text, a, b)
	}
	return nil
}

// strings of a value: every string a JSON encoding of it holds.
func stringsOf(v any, out *[]string) {
	switch x := v.(type) {
	case string:
		*out = append(*out, x)
	case []any:
		for _, e := range x {
			stringsOf(e, out)
		}
	case map[string]any:
		for _, e := range x {
			stringsOf(e, out)
		}
	}
}

func TestCJKAnalyzerIsBleves(t *testing.T) {
	base, err := corpus.DefaultCorpus()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal([]any{base, corpus.Generate(base, 2000, 7)})
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	var texts []string
	stringsOf(v, &texts)
	if len(texts) < 10000 {
		t.Fatalf("only %d texts", len(texts))
	}
	// What the corpus may not hold: every kind of character the segmenter
	// and the filters treat apart, and where Han runs meet them.
	texts = append(texts, "", "数", "数字", "数字化转型", "数 字", "数，字", "AI大模型", "大模型AI", "2024年3.5%",
		"３．５％", "ＡＢＣ数字", "ｶﾞｷﾞ数", "カタカナ数字", "ひらがな数字", "数\u0301字", "数字\u200d化", "数\u00ad字",
		"数\ufeff字", "数\u302a字", "数\u3099", "数ﾞ", "数_字", "数'字", "数.字", "数1字", "数Ⅻ", "數據", "豈更",
		"㐀㐁", "𠀀𠀁数", "\u9fcc\u9fcd\u9fd5\u9fd6", "한국어数", "🇨🇳数", "數\r\n字", "ΣΑΣ数", "Ⱥ数", "İstanbul数",
		"数\xff字", "\xe6\x95", "々数〇", "数々", "数〇", "〡〢数")
	for _, text := range texts {
		if err := sameTokens(text); err != nil {
			t.Fatal(err)
		}
	}
	// Random mixes of the same alphabet.
	alphabet := []rune("数字化转型银行金融大模型々〇〡あいカタｶﾞﾟ한ＡＢ１２，。、；：（）“”‘’—…·《》「」_-.'\",:;!? \n\r\tabcXYZ019" +
		"\u0301\u302a\u3099\u200b\u200c\u200d\u00ad\ufeff\u2028㐀𠀀豈\u9fcd🇨🇳😀ΣⱺⱥİŉﬀＡ＿％")
	rng := rand.New(rand.NewPCG(1, 2))
	for range 100000 {
		rs := make([]rune, rng.IntN(24))
		for i := range rs {
			rs[i] = alphabet[rng.IntN(len(alphabet))]
		}
		if err := sameTokens(string(rs)); err != nil {
			t.Fatal(err)
		}
	}
}

func FuzzCJKAnalyzer(f *testing.F) {
	for _, s := range []string{"数字化转型，AI大模型", "ｶﾞ数\u0301字", "3.5%数据", "数\xff字"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if err := sameTokens(text); err != nil {
			t.Fatal(err)
		}
	})
}

func BenchmarkCJKAnalyzer(b *testing.B) {
	base, err := corpus.DefaultCorpus()
	if err != nil {
		b.Fatal(err)
	}
	var texts [][]byte
	for _, c := range base.Cases {
		texts = append(texts, []byte(c.Body), []byte(c.Pattern), []byte(c.Summary.ZH))
	}
	for _, a := range []struct {
		name string
		a    analysis.Analyzer
	}{{"bleve", analyzer(cjk.AnalyzerName)}, {"casebank", cjkAnalyzer{}}} {
		b.Run(a.name, func(b *testing.B) {
			for b.Loop() {
				for _, text := range texts {
					a.a.Analyze(append([]byte(nil), text...))
				}
			}
		})
	}
}
