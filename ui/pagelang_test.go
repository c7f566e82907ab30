package ui_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"casebank/corpus"
)

// postWith posts a form and returns the status and page.
func postWith(t *testing.T, c *http.Client, u string, form url.Values) (int, string) {
	t.Helper()
	code, _, body := post(t, c, u, form)
	return code, body
}

func TestSuggestionReasonsInThePageLanguage(t *testing.T) {
	ts, _ := newSite(t)
	client := signedIn(t, ts.URL)
	csrf := between(getWith(t, client, ts.URL+"/cases/new"), `name="csrf" value="`, `"`)
	draft := url.Values{"csrf": {csrf}, "bank": {"jiangsu-bank"}, "action": {"suggest"},
		"title_zh": {"江苏银行上线国产分布式核心系统"}, "body": {"江苏银行完成核心系统国产化改造，采用国产分布式数据库，应用联邦学习，实现信创全栈替代。"}}
	code, zh := postWith(t, client, ts.URL+"/cases/new", draft)
	if code != 200 {
		t.Fatalf("suggest: %d", code)
	}
	sugg := tagRE.ReplaceAllString(between(zh, `<section class="suggestions"`, `</section>`), "")
	for _, want := range []string{"理由：银行名录中草稿的银行江苏银行为城商行", "理由：点名", "理由：点名联邦学习", "编码表：", "来源：银行名录"} {
		if !strings.Contains(sugg, want) {
			t.Errorf("Chinese suggestions lack %q", want)
		}
	}
	for _, bad := range []string{"names", "codebook", "words of its cases", "bank registry", "registry", "subject"} {
		if strings.Contains(sugg, bad) {
			t.Errorf("Chinese suggestions say %q", bad)
		}
	}
	code, en := postWith(t, client, ts.URL+"/cases/new?lang=en", draft)
	if code != 200 {
		t.Fatalf("suggest in English: %d", code)
	}
	sugg = between(en, `<section class="suggestions"`, `</section>`)
	for _, want := range []string{"Reason: the draft&#39;s bank 江苏银行 is 城商行 in the bank registry", "Reason: names 联邦学习", "codebook: ", ", from registry"} {
		if !strings.Contains(sugg, want) {
			t.Errorf("English suggestions lack %q", want)
		}
	}
	if strings.Contains(sugg, "理由") || strings.Contains(sugg, "编码表") || strings.Contains(sugg, "银行名录") {
		t.Errorf("English suggestions carry Chinese reasons")
	}
}

func TestFormErrorsNameTheFormLabels(t *testing.T) {
	ts, _ := newSite(t)
	client := signedIn(t, ts.URL)
	csrf := between(getWith(t, client, ts.URL+"/cases/new"), `name="csrf" value="`, `"`)
	// A new bank with no type or region, and no titles.
	form := url.Values{"csrf": {csrf}, "action": {"save"}, "year": {"2025"}, "new_bank_name": {"青山测试村镇银行"}, "dimension": {"technology"}}
	errorsOf := func(body string) string {
		return tagRE.ReplaceAllString(between(body, `<ul class="error">`, `</ul>`), "\n")
	}
	code, zh := postWith(t, client, ts.URL+"/cases/new", form)
	list := errorsOf(zh)
	if code != 422 || list == "" {
		t.Fatalf("bad form: %d, errors %q", code, list)
	}
	if m := regexp.MustCompile(`(?m)^(title|summary|bank|source|year)[._a-z]*：`).FindString(list); m != "" {
		t.Errorf("Chinese form errors name the field path %q: %s", m, list)
	}
	if !strings.Contains(list, "标题（中文）：") && !strings.Contains(list, "标题：") {
		t.Errorf("Chinese form errors do not name the title's label: %s", list)
	}
	// Their messages too: no English word is left in the list or the line above it.
	if w := regexp.MustCompile(`[A-Za-z]{3,}`).FindString(list + between(zh, `<p class="error" role="alert">`, `</p>`)); w != "" {
		t.Errorf("Chinese form errors say %q: %s", w, list)
	}
	code, en := postWith(t, client, ts.URL+"/cases/new?lang=en", form)
	list = errorsOf(en)
	if code != 422 || !strings.Contains(list, "Title") || regexp.MustCompile(`(?m)^(title|bank)\.`).MatchString(list) {
		t.Errorf("English form errors: %d %s", code, list)
	}
}

func TestFooterAndThemeBarsInThePageLanguage(t *testing.T) {
	_, get := newSite(t)
	footer := regexp.MustCompile(`(?s)<footer>.*</footer>`)
	_, _, en := get("/?lang=en")
	if f := footer.FindString(en); !strings.Contains(f, corpus.ReportTitleEN) || hanRE.MatchString(tagRE.ReplaceAllString(f, "")) {
		t.Errorf("English footer: %s", f)
	}
	_, _, zh := get("/")
	if f := footer.FindString(zh); !strings.Contains(f, corpus.ReportTitle) || regexp.MustCompile(`[A-Za-z]{3,}`).MatchString(tagRE.ReplaceAllString(f, "")) {
		t.Errorf("Chinese footer: %s", f)
	}
	_, _, stats := get("/stats?lang=en")
	bars := between(stats, `<table class="bars">`, `</table>`)
	if !strings.Contains(bars, ">Artificial intelligence</a>") || regexp.MustCompile(`"?theme=[a-z_]+">[a-z]`).MatchString(bars) {
		t.Errorf("English theme bars are not capitalised: %.300s", bars)
	}
}
