package ui

import (
	"regexp"
	"strings"
	"unicode"
)

// Validation speaks English (the API's clients read it as it is); a Chinese
// page says the same in Chinese. Each rule rewrites one of the messages
// corpus writes; a message no rule knows is shown as it is.
var zhMessages = []struct {
	re *regexp.Regexp
	zh string
}{
	{regexp.MustCompile(`^at most (\d+) characters \(this one has (\d+)\)$`), "最多 $1 个字符（现有 $2 个）"},
	{regexp.MustCompile(`^at most (\d+) entries \(this one has (\d+)\)$`), "最多 $1 项（现有 $2 项）"},
	{regexp.MustCompile(`^must be valid UTF-8 without NUL bytes$`), "须为有效的 UTF-8 文本，不含 NUL 字符"},
	{regexp.MustCompile(`^must not contain control characters \((U\+[0-9A-F]+) at character (\d+)\)$`), "不能含控制字符（第 $2 个字符为 $1）"},
	{regexp.MustCompile(`^must be lowercase ASCII words joined by '-' \(at most 120 characters\)$`), "须为以“-”连接的小写英文单词（最多 120 个字符）"},
	{regexp.MustCompile(`^a case needs a bank$`), "案例需要一家银行：请选择已登记的银行，或填写新银行的名称、类型和地区"},
	{regexp.MustCompile(`^a bank needs a name \(an anonymised bank: its description\)$`), "银行需要名称（匿名银行填写其描述）"},
	{regexp.MustCompile(`^must be between (\d+) and (\d+)$`), "须在 $1 至 $2 之间"},
	{regexp.MustCompile(`^needs a Chinese or an English title$`), "需要中文或英文标题"},
	{regexp.MustCompile(`^needs a body or a summary$`), "需要做法或摘要"},
	{regexp.MustCompile(`^needs at least one dimension$`), "至少选择一个维度"},
	{regexp.MustCompile(`^needs at least one theme$`), "至少选择一个主题"},
	{regexp.MustCompile(`^must be YYYY, YYYY-MM or YYYY-MM-DD$`), "须为 YYYY、YYYY-MM 或 YYYY-MM-DD"},
	{regexp.MustCompile(`^unknown (dimension|theme|bank type|region) ("[^"]*"(?:, "[^"]*")*)(?:; did you mean ([a-z0-9_]+) \(([^,]+), [^)]*\)\?)?(.*)$`), ""},
}

var zhKinds = map[string]string{"dimension": "维度", "theme": "主题", "bank type": "银行类型", "region": "地区"}

// messageIn is msg in the page's language.
func messageIn(lang, msg string) string {
	if lang == "en" {
		return msg
	}
	for _, m := range zhMessages {
		sub := m.re.FindStringSubmatch(msg)
		if sub == nil {
			continue
		}
		if m.zh != "" {
			return m.re.ReplaceAllString(msg, m.zh)
		}
		// An unknown value: its kind, the values given, the closest match.
		out := "未知的" + zhKinds[sub[1]] + " " + sub[2]
		if sub[3] != "" {
			out += "；是否想用 " + sub[4] + "（" + sub[3] + "）？"
		}
		if strings.Contains(sub[5], "allowed") {
			out += "；可选值见下方"
		}
		return out
	}
	return msg
}

// formError is the line above a refused form's field errors: in Chinese a
// sentence of its own, the fields below say what; else msg as it is.
func formError(lang, msg string, fields int) string {
	if lang == "en" {
		return msg
	}
	if fields > 0 {
		return "未能保存：请修改以下各项。"
	}
	return messageIn(lang, msg)
}

// hasHan reports whether s holds a Chinese character.
func hasHan(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) })
}
