package corpus

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// KindPolicy is the record kind of a policy document.
const KindPolicy = "policy"

// Policy is a government or regulatory policy the report lists, searchable
// beside cases.
type Policy struct {
	ID      string   `json:"id"`
	Kind    string   `json:"kind"`
	Name    string   `json:"name"`
	NameEN  string   `json:"name_en,omitempty"`
	Issuer  string   `json:"issuer,omitempty"`
	Date    string   `json:"date"` // YYYY, YYYY-MM or YYYY-MM-DD
	Region  string   `json:"region"`
	Points  Text     `json:"points"`
	Themes  []string `json:"themes"`
	Source  Source   `json:"source"`
	Version int      `json:"version"`
	Created *Stamp   `json:"created,omitempty"`
	Updated *Stamp   `json:"updated,omitempty"`
}

var datePattern = regexp.MustCompile(`^(19|20)\d\d(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$`)

// Year returns the year the policy was issued.
func (p *Policy) Year() int {
	var y int
	fmt.Sscanf(p.Date, "%4d", &y)
	return y
}

// Validate checks a policy against the limits and the taxonomy.
func (p *Policy) Validate(t *Taxonomy) error {
	l, themesOK := p.limits()
	bad := func(field, msg string, allowed ...string) {
		l.fields = append(l.fields, FieldError{Field: field, Message: msg, Allowed: allowed})
	}
	if !ValidID(p.ID) {
		bad("id", "must be lowercase ASCII words joined by '-' (at most 120 characters)")
	}
	if p.Kind != KindPolicy {
		bad("kind", "unknown kind "+quoteShort(p.Kind), KindPolicy)
	}
	if strings.TrimSpace(p.Name) == "" {
		bad("name", "a policy needs its name")
	}
	if !datePattern.MatchString(p.Date) {
		bad("date", "must be YYYY, YYYY-MM or YYYY-MM-DD")
	}
	if !t.Has(FacetRegion, p.Region) {
		bad("region", "unknown region "+quoteShort(p.Region), t.Codes(FacetRegion)...)
	}
	if u := unknownIf(themesOK, t, FacetTheme, p.Themes); len(u) > 0 {
		bad("themes", "unknown theme "+quoteSome(u), t.Codes(FacetTheme)...)
	}
	return l.err("policy")
}

// limits checks a policy's text and lists, needing no taxonomy.
func (p *Policy) limits() (l limits, themesOK bool) {
	l.text("name", p.Name, MaxPolicyName)
	l.text("name_en", p.NameEN, MaxPolicyName)
	l.text("issuer", p.Issuer, MaxIssuer)
	l.text("points.zh", p.Points.ZH, MaxPoints)
	l.text("points.en", p.Points.EN, MaxPoints)
	l.text("region", p.Region, MaxCode)
	l.source(p.Source)
	themesOK = l.list("themes", p.Themes, MaxThemes, MaxCode)
	return l, themesOK
}

// PutPolicy creates or replaces a policy.
func (s *Store) PutPolicy(ctx context.Context, p *Policy, by string) error {
	// The checks that need no taxonomy run before the write lock.
	check := *p
	check.Themes = dedupe(p.Themes)
	if l, _ := check.limits(); len(l.fields) > 0 {
		return l.err("policy")
	}
	return s.db.Update(func(tx *bolt.Tx) error { return s.putPolicy(tx, p, by) })
}

func (s *Store) putPolicy(tx *bolt.Tx, p *Policy, by string) error {
	t, err := s.taxonomyIn(tx)
	if err != nil {
		return err
	}
	p.Themes = dedupe(p.Themes)
	if p.Themes == nil {
		p.Themes = []string{}
	}
	if err := p.Validate(t); err != nil {
		return err
	}
	b := tx.Bucket(bucketPolicies)
	now := Stamp{At: s.now().UTC(), By: by}
	if old := b.Get([]byte(p.ID)); old != nil {
		var o Policy
		if err := json.Unmarshal(old, &o); err != nil {
			return damagedRecord("policy", p.ID, err)
		}
		p.Version, p.Created, p.Updated = o.Version+1, o.Created, &now
	} else if p.Version < 1 || p.Updated == nil {
		// A new policy; one restored from an export keeps its version and stamps.
		p.Version, p.Updated = 1, &now
	}
	if p.Created == nil {
		p.Created = &now
	}
	if err := putJSON(b, []byte(p.ID), p); err != nil {
		return fmt.Errorf("store: put policy %s: %w", p.ID, err)
	}
	_, err = s.appendChange(tx, OpPolicyPut, p.ID, by)
	return err
}

// FindPolicyByID returns one policy or an ENOTFOUND error.
func (s *Store) FindPolicyByID(ctx context.Context, id string) (*Policy, error) {
	var p *Policy
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		p, err = getPolicy(tx, id)
		return err
	})
	return p, err
}

func getPolicy(tx *bolt.Tx, id string) (*Policy, error) {
	v := tx.Bucket(bucketPolicies).Get([]byte(id))
	if v == nil {
		return nil, Errorf(ENOTFOUND, "policy %s not found", quoteShort(id))
	}
	var p Policy
	if err := json.Unmarshal(v, &p); err != nil {
		return nil, damagedRecord("policy", id, err)
	}
	return &p, nil
}

// FindPolicies returns every policy in id order.
func (s *Store) FindPolicies(ctx context.Context) ([]*Policy, error) {
	var out []*Policy
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketPolicies).ForEach(func(k, v []byte) error {
			var p Policy
			if err := json.Unmarshal(v, &p); err != nil {
				return damagedRecord("policy", string(k), err)
			}
			out = append(out, &p)
			return nil
		})
	})
	return out, err
}
