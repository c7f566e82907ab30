package index_test

import (
	"slices"
	"testing"

	"casebank/index"
	"casebank/index/indextest"
)

// A word typed by its sound with another character is corrected to the
// known term read the same; a word that sounds like nothing known stays.
func TestWordsTypedBySound(t *testing.T) {
	_, ix := indextest.MustOpen(t)
	for _, tt := range []struct{ q, corrected string }{
		{"信窗改造", "信创改造"},     // xinchuang: 窗 for 创
		{"威海兰海银行", "威海蓝海银行"}, // lanhai: 兰 for 蓝
		{"村保", "村宝"},         // cunbao, a product of the corpus
		// 新创 matches a bigram of 创新创业 in some case, so it is not
		// unmatched; but no hit is a city bank's, as the query asked.
		{"城商行 新创", "城商行 信创"},
	} {
		res := search(t, ix, index.Request{Text: tt.q})
		if res.Query.Corrected != tt.corrected || res.Total == 0 {
			t.Errorf("%q: corrected to %q with %d hits, want %q", tt.q, res.Query.Corrected, res.Total, tt.corrected)
		}
	}
	// 书法 (shufa) sounds like no term of the corpus: nothing to correct.
	if res := search(t, ix, index.Request{Text: "书法"}); res.Query.Corrected != "" {
		t.Errorf("书法 corrected to %q", res.Query.Corrected)
	}
}

// People who do not type Chinese write a bank's name in pinyin.
func TestBankNamesInPinyin(t *testing.T) {
	_, ix := indextest.MustOpen(t)
	for _, tt := range []struct{ q, bank string }{
		{"Jincheng Bank", "tianjin-jincheng-bank"}, // English name: Kincheng
		{"tianjin jincheng bank 大模型", "tianjin-jincheng-bank"},
		{"weizhong bank", "weizhong-bank"}, // WeBank
		{"Baixin Bank", "zhongxin-baixin-bank"},
	} {
		res := search(t, ix, index.Request{Text: tt.q})
		if got := inferredPairs(res); !slices.Contains(got, "bank="+tt.bank) {
			t.Errorf("%q: inferred %v, want bank=%s", tt.q, got, tt.bank)
		}
	}
}
