package boltdb

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"

	"casebank/corpus"
)

var (
	bucketTokens   = []byte("tokens")
	bucketSessions = []byte("sessions")
)

func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

func randomString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// CreateToken makes a token and returns its secret, which is shown once and
// never stored.
func (s *Store) CreateToken(ctx context.Context, name, role string) (secret string, tok *corpus.Token, err error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", nil, &corpus.Error{Code: corpus.EINVALID, Message: "a token needs a name (who will use it)",
			Fields: []corpus.FieldError{{Field: "name", Message: "needs a name"}}}
	}
	if n := utf8.RuneCountInString(name); n > corpus.MaxName || strings.IndexFunc(name, unicode.IsControl) >= 0 {
		return "", nil, &corpus.Error{Code: corpus.EINVALID, Message: fmt.Sprintf("a token's name is at most %d characters, without control characters", corpus.MaxName),
			Fields: []corpus.FieldError{{Field: "name", Message: fmt.Sprintf("at most %d characters (this one has %d), no control characters", corpus.MaxName, n)}}}
	}
	if role != corpus.RoleEditor && role != corpus.RoleAdmin {
		return "", nil, &corpus.Error{Code: corpus.EINVALID, Message: fmt.Sprintf("unknown role %q", role),
			Fields: []corpus.FieldError{{Field: "role", Message: "unknown role", Allowed: corpus.AllowedCodes(corpus.RoleEditor, corpus.RoleAdmin)}}}
	}
	secret = "cb_" + randomString(32)
	tok = &corpus.Token{ID: "t" + randomString(6), Name: name, Role: role, Hash: hashSecret(secret), Created: s.now().UTC()}
	err = s.db.Update(func(tx *bolt.Tx) error {
		return putJSON(tx.Bucket(bucketTokens), []byte(tok.ID), tok)
	})
	if err != nil {
		return "", nil, fmt.Errorf("store: create token: %w", err)
	}
	return secret, tok, nil
}

// Tokens lists every token, revoked ones included.
func (s *Store) Tokens(ctx context.Context) ([]*corpus.Token, error) {
	var out []*corpus.Token
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketTokens).ForEach(func(k, v []byte) error {
			var t corpus.Token
			if err := json.Unmarshal(v, &t); err != nil {
				return damagedRecord("token", string(k), err)
			}
			out = append(out, &t)
			return nil
		})
	})
	return out, err
}

// RevokeToken revokes a token by id; its sessions end with it.
func (s *Store) RevokeToken(ctx context.Context, id string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketTokens)
		v := b.Get([]byte(id))
		if v == nil {
			return corpus.Errorf(corpus.ENOTFOUND, "token %q not found", id)
		}
		var t corpus.Token
		if err := json.Unmarshal(v, &t); err != nil {
			return damagedRecord("token", id, err)
		}
		if t.Revoked == nil {
			now := s.now().UTC()
			t.Revoked = &now
		}
		return putJSON(b, []byte(id), &t)
	})
}

// Authenticate finds the live token whose secret this is. Every token's
// hash is compared in constant time, so timing says nothing about secrets.
func (s *Store) Authenticate(ctx context.Context, secret string) (*corpus.Principal, error) {
	if secret == "" {
		return nil, corpus.Errorf(corpus.EUNAUTHORIZED, "sign in: send Authorization: Bearer <token>")
	}
	want := []byte(hashSecret(secret))
	var found *corpus.Token
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketTokens).ForEach(func(k, v []byte) error {
			var t corpus.Token
			if err := json.Unmarshal(v, &t); err != nil {
				return damagedRecord("token", string(k), err)
			}
			if subtle.ConstantTimeCompare([]byte(t.Hash), want) == 1 {
				found = &t
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	if found == nil {
		return nil, corpus.Errorf(corpus.EUNAUTHORIZED, "unknown token")
	}
	if found.Revoked != nil {
		return nil, corpus.Errorf(corpus.EUNAUTHORIZED, "token %s was revoked", found.ID)
	}
	return &corpus.Principal{Name: found.Name, Role: found.Role, TokenID: found.ID}, nil
}

// CreateSession signs a browser in with a token secret and returns the
// cookie value and the session.
func (s *Store) CreateSession(ctx context.Context, secret string) (string, *corpus.Session, error) {
	p, err := s.Authenticate(ctx, secret)
	if err != nil {
		return "", nil, err
	}
	id := randomString(32)
	sess := &corpus.Session{Hash: hashSecret(id), TokenID: p.TokenID, Name: p.Name, Role: p.Role, CSRF: randomString(24), Expires: s.now().UTC().Add(corpus.SessionTTL)}
	err = s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSessions)
		// Drop expired sessions while we are here.
		now := s.now()
		var stale [][]byte
		b.ForEach(func(k, v []byte) error {
			var old corpus.Session
			if json.Unmarshal(v, &old) != nil || now.After(old.Expires) {
				stale = append(stale, append([]byte(nil), k...))
			}
			return nil
		})
		for _, k := range stale {
			b.Delete(k)
		}
		return putJSON(b, []byte(sess.Hash), sess)
	})
	if err != nil {
		return "", nil, fmt.Errorf("store: session: %w", err)
	}
	return id, sess, nil
}

// FindSession returns the live session for a cookie value; a session whose
// token was revoked has ended.
func (s *Store) FindSession(ctx context.Context, id string) (*corpus.Session, error) {
	var sess *corpus.Session
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketSessions).Get([]byte(hashSecret(id)))
		if v == nil {
			return corpus.Errorf(corpus.EUNAUTHORIZED, "not signed in")
		}
		sess = &corpus.Session{}
		if err := json.Unmarshal(v, sess); err != nil {
			return damagedRecord("session of token", "", err)
		}
		if s.now().After(sess.Expires) {
			return corpus.Errorf(corpus.EUNAUTHORIZED, "session expired: sign in again")
		}
		tv := tx.Bucket(bucketTokens).Get([]byte(sess.TokenID))
		var t corpus.Token
		if tv != nil {
			if err := json.Unmarshal(tv, &t); err != nil {
				return damagedRecord("token", sess.TokenID, err)
			}
		}
		if tv == nil || t.Revoked != nil {
			return corpus.Errorf(corpus.EUNAUTHORIZED, "the token of this session was revoked")
		}
		return nil
	})
	return sess, err
}

// DeleteSession signs a browser out.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSessions).Delete([]byte(hashSecret(id)))
	})
}
