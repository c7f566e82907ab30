package boltdb

import (
	"context"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"casebank/corpus"
)

// PutPolicy creates or replaces a policy.
func (s *Store) PutPolicy(ctx context.Context, p *corpus.Policy, by string) error {
	// The checks that need no taxonomy run before the write lock.
	check := *p
	check.Normalize()
	if err := check.CheckLimits(); err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error { return s.putPolicy(tx, p, by) })
}

func (s *Store) putPolicy(tx *bolt.Tx, p *corpus.Policy, by string) error {
	t, err := s.taxonomyIn(tx)
	if err != nil {
		return err
	}
	p.Normalize()
	if err := p.Validate(t); err != nil {
		return err
	}
	b := tx.Bucket(bucketPolicies)
	now := corpus.Stamp{At: s.now().UTC(), By: by}
	if old := b.Get([]byte(p.ID)); old != nil {
		var o corpus.Policy
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
	_, err = s.appendChange(tx, corpus.OpPolicyPut, p.ID, by)
	return err
}

// FindPolicyByID returns one policy or an ENOTFOUND error.
func (s *Store) FindPolicyByID(ctx context.Context, id string) (*corpus.Policy, error) {
	var p *corpus.Policy
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		p, err = getPolicy(tx, id)
		return err
	})
	return p, err
}

func getPolicy(tx *bolt.Tx, id string) (*corpus.Policy, error) {
	v := tx.Bucket(bucketPolicies).Get([]byte(id))
	if v == nil {
		return nil, corpus.Errorf(corpus.ENOTFOUND, "policy %s not found", corpus.QuoteShort(id))
	}
	var p corpus.Policy
	if err := json.Unmarshal(v, &p); err != nil {
		return nil, damagedRecord("policy", id, err)
	}
	return &p, nil
}

// FindPolicies returns every policy in id order.
func (s *Store) FindPolicies(ctx context.Context) ([]*corpus.Policy, error) {
	var out []*corpus.Policy
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketPolicies).ForEach(func(k, v []byte) error {
			var p corpus.Policy
			if err := json.Unmarshal(v, &p); err != nil {
				return damagedRecord("policy", string(k), err)
			}
			out = append(out, &p)
			return nil
		})
	})
	return out, err
}
