package ui

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"casebank/corpus"
	"casebank/corpus/app"
	"casebank/index"
)

// feedEntries is how many of a search's newest cases a feed carries.
const feedEntries = 50

// Atom 1.0 (RFC 4287) as encoding/xml writes it. gorilla/feeds v1.2.0 was
// weighed and left: its AtomFeed holds one feed link (no self beside the
// alternate), writes categories as element text where Atom wants a term
// attribute, and has no xml:lang.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr"`
	ID      string      `xml:"id"`
	Title   atomText    `xml:"title"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomPerson  `xml:"author"`
	Gen     atomGen     `xml:"generator"`
	Entries []atomEntry `xml:"entry"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

type atomLink struct {
	Rel      string `xml:"rel,attr"`
	Type     string `xml:"type,attr,omitempty"`
	Href     string `xml:"href,attr"`
	HrefLang string `xml:"hreflang,attr,omitempty"`
}

type atomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type atomGen struct {
	Text string `xml:",chardata"`
}

type atomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      atomText       `xml:"title"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published,omitempty"`
	Author     atomPerson     `xml:"author"`
	Link       atomLink       `xml:"link"`
	Summary    *atomText      `xml:"summary,omitempty"`
	Categories []atomCategory `xml:"category"`
}

// feedParams are the search's own parameters (no page, size, sort or
// language), sorted: the feed's identity.
func feedParams(params url.Values) url.Values {
	q := url.Values{}
	for k, vs := range params {
		switch k {
		case "page", "size", "sort", "lang":
			continue
		}
		q[k] = append([]string(nil), vs...)
	}
	return q
}

// feedURL is the feed of the search params describe, in the page's language.
func feedURL(params url.Values, lang string) string {
	q := feedParams(params)
	if lang == "en" {
		q.Set("lang", "en")
	}
	return "/feed.atom?" + q.Encode()
}

// uuidURN is a name-based (SHA-1, version 5) UUID of name in casebank's
// namespace (RFC 9562 §5.5): the same case or search always gets the same
// id, on any host.
func uuidURN(name string) string {
	ns := [16]byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8} // the URL namespace
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte("casebank:" + name))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// atomTime is t in RFC 3339 (UTC, whole seconds).
func atomTime(t time.Time) string { return t.UTC().Truncate(time.Second).Format(time.RFC3339) }

// caseTimes are when a case was last changed and first stored; a case
// without stamps dates from the first day of its year.
func caseTimes(c *corpus.Case) (updated, published time.Time) {
	published = time.Date(max(c.Year, 1970), 1, 1, 0, 0, 0, 0, time.UTC)
	if c.Created != nil && !c.Created.At.IsZero() {
		published = c.Created.At
	}
	updated = published
	if c.Updated != nil && c.Updated.At.After(updated) {
		updated = c.Updated.At
	}
	return updated, published
}

// feed answers /feed.atom: the newest cases a search finds, as Atom.
func (u *UI) feed(c echo.Context) error {
	params := c.QueryParams()
	req, err := app.ParseSearch(params)
	if err != nil {
		return err
	}
	req.Sort, req.Page, req.Size = index.SortNewest, 1, feedEntries
	res, err := u.app.Search(c.Request().Context(), req)
	if err != nil {
		return err
	}
	l, err := u.labels(c)
	if err != nil {
		return err
	}
	base := c.Scheme() + "://" + c.Request().Host
	q := feedParams(params)
	// A feed and its entries in English are other documents than the Chinese
	// ones, so their ids differ; each stays the same from fetch to fetch.
	idSuffix := tr(l.lang, "", ":en")
	f := atomFeed{Lang: tr(l.lang, "zh-CN", "en"), ID: uuidURN("search:" + q.Encode() + idSuffix),
		Title:  atomText{Type: "text", Text: feedTitle(l, req)},
		Author: atomPerson{Name: "casebank", URI: base + "/"}, Gen: atomGen{Text: "casebank"},
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: base + feedURL(params, l.lang)},
			{Rel: "alternate", Type: "text/html", Href: base + "/" + strings.TrimPrefix(feedURL(params, l.lang), "/feed.atom")},
		}}
	var newest time.Time
	for _, h := range res.Hits {
		cs := h.Case
		if cs == nil {
			continue // a policy: no page of its own to link to
		}
		updated, published := caseTimes(cs)
		if updated.After(newest) {
			newest = updated
		}
		e := atomEntry{ID: uuidURN("case:" + cs.ID + idSuffix), Title: atomText{Type: "text", Text: pick(l.lang, cs.Title)},
			Updated: atomTime(updated), Published: atomTime(published),
			Author: atomPerson{Name: pick(l.lang, corpus.Text{ZH: cs.Bank.Name, EN: cs.Bank.NameEN})},
			Link:   atomLink{Rel: "alternate", Type: "text/html", Href: base + "/cases/" + url.PathEscape(cs.ID)}}
		if cs.Bank.ID != "" {
			e.Author.URI = base + "/banks/" + url.PathEscape(cs.Bank.ID)
		}
		if s := pick(l.lang, cs.Summary); s != "" {
			e.Summary = &atomText{Type: "text", Text: s}
		}
		for _, th := range cs.Themes {
			e.Categories = append(e.Categories, atomCategory{Term: th, Label: l.of(corpus.FacetTheme, th)})
		}
		f.Entries = append(f.Entries, e)
	}
	if newest.IsZero() {
		newest = time.Now() // nothing found yet: a feed still needs a date
	}
	f.Updated = atomTime(newest)
	out, err := xml.MarshalIndent(f, "", " ")
	if err != nil {
		return err
	}
	body := append([]byte(xml.Header), out...)
	// Feed readers poll: an unchanged feed is a 304 to the one they hold.
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	h := c.Response().Header()
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", etag)
	if match := c.Request().Header.Get("If-None-Match"); match != "" && strings.Contains(match, etag) {
		return c.NoContent(http.StatusNotModified)
	}
	return c.Blob(http.StatusOK, "application/atom+xml; charset=utf-8", body)
}

// feedTitle names the search: its words and its filters' labels.
func feedTitle(l labels, req index.Request) string {
	var parts []string
	if q := strings.TrimSpace(req.Text); q != "" {
		parts = append(parts, "“"+q+"”")
	}
	for _, name := range corpus.FacetNames() {
		for _, v := range req.Filter[name] {
			parts = append(parts, facetName(l.lang, name)+tr(l.lang, "：", ": ")+codeLabel(l, name, v))
		}
	}
	if len(parts) == 0 {
		return tr(l.lang, "casebank：最新案例", "casebank: newest cases")
	}
	return tr(l.lang, "casebank 检索：", "casebank search: ") + strings.Join(parts, tr(l.lang, "，", ", "))
}
