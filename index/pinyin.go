package index

import (
	"strings"
	"sync"
	"unicode"

	"github.com/mozillazg/go-pinyin"
)

// People type Chinese by its sound, so a wrong character is usually another
// one read the same (新创 for 信创, 兰海 for 蓝海), and people who do not type
// Chinese write a bank's name in pinyin ("Jincheng Bank" for 金城银行, whose
// English name is Kincheng). Readings come from go-pinyin (mozillazg), the
// maintained Go port of the pinyin tables most Chinese software uses;
// tones are dropped, as they are when people type.

var pinyinArgs = func() pinyin.Args {
	a := pinyin.NewArgs()
	a.Heteronym = true
	return a
}()

// runeReadings keeps each character's readings: go-pinyin strips tones
// with regular expressions on every call, and a vocabulary reads thousands
// of terms.
var runeReadings sync.Map // rune → []string

// readings are the toneless readings of each character of s; nil when a
// character is not Chinese.
func readings(s string) [][]string {
	out := make([][]string, 0, len(s)/3)
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return nil // and the cache holds only Chinese characters
		}
		rs, ok := runeReadings.Load(r)
		if !ok {
			rs, _ = runeReadings.LoadOrStore(r, dedupe(pinyin.SinglePinyin(r, pinyinArgs)))
		}
		if len(rs.([]string)) == 0 {
			return nil
		}
		out = append(out, rs.([]string))
	}
	return out
}

func dedupe(rs []string) []string {
	out := rs[:0:0]
	for _, r := range rs {
		if !containsString(out, r) {
			out = append(out, r)
		}
	}
	return out
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// homophone reports whether a and b (their readings) sound alike character
// by character, and how many characters differ in writing.
func homophone(a, b string, ra, rb [][]string) (bool, int) {
	if len(ra) == 0 || len(ra) != len(rb) {
		return false, 0
	}
	ar, br := []rune(a), []rune(b)
	differ := 0
	for i := range ra {
		if ar[i] == br[i] {
			continue
		}
		differ++
		if !sharesReading(ra[i], rb[i]) {
			return false, 0
		}
	}
	return differ > 0, differ
}

func sharesReading(a, b []string) bool {
	for _, x := range a {
		if containsString(b, x) {
			return true
		}
	}
	return false
}

// maxRomanisations bounds the spellings one name gets from its characters'
// several readings (重庆: zhongqing, chongqing).
const maxRomanisations = 4

// romanised are the pinyin spellings people write a Chinese bank name in:
// the distinctive part of the name as one word, with "bank" for 银行
// (天津金城银行 → "tianjin jincheng bank", 金城银行 → "jincheng bank"). Names of
// rural and village banks are left alone: their English names already
// are pinyin and a type.
func romanised(name string) []string {
	base, ok := strings.CutSuffix(name, "银行")
	if !ok || strings.ContainsAny(base, "农村镇") {
		return nil
	}
	rs := readings(base)
	if len(rs) < 2 || len(rs) > 6 {
		return nil
	}
	// Two-character groups, the usual length of a place or a brand
	// (天津 金城); a name of three is one word (哈尔滨).
	var groups [][][]string
	if len(rs)%2 == 1 {
		groups = [][][]string{rs}
	} else {
		for i := 0; i < len(rs); i += 2 {
			groups = append(groups, rs[i:i+2])
		}
	}
	spellings := []string{""}
	for gi, g := range groups {
		words := []string{""}
		for _, chars := range g {
			var next []string
			for _, w := range words {
				for _, r := range chars {
					if len(next) < maxRomanisations {
						next = append(next, w+r)
					}
				}
			}
			words = next
		}
		var next []string
		for _, s := range spellings {
			for _, w := range words {
				if len(next) < maxRomanisations {
					if gi > 0 {
						w = " " + w
					}
					next = append(next, s+w)
				}
			}
		}
		spellings = next
	}
	out := make([]string, len(spellings))
	for i, s := range spellings {
		out[i] = s + " bank"
	}
	return out
}
