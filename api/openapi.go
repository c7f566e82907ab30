package api

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"net/http"
	"path"
	"time"

	"github.com/labstack/echo/v4"

	"casebank/corpus"
)

// OpenAPI is the API's contract, written by hand: every route Echo serves
// is in it, and TestEveryRouteIsDocumented fails otherwise.
//
//go:embed openapi.json
var OpenAPI []byte

// docsFS is the reference page and the Swagger UI it runs (docs/README.md).
//
//go:embed docs/index.html docs/init.js docs/swagger-ui-bundle.js docs/swagger-ui.css docs/LICENSE docs/NOTICE docs/swagger-ui-bundle.js.LICENSE.txt
var docsFS embed.FS

// SwaggerUIVersion is the version of the vendored swagger-ui-dist.
const SwaggerUIVersion = "5.35.0"

// docsPolicy is the reference page's Content-Security-Policy: the API's
// default-src 'none' plus what Swagger UI needs from its own origin — its
// script and stylesheet, the data: images of its stylesheet, and fetching
// the document (and, with "Try it out", the API). No inline code, nothing
// from elsewhere.
const docsPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// registerDocs adds the contract and its reference page.
func registerDocs(e *echo.Echo) {
	e.GET("/api/v1/openapi.json", openAPIDocument)
	e.GET("/api/docs", docsPage)
	e.GET("/api/docs/:file", docsAsset)
}

func openAPIDocument(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-cache")
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, OpenAPI)
}

func docsPage(c echo.Context) error {
	page, err := docsFS.ReadFile("docs/index.html")
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Security-Policy", docsPolicy)
	h.Set("Cache-Control", "no-cache")
	return c.Blob(http.StatusOK, echo.MIMETextHTMLCharsetUTF8, page)
}

// docsTypes are the content types of the page's files, fixed here rather
// than read from the system's MIME table, which may differ between machines.
var docsTypes = map[string]string{
	".js":  "text/javascript; charset=utf-8",
	".css": "text/css; charset=utf-8",
	"":     echo.MIMETextPlainCharsetUTF8, // LICENSE, NOTICE
	".txt": echo.MIMETextPlainCharsetUTF8,
}

// docsAsset serves the page's files (index.html only as /api/docs), with an
// ETag of their content: a browser asks again each time and gets a 304.
func docsAsset(c echo.Context) error {
	name := c.Param("file")
	body, err := docsFS.ReadFile("docs/" + name)
	ct, ok := docsTypes[path.Ext(name)]
	if err != nil || !ok {
		return corpus.Errorf(corpus.ENOTFOUND, "no file %q of the API reference page", name)
	}
	sum := sha256.Sum256(body)
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, ct)
	h.Set("ETag", `"`+hex.EncodeToString(sum[:8])+`"`)
	h.Set("Cache-Control", "no-cache")
	http.ServeContent(c.Response(), c.Request(), name, time.Time{}, bytes.NewReader(body))
	return nil
}
