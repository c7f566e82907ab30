package ui_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"casebank/corpus"
)

var (
	hanRE  = regexp.MustCompile(`\p{Han}`)
	tagRE  = regexp.MustCompile(`<[^>]+>`)
	mainRE = regexp.MustCompile(`(?s)<main id="main">.*</main>`)
)

func TestEnglishLabelsAndReasons(t *testing.T) {
	_, get := newSite(t)
	// Similar cases say why in English: the names shared in their English form.
	_, _, en := get("/cases/r2025-t1-4-jiangsu-bank?lang=en")
	sim := between(en, `<ul class="similar">`, `</ul>`)
	if !strings.Contains(sim, "both mention: Multimodal model") || hanRE.MatchString(tagRE.ReplaceAllString(sim, "")) {
		t.Errorf("English similar-case reasons: %s", sim)
	}
	_, _, zh := get("/cases/r2025-t1-4-jiangsu-bank?lang=zh")
	if sim := between(zh, `<ul class="similar">`, `</ul>`); !strings.Contains(sim, "共同提到: 多模态模型") {
		t.Errorf("Chinese similar-case reasons: %s", sim)
	}
	// Dimension headings start with a capital; rural_commercial reads as
	// the bank type 农商行 is.
	if _, _, body := get("/banks/jiangsu-bank?lang=en"); !regexp.MustCompile(`<h2>(Strategy|Organization|Technology|Application|Data|Ecosystem)</h2>`).MatchString(body) {
		t.Errorf("bank page dimension headings are not capitalised")
	}
	if _, _, body := get("/stats?lang=en"); !strings.Contains(body, "Rural commercial bank") || !strings.Contains(body, ">Technology<") {
		t.Errorf("stats headings in English: no capitalised bank type or dimension")
	}
	if _, _, body := get("/?q=&lang=en"); !strings.Contains(body, "rural commercial bank") || strings.Contains(body, "rural financial institution") {
		t.Errorf("rural_commercial is not a rural commercial bank in English")
	}
}

// signedIn returns a client signed in as an editor.
func signedIn(t *testing.T, base string) *http.Client {
	t.Helper()
	secret, _, err := testStore.CreateToken(context.Background(), "研究员", corpus.RoleEditor)
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	res, err := client.Get(base + "/signin?next=/cases/new")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	res, err = client.PostForm(base+"/signin", url.Values{"token": {secret}, "next": {"/"}, "signin_csrf": {between(string(b), `name="signin_csrf" value="`, `"`)}})
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("sign-in: %v %v", res.StatusCode, err)
	}
	res.Body.Close()
	return client
}

func getWith(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("%s: %d", u, res.StatusCode)
	}
	return string(b)
}

func TestEditorPagesFollowThePageLanguage(t *testing.T) {
	ts, get := newSite(t)
	// The Chinese sign-in page has no English but the command to run.
	_, _, body := get("/signin")
	text := tagRE.ReplaceAllString(regexp.MustCompile(`(?s)<code>.*?</code>`).ReplaceAllString(mainRE.FindString(body), ""), "")
	if regexp.MustCompile(`[A-Za-z]{3,}`).MatchString(text) {
		t.Errorf("Chinese sign-in page has English: %q", strings.TrimSpace(text))
	}
	if _, _, body := get("/signin?lang=en"); !strings.Contains(body, "<h1>Sign in</h1>") || hanRE.MatchString(tagRE.ReplaceAllString(mainRE.FindString(body), "")) {
		t.Errorf("English sign-in page")
	}
	client := signedIn(t, ts.URL)
	zh := getWith(t, client, ts.URL+"/cases/new")
	form := tagRE.ReplaceAllString(regexp.MustCompile(`(?s)<select id="bank".*?</select>|placeholder="[^"]*"`).ReplaceAllString(mainRE.FindString(zh), ""), "")
	if m := regexp.MustCompile(`[A-Za-z]{4,}`).FindString(form); m != "" {
		t.Errorf("Chinese new-case form has English (%q)", m)
	}
	if !strings.Contains(zh, "研究员（编辑）") {
		t.Errorf("the header names the role in English on a Chinese page")
	}
	en := getWith(t, client, ts.URL+"/cases/new?lang=en")
	for _, want := range []string{"Registered bank", "Title (English)", "Suggest tags", ">village bank<"} {
		if !strings.Contains(en, want) {
			t.Errorf("English new-case form lacks %q", want)
		}
	}
	// Nothing is chosen for the editor: no region, type, year or report.
	for _, bad := range []string{`value="beijing" selected`, `selected>`, `value="2026"`, `（2026）`} {
		if strings.Contains(zh, bad) {
			t.Errorf("new-case form preselects %q", bad)
		}
	}
	for _, want := range []string{`<option value="">（请选择地区）</option>`, `<option value="">（请选择类型）</option>`} {
		if !strings.Contains(zh, want) {
			t.Errorf("new-case form lacks the prompt %q", want)
		}
	}
	// Every box is inside its own label, with its text.
	boxes := strings.Count(zh, `type="checkbox"`)
	if boxes == 0 || regexp.MustCompile(`<label class="check"><input type="checkbox"[^>]*><span>[^<]+</span></label>`).FindAllString(zh, -1) == nil ||
		len(regexp.MustCompile(`<label class="check"><input type="checkbox"[^>]*><span>[^<]+</span></label>`).FindAllString(zh, -1)) != boxes {
		t.Errorf("%d checkboxes, not each in its own label", boxes)
	}
}

func TestErrorPageInOneLanguage(t *testing.T) {
	_, get := newSite(t)
	if _, _, body := get("/no-such-page"); !strings.Contains(body, "页面不存在") || strings.Contains(body, "Page not found") || strings.Contains(body, "Back to search") {
		t.Errorf("Chinese 404 page mixes languages")
	}
	if _, _, body := get("/no-such-page?lang=en"); !strings.Contains(body, "Page not found") || strings.Contains(body, "页面不存在") || strings.Contains(body, "返回搜索") {
		t.Errorf("English 404 page mixes languages")
	}
}
