package api

import (
	"crypto/subtle"

	"golang.org/x/time/rate"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"casebank/corpus"
)

// Names of the session cookie and the CSRF header and form field.
const (
	SessionCookie = "casebank_session"
	CSRFHeader    = "X-CSRF-Token"
	CSRFField     = "csrf"
)

// Error codes the API adds to corpus's.
const (
	eUnprocessable = "unprocessable"
	ePrecondition  = "precondition_required"
	eRateLimited   = "rate_limited"
	eMediaType     = "unsupported_media_type"
)

func init() {
	statusByCode[eUnprocessable] = http.StatusUnprocessableEntity
	statusByCode[ePrecondition] = http.StatusPreconditionRequired
	statusByCode[eRateLimited] = http.StatusTooManyRequests
	statusByCode[eMediaType] = http.StatusUnsupportedMediaType
}

const principalKey = "casebank.principal"

// failures limits failed sign-ins per client address: after maxFailures in
// failureWindow the address must wait for the window to pass.
type failures struct {
	mu   sync.Mutex
	seen map[string][]time.Time
}

const (
	maxFailures   = 10
	failureWindow = time.Minute
)

func (f *failures) blocked(addr string, now time.Time) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.seen == nil {
		f.seen = map[string][]time.Time{}
	}
	recent := f.seen[addr][:0]
	for _, t := range f.seen[addr] {
		if now.Sub(t) < failureWindow {
			recent = append(recent, t)
		}
	}
	f.seen[addr] = recent
	return len(recent) >= maxFailures
}

func (f *failures) add(addr string, now time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.seen == nil {
		f.seen = map[string][]time.Time{}
	}
	f.seen[addr] = append(f.seen[addr], now)
}

// Authenticate reads who is calling: a Bearer token, or a signed-in
// browser's session cookie (then unsafe methods must carry its CSRF token).
// Failed attempts are logged (never the token) and rate-limited.
func (s *Server) Authenticate(c echo.Context) (*corpus.Principal, error) {
	if p, ok := c.Get(principalKey).(*corpus.Principal); ok {
		return p, nil
	}
	addr := c.RealIP()
	now := time.Now()
	if s.failed.blocked(addr, now) {
		return nil, corpus.Errorf(eRateLimited, "too many failed sign-ins from this address; wait a minute")
	}
	ctx := c.Request().Context()
	var p *corpus.Principal
	var err error
	if h := c.Request().Header.Get(echo.HeaderAuthorization); h != "" {
		secret, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			err = corpus.Errorf(corpus.EUNAUTHORIZED, "Authorization must be: Bearer <token>")
		} else {
			p, err = s.Store.Authenticate(ctx, strings.TrimSpace(secret))
		}
	} else if ck, cerr := c.Cookie(SessionCookie); cerr == nil && ck.Value != "" {
		var sess *corpus.Session
		if sess, err = s.Store.FindSession(ctx, ck.Value); err == nil {
			if unsafe(c.Request().Method) && !validCSRF(c, sess.CSRF) {
				return nil, corpus.Errorf(corpus.EFORBIDDEN, "missing or wrong CSRF token: reload the page and try again")
			}
			p = &corpus.Principal{Name: sess.Name, Role: sess.Role, TokenID: sess.TokenID}
		}
	} else {
		return nil, corpus.Errorf(corpus.EUNAUTHORIZED, "writing needs a token: send Authorization: Bearer <token>")
	}
	if err != nil {
		if corpus.ErrorCode(err) == corpus.EUNAUTHORIZED {
			s.failed.add(addr, now)
			s.Logger.Warn("failed authentication", "addr", addr, "path", c.Request().URL.Path, "reason", corpus.ErrorMessage(err))
		}
		return nil, err
	}
	c.Set(principalKey, p)
	return p, nil
}

func unsafe(method string) bool {
	return method != http.MethodGet && method != http.MethodHead && method != http.MethodOptions
}

func validCSRF(c echo.Context, want string) bool {
	got := c.Request().Header.Get(CSRFHeader)
	if got == "" {
		got = c.FormValue(CSRFField)
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// Require returns middleware that lets through only principals with role.
func (s *Server) Require(role string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			p, err := s.Authenticate(c)
			if err != nil {
				return err
			}
			if !corpus.Can(p.Role, role) {
				return corpus.Errorf(corpus.EFORBIDDEN, "%s needs the %s role; %s is %s", c.Request().URL.Path, role, p.Name, p.Role)
			}
			if unsafe(c.Request().Method) && !s.writes.allow(p.TokenID) {
				return corpus.Errorf(eRateLimited, "too many writes; at most %d per second, bursts of %d", writeRate, writeBurst)
			}
			return next(c)
		}
	}
}

// Principal returns who made the request, once a Require middleware ran.
func Principal(c echo.Context) *corpus.Principal {
	p, _ := c.Get(principalKey).(*corpus.Principal)
	return p
}

// SignIn starts a browser session from a token secret; failures count
// against the address's limit and are logged without the secret.
func (s *Server) SignIn(c echo.Context, secret string) (string, *corpus.Session, error) {
	addr := c.RealIP()
	now := time.Now()
	if s.failed.blocked(addr, now) {
		return "", nil, corpus.Errorf(eRateLimited, "too many failed sign-ins from this address; wait a minute")
	}
	id, sess, err := s.Store.CreateSession(c.Request().Context(), strings.TrimSpace(secret))
	if err != nil && corpus.ErrorCode(err) == corpus.EUNAUTHORIZED {
		s.failed.add(addr, now)
		s.Logger.Warn("failed sign-in", "addr", addr, "reason", corpus.ErrorMessage(err))
	}
	return id, sess, err
}

// Each token may write writeRate times a second, in bursts of writeBurst.
const (
	writeRate  = 50
	writeBurst = 200
)

// writeLimits holds one token bucket per token.
type writeLimits struct {
	mu      sync.Mutex
	buckets map[string]*rate.Limiter
}

func (w *writeLimits) allow(tokenID string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.buckets == nil {
		w.buckets = map[string]*rate.Limiter{}
	}
	l, ok := w.buckets[tokenID]
	if !ok {
		l = rate.NewLimiter(writeRate, writeBurst)
		w.buckets[tokenID] = l
	}
	return l.Allow()
}
