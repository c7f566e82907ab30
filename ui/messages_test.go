package ui

import "testing"

// The messages validation writes read in Chinese on a Chinese page; one no
// rule knows stays as it is, and English pages keep them all.
func TestMessagesInThePageLanguage(t *testing.T) {
	for _, tt := range []struct{ en, zh string }{
		{"at most 300 characters (this one has 412)", "最多 300 个字符（现有 412 个）"},
		{"at most 50 entries (this one has 51)", "最多 50 项（现有 51 项）"},
		{"needs at least one theme", "至少选择一个主题"},
		{"must be between 2000 and 2100", "须在 2000 至 2100 之间"},
		{`unknown theme "tech_financ"; did you mean tech_finance (科技金融, tech finance)?; allowed: ai 人工智能, … and 20 more`,
			`未知的主题 "tech_financ"；是否想用 科技金融（tech_finance）？；可选值见下方`},
		{`unknown region "火星"; allowed: beijing 北京`, `未知的地区 "火星"；可选值见下方`},
		{"something new", "something new"},
	} {
		if got := messageIn("zh", tt.en); got != tt.zh {
			t.Errorf("%q → %q, want %q", tt.en, got, tt.zh)
		}
		if got := messageIn("en", tt.en); got != tt.en {
			t.Errorf("English page: %q → %q", tt.en, got)
		}
	}
}
