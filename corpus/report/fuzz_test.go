package report_test

import (
	"os"
	"strings"
	"testing"

	"casebank/corpus"
	"casebank/corpus/report"
)

// The report parser never panics and every item it returns names a bank
// and a place in the report.
func FuzzParseReport(f *testing.F) {
	if data, err := os.ReadFile("testdata/2025/mini-report.txt"); err == nil {
		f.Add(string(data))
	}
	f.Add("2025\n表 5-3 x\n先进模式\t代表性银行\t具体举措\n\t\t\n")
	f.Add("2025\n2.4.1 某银行数字金融发展案例分析\n技术，维度得分。正文\n")
	f.Add("专题\n三 城商行科技金融发展的典型案例\n(一) 银行:标题\n")
	f.Fuzz(func(t *testing.T, text string) {
		rep, err := report.Parse(strings.NewReader(text))
		if err != nil {
			if corpus.ErrorCode(err) != corpus.EINVALID {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		for _, it := range rep.Items {
			if it.Bank == "" || it.Where() == "" || it.Year == 0 {
				t.Fatalf("item without bank or place: %+v", it)
			}
		}
	})
}
