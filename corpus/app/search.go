package app

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"casebank/corpus"
	"casebank/index"
)

// ParseSearch reads a search request from URL parameters: the API and the
// pages both read theirs with it, so that a page URL and an API URL mean the
// same search.
func ParseSearch(qp url.Values) (index.Request, error) {
	req := index.Request{
		Text: qp.Get("q"),
		Filter: corpus.Filter{
			Kinds:      SplitValues(qp["kind"]),
			Dimensions: SplitValues(qp["dimension"]),
			BankTypes:  SplitValues(qp["bank_type"]),
			Themes:     SplitValues(qp["theme"]),
			Regions:    SplitValues(qp["region"]),
			Banks:      SplitValues(qp["bank"]),
		},
	}
	if len(qp["q"]) > 1 {
		return req, corpus.Errorf(corpus.EINVALID, "give q once")
	}
	for _, y := range SplitValues(qp["year"]) {
		n, err := strconv.Atoi(y)
		if err != nil || n < corpus.MinYear || n > corpus.MaxYear {
			return req, corpus.Errorf(corpus.EINVALID, "year %q must be a year between %d and %d", y, corpus.MinYear, corpus.MaxYear)
		}
		req.Filter.Years = append(req.Filter.Years, n)
	}
	switch qp.Get("infer") {
	case "", "true", "1":
	case "false", "0":
		req.NoInfer = true
	default:
		return req, corpus.Errorf(corpus.EINVALID, "infer must be true or false, not %q", qp.Get("infer"))
	}
	for _, f := range SplitValues(qp["noinfer"]) {
		if !slices.Contains(index.FacetFields, f) {
			return req, &corpus.Error{Code: corpus.EINVALID, Message: fmt.Sprintf("noinfer: unknown field %q", f),
				Fields: []corpus.FieldError{{Field: "noinfer", Message: "unknown field", Allowed: index.FacetFields}}}
		}
		req.NoInferFields = append(req.NoInferFields, f)
	}
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
