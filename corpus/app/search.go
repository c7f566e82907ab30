package app

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"casebank/corpus"
	"casebank/index"
)

// ParseSearch reads a search request from URL parameters: the API and the
// pages both read theirs with it, so that a page URL and an API URL mean the
// same search.
func ParseSearch(qp url.Values) (index.Request, error) {
	req := index.Request{Text: qp.Get("q"), Filter: corpus.Filter{}}
	if len(qp["q"]) > 1 {
		return req, corpus.Errorf(corpus.EINVALID, "give q once")
	}
	// Each facet of the table is a parameter; index resolves and checks the values.
	for _, facet := range corpus.Facets {
		if vals := SplitValues(qp[facet.Name]); len(vals) > 0 {
			req.Filter[facet.Name] = vals
		}
	}
	switch qp.Get("infer") {
	case "", "true", "1":
	case "false", "0":
		req.NoInfer = true
	default:
		return req, corpus.Errorf(corpus.EINVALID, "infer must be true or false, not %q", qp.Get("infer"))
	}
	for _, f := range SplitValues(qp["noinfer"]) {
		facet, ok := corpus.FacetByName(f)
		if !ok {
			return req, &corpus.Error{Code: corpus.EINVALID, Message: fmt.Sprintf("noinfer: unknown field %q", f),
				Fields: []corpus.FieldError{{Field: "noinfer", Message: "unknown field", Allowed: corpus.AllowedCodes(corpus.FacetNames()...)}}}
		}
		req.NoInferFields = append(req.NoInferFields, facet.Name)
	}
	req.Sort = qp.Get("sort")
	var err error
	if req.Page, err = IntParam(qp, "page"); err != nil {
		return req, err
	}
	if req.Size, err = IntParam(qp, "size"); err != nil {
		return req, err
	}
	return req, nil
}

// SplitValues accepts repeated parameters and comma-separated lists alike.
func SplitValues(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// NoCache reports whether a request asks for an answer computed anew
// (Cache-Control: no-cache, a browser's reload) rather than one kept from a
// recent request: the API and the pages read it alike.
func NoCache(h http.Header) bool {
	return strings.Contains(h.Get("Cache-Control"), "no-cache")
}

// IntParam reads a whole-number parameter; an absent one is 0.
func IntParam(qp url.Values, name string) (int, error) {
	v := qp.Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, corpus.Errorf(corpus.EINVALID, "%s must be a whole number, not %q", name, v)
	}
	return n, nil
}
