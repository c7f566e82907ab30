package app

import (
	"context"
	"crypto/subtle"
	"math"
	"net/http"
	"strings"

	"golang.org/x/time/rate"

	"casebank/corpus"
)

// Names of the session cookie and of the CSRF header and form field.
const (
	SessionCookie = "casebank_session"
	CSRFHeader    = "X-CSRF-Token"
	CSRFField     = "csrf"
)

type principalKey struct{}

// WithPrincipal returns ctx carrying who makes the request.
func WithPrincipal(ctx context.Context, p *corpus.Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns who makes the request, once Admit let it in; nil
// before.
func PrincipalFrom(ctx context.Context) *corpus.Principal {
	p, _ := ctx.Value(principalKey{}).(*corpus.Principal)
	return p
}

// Admit lets r through when its caller has role: it authenticates r (addr
// is the client's address as the front end reads it, proxies considered),
// checks the role and, for a write, the caller's write rate, and returns r
// with the principal in its context.
func (s *Service) Admit(r *http.Request, addr, role string) (*http.Request, error) {
	p, err := s.authenticate(r, addr, role)
	if err != nil {
		return nil, err
	}
	if !corpus.Can(p.Role, role) {
		return nil, corpus.Errorf(corpus.EFORBIDDEN, "%s needs the %s role; %s is %s", r.URL.Path, role, p.Name, p.Role)
	}
	if Unsafe(r.Method) {
		perSecond, burst := s.writeLimits()
		if !s.writes.allow(p.TokenID, perSecond, burst) {
			return nil, corpus.Errorf(ERATELIMITED, "too many writes; at most %g per second, bursts of %d", float64(perSecond), burst)
		}
	}
	return r.WithContext(WithPrincipal(r.Context(), p)), nil
}

// writeLimits returns the write rate and burst in force.
func (s *Service) writeLimits() (rate.Limit, int) {
	if s.WriteRate == 0 {
		return DefaultWriteRate, DefaultWriteBurst
	}
	return s.WriteRate, s.WriteBurst
}

// authenticate reads who sent r: a Bearer token, or a signed-in browser's
// session cookie (then an unsafe method must carry its CSRF token). Failed
// attempts are logged (never the token) and limited per client address; an
// address over its limit is refused before its credential is checked, so
// that a guesser cannot tell a right guess from a wrong one.
func (s *Service) authenticate(r *http.Request, addr, role string) (*corpus.Principal, error) {
	if p := PrincipalFrom(r.Context()); p != nil {
		return p, nil
	}
	header := r.Header.Get("Authorization")
	session, _ := r.Cookie(SessionCookie)
	if header == "" && (session == nil || session.Value == "") {
		// Most of what needs a token is a write, but not all: import
		// jobs, tokens and backups are read with one too.
		what := "writing"
		if !Unsafe(r.Method) {
			what = "reading " + r.URL.Path
		}
		return nil, corpus.Errorf(corpus.EUNAUTHORIZED, "%s needs an %s token: send Authorization: Bearer <token>", what, role)
	}
	finish, err := s.attempt(addr)
	if err != nil {
		return nil, err
	}
	failed := false
	defer func() { finish(failed) }() // a panic must not keep the reservation
	p, err := s.credential(r, header, session)
	if failed = corpus.ErrorCode(err) == corpus.EUNAUTHORIZED; failed {
		s.logFailure("failed authentication", "addr", addr, "path", r.URL.Path, "reason", corpus.ErrorMessage(err))
	}
	return p, err
}

// credential checks a Bearer header, or else the session cookie.
func (s *Service) credential(r *http.Request, header string, session *http.Cookie) (*corpus.Principal, error) {
	if header != "" {
		secret, ok := strings.CutPrefix(header, "Bearer ")
		if !ok {
			return nil, corpus.Errorf(corpus.EUNAUTHORIZED, "Authorization must be: Bearer <token>")
		}
		return s.store.Authenticate(r.Context(), strings.TrimSpace(secret))
	}
	sess, err := s.store.FindSession(r.Context(), session.Value)
	if err != nil {
		return nil, err
	}
	if Unsafe(r.Method) && !validCSRF(r, sess.CSRF) {
		return nil, corpus.Errorf(corpus.EFORBIDDEN, "missing or wrong CSRF token: reload the page and try again")
	}
	return &corpus.Principal{Name: sess.Name, Role: sess.Role, TokenID: sess.TokenID}, nil
}

func validCSRF(r *http.Request, want string) bool {
	got := r.Header.Get(CSRFHeader)
	if got == "" {
		got = r.FormValue(CSRFField)
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// Unsafe reports whether a request with method may change something.
func Unsafe(method string) bool {
	return method != http.MethodGet && method != http.MethodHead && method != http.MethodOptions
}

// attempt reserves one failed authentication for addr, or refuses, saying
// when to try again, when addr has none left.
func (s *Service) attempt(addr string) (finish func(failed bool), err error) {
	finish, wait, ok := s.failed.begin(addr)
	if !ok {
		secs := int(math.Ceil(wait.Seconds()))
		return nil, &retryLater{seconds: secs,
			err: corpus.Errorf(ERATELIMITED, "too many failed sign-ins from this address; try again in %d seconds", secs)}
	}
	return finish, nil
}

// logFailure logs a failed authentication, as many as the log limit allows.
func (s *Service) logFailure(msg string, args ...any) {
	ok, dropped := s.authLog.allow()
	if !ok {
		return
	}
	if dropped > 0 {
		args = append(args, "suppressed", dropped)
	}
	s.logger.Warn(msg, args...)
}

// SignIn starts a browser session from a token secret; failures count
// against the address's limit and are logged without the secret.
func (s *Service) SignIn(ctx context.Context, addr, secret string) (string, *corpus.Session, error) {
	finish, err := s.attempt(addr)
	if err != nil {
		return "", nil, err
	}
	failed := false
	defer func() { finish(failed) }()
	id, sess, err := s.store.CreateSession(ctx, strings.TrimSpace(secret))
	if failed = corpus.ErrorCode(err) == corpus.EUNAUTHORIZED; failed {
		s.logFailure("failed sign-in", "addr", addr, "reason", corpus.ErrorMessage(err))
	}
	return id, sess, err
}

// FindSession returns the signed-in browser of a session cookie's value.
func (s *Service) FindSession(ctx context.Context, id string) (*corpus.Session, error) {
	return s.store.FindSession(ctx, id)
}

// SignOut ends a browser session.
func (s *Service) SignOut(ctx context.Context, id string) error {
	return s.store.DeleteSession(ctx, id)
}

// CreateToken makes a token of the role; its secret is returned once.
func (s *Service) CreateToken(ctx context.Context, name, role string) (string, *corpus.Token, error) {
	return s.store.CreateToken(ctx, name, role)
}

// Tokens lists every token, revoked ones too.
func (s *Service) Tokens(ctx context.Context) ([]*corpus.Token, error) { return s.store.Tokens(ctx) }

// RevokeToken revokes a token at once: its requests and sessions are refused.
func (s *Service) RevokeToken(ctx context.Context, id string) error {
	return s.store.RevokeToken(ctx, id)
}
