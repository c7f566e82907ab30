package corpus

import (
	"time"
)

// Roles. Reading needs none; editors create, edit, tag and import; admins
// also delete, change the codebook and manage tokens.
const (
	RoleEditor = "editor"
	RoleAdmin  = "admin"
)

// Can reports whether role may do what needs the role want.
func Can(role, want string) bool {
	switch want {
	case RoleEditor:
		return role == RoleEditor || role == RoleAdmin
	case RoleAdmin:
		return role == RoleAdmin
	}
	return false
}

// Token is an API token as stored: only the hash of the secret is kept.
type Token struct {
	ID      string     `json:"id"` // short public id, for listing and revoking
	Name    string     `json:"name"`
	Role    string     `json:"role"`
	Hash    string     `json:"hash"` // hex sha256 of the secret
	Created time.Time  `json:"created"`
	Revoked *time.Time `json:"revoked,omitempty"`
}

// Principal is who is making a request.
type Principal struct {
	Name    string
	Role    string
	TokenID string
}

// Session is a signed-in browser: the cookie holds a random id; the store
// keeps its hash, the principal, a CSRF token and an expiry.
type Session struct {
	Hash    string    `json:"hash"`
	TokenID string    `json:"token_id"`
	Name    string    `json:"name"`
	Role    string    `json:"role"`
	CSRF    string    `json:"csrf"`
	Expires time.Time `json:"expires"`
}

// SessionTTL is how long a browser stays signed in.
const SessionTTL = 12 * time.Hour
