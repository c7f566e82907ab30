package ui_test

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The elements of an Atom document that its rules speak of, each kept as a
// list so that "exactly one" can be counted.
type atomDoc struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	IDs     []string `xml:"id"`
	Titles  []string `xml:"title"`
	Updated []string `xml:"updated"`
	Authors []struct {
		Name string `xml:"name"`
	} `xml:"author"`
	Links   []atomLinkDoc `xml:"link"`
	Entries []struct {
		IDs       []string      `xml:"id"`
		Titles    []string      `xml:"title"`
		Updated   []string      `xml:"updated"`
		Published []string      `xml:"published"`
		Summaries []string      `xml:"summary"`
		Links     []atomLinkDoc `xml:"link"`
		Authors   []struct {
			Name string `xml:"name"`
			URI  string `xml:"uri"`
		} `xml:"author"`
	} `xml:"entry"`
}

type atomLinkDoc struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
	Href string `xml:"href,attr"`
}

// jingPath finds Debian's jing, the RELAX NG validator. Without it the
// schema check skips loudly, except under CI=true, where it fails.
func jingPath(t *testing.T) string {
	if p, err := exec.LookPath("jing"); err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("jing is missing: install Debian's jing (apt-get install -y jing); CI=true requires the Atom schema check")
	}
	t.Log("!!! SKIPPING THE ATOM SCHEMA CHECK: jing is not installed (apt-get install -y jing) !!!")
	return ""
}

// validAtom validates doc against RFC 4287's RELAX NG schema with jing and
// returns jing's complaints ("" when valid).
func validAtom(t *testing.T, jing, doc string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "feed.xml")
	if err := os.WriteFile(f, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(jing, "-c", "testdata/atom.rnc", f).CombinedOutput()
	if err == nil {
		return ""
	}
	var errs []string
	for _, line := range strings.Split(string(out), "\n") {
		if line != "" && !strings.HasPrefix(line, "[warning]") { // Debian's wrapper warns of optional jars
			errs = append(errs, line)
		}
	}
	if len(errs) == 0 {
		t.Fatalf("jing failed without saying why: %v", err)
	}
	return strings.Join(errs, "\n")
}

// checkAtomRules checks what RFC 4287 requires beyond its schema: RFC 3339
// dates, absolute IRIs, an author for every entry, an alternate link.
func checkAtomRules(t *testing.T, doc atomDoc) {
	t.Helper()
	absolute := func(what, iri string) {
		if u, err := url.Parse(iri); err != nil || !u.IsAbs() {
			t.Errorf("%s %q is not an absolute IRI", what, iri)
		}
	}
	date := func(what, s string) {
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			t.Errorf("%s %q is not an RFC 3339 date: %v", what, s, err)
		}
	}
	if len(doc.IDs) != 1 || len(doc.Titles) != 1 || len(doc.Updated) != 1 || doc.Titles[0] == "" {
		t.Fatalf("feed: %d ids, %d titles, %d updated", len(doc.IDs), len(doc.Titles), len(doc.Updated))
	}
	absolute("feed id", doc.IDs[0])
	date("feed updated", doc.Updated[0])
	self := 0
	for _, l := range doc.Links {
		absolute("feed link", l.Href)
		if l.Rel == "self" {
			self++
		}
	}
	if self != 1 {
		t.Errorf("feed has %d self links", self)
	}
	for i, e := range doc.Entries {
		if len(e.IDs) != 1 || len(e.Titles) != 1 || len(e.Updated) != 1 {
			t.Fatalf("entry %d: %d ids, %d titles, %d updated", i, len(e.IDs), len(e.Titles), len(e.Updated))
		}
		absolute("entry id", e.IDs[0])
		date("entry updated", e.Updated[0])
		for _, p := range e.Published {
			date("entry published", p)
		}
		alternate := 0
		for _, l := range e.Links {
			absolute("entry link", l.Href)
			if l.Rel == "alternate" || l.Rel == "" {
				alternate++
			}
		}
		if alternate == 0 || len(e.Authors) == 0 && len(doc.Authors) == 0 || len(e.Summaries) != 1 {
			t.Errorf("entry %d: %d alternate links, %d authors, %d summaries", i, alternate, len(e.Authors), len(e.Summaries))
		}
	}
}

func fetchFeed(t *testing.T, base, query string) (string, atomDoc) {
	t.Helper()
	res, err := http.Get(base + "/feed.atom?" + query)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/atom+xml") {
		t.Fatalf("feed %s: %d %s", query, res.StatusCode, res.Header.Get("Content-Type"))
	}
	var doc atomDoc
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("feed %s does not parse: %v", query, err)
	}
	return string(b), doc
}

func TestAtomFeed(t *testing.T) {
	ts, get := newSite(t)
	jing := jingPath(t)
	query := "q=DeepSeek&bank_type=city_commercial"
	raw, doc := fetchFeed(t, ts.URL, query)
	checkAtomRules(t, doc)
	if jing != "" {
		if msg := validAtom(t, jing, raw); msg != "" {
			t.Fatalf("the feed is not valid Atom:\n%s", msg)
		}
		// The validator does catch a broken feed: one without its id.
		broken := strings.Replace(raw, "<id>"+doc.IDs[0]+"</id>", "", 1)
		if msg := validAtom(t, jing, broken); msg == "" {
			t.Fatal("jing accepts a feed without an id")
		}
	}
	if !strings.Contains(doc.Titles[0], "DeepSeek") || !strings.Contains(doc.Titles[0], "城商行") {
		t.Errorf("feed title %q does not name the search", doc.Titles[0])
	}
	// The entries are the search's cases, newest first, as the API sorts them.
	res, err := http.Get(ts.URL + "/api/v1/search?sort=newest&size=50&" + query)
	if err != nil {
		t.Fatal(err)
	}
	var api struct {
		Total int
		Hits  []struct{ ID string }
	}
	json.NewDecoder(res.Body).Decode(&api)
	res.Body.Close()
	if len(doc.Entries) != len(api.Hits) || len(doc.Entries) < 3 {
		t.Fatalf("feed has %d entries, the search %d hits", len(doc.Entries), len(api.Hits))
	}
	for i, e := range doc.Entries {
		if want := ts.URL + "/cases/" + api.Hits[i].ID; e.Links[0].Href != want {
			t.Errorf("entry %d links %s, the search's hit %d is %s", i, e.Links[0].Href, i, want)
		}
		if e.Authors[0].Name == "" || !strings.Contains(e.Authors[0].URI, "/banks/") {
			t.Errorf("entry %d: author %+v", i, e.Authors[0])
		}
	}
	// A reader that holds this feed is told it has not changed.
	req, _ := http.NewRequest("GET", ts.URL+"/feed.atom?"+query, nil)
	req.Header.Set("If-None-Match", feedETag(t, ts.URL, query))
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match of the feed's ETag: %v %v", res.StatusCode, err)
	} else {
		res.Body.Close()
	}
	if feedETag(t, ts.URL, query) == feedETag(t, ts.URL, "q=DeepSeek") {
		t.Errorf("two feeds share an ETag")
	}
	// Ids are stable: the same search (its parameters in any order) is the
	// same feed of the same entries; another search is another feed.
	_, again := fetchFeed(t, ts.URL, "bank_type=city_commercial&q=DeepSeek&page=2")
	if again.IDs[0] != doc.IDs[0] || again.Entries[0].IDs[0] != doc.Entries[0].IDs[0] {
		t.Errorf("ids change between fetches")
	}
	_, other := fetchFeed(t, ts.URL, "q=DeepSeek")
	_, english := fetchFeed(t, ts.URL, query+"&lang=en")
	if other.IDs[0] == doc.IDs[0] || english.IDs[0] == doc.IDs[0] || english.Entries[0].IDs[0] == doc.Entries[0].IDs[0] {
		t.Errorf("two searches, or two languages, share a feed or entry id")
	}
	// At most 50 entries; a search that finds nothing is a valid empty feed;
	// English feeds are English.
	rawAll, all := fetchFeed(t, ts.URL, "q=")
	raw0, none := fetchFeed(t, ts.URL, "q=xyzzyqqq")
	_, en := fetchFeed(t, ts.URL, "q=green&lang=en")
	if len(all.Entries) != 50 || len(none.Entries) != 0 || !strings.HasPrefix(en.Titles[0], "casebank search: ") {
		t.Errorf("all: %d entries; none: %d; English title %q", len(all.Entries), len(none.Entries), en.Titles[0])
	}
	for _, d := range []atomDoc{all, none, en} {
		checkAtomRules(t, d)
	}
	if jing != "" {
		for name, r := range map[string]string{"all": rawAll, "none": raw0} {
			if msg := validAtom(t, jing, r); msg != "" {
				t.Errorf("%s feed is not valid Atom:\n%s", name, msg)
			}
		}
	}
	// A case's markup is text in the feed, not XML.
	rawHostile, hostile := fetchFeed(t, ts.URL, "q="+url.QueryEscape("防火墙"))
	if len(hostile.Entries) == 0 || !strings.Contains(hostile.Entries[0].Titles[0], `<script>alert("t")</script>`) || strings.Contains(rawHostile, "<script>") {
		t.Errorf("the hostile case's title is not escaped text in the feed")
	}
	// A malformed query is the search page's 400.
	if code, _, _ := get("/feed.atom?q=" + url.QueryEscape(`"unclosed`)); code != 400 {
		t.Errorf("malformed query: %d", code)
	}
	// Every search page links its feed, in the head and visibly.
	_, _, page := get("/?" + query)
	for _, want := range []string{`<link rel="alternate" type="application/atom+xml" href="/feed.atom?bank_type=city_commercial&amp;q=DeepSeek"`,
		`<a href="/feed.atom?bank_type=city_commercial&amp;q=DeepSeek" type="application/atom+xml">订阅此检索（Atom）</a>`} {
		if !strings.Contains(page, want) {
			t.Errorf("search page lacks %s", want)
		}
	}
	if _, _, page := get("/?q=green&lang=en"); !strings.Contains(page, `href="/feed.atom?lang=en&amp;q=green" type="application/atom+xml">Follow this search (Atom feed)</a>`) {
		t.Errorf("English search page lacks its English feed link")
	}
}

func feedETag(t *testing.T, base, query string) string {
	t.Helper()
	res, err := http.Get(base + "/feed.atom?" + query)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Header.Get("ETag") == "" {
		t.Fatalf("feed %s has no ETag", query)
	}
	return res.Header.Get("ETag")
}
