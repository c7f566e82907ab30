package api

import (
	"crypto/subtle"
	"math"
	"net/http"
	"strconv"
	"strings"

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

// Authenticate reads who is calling: a Bearer token, or a signed-in
// browser's session cookie (then unsafe methods must carry its CSRF token).
// Failed attempts are logged (never the token) and rate-limited per client
// address; an address over its limit is refused before its credential is
// checked, so that a guesser cannot tell a right guess from a wrong one.
func (s *Server) Authenticate(c echo.Context) (*corpus.Principal, error) {
	if p, ok := c.Get(principalKey).(*corpus.Principal); ok {
		return p, nil
	}
	header := c.Request().Header.Get(echo.HeaderAuthorization)
	session, _ := c.Cookie(SessionCookie)
	if header == "" && (session == nil || session.Value == "") {
		return nil, corpus.Errorf(corpus.EUNAUTHORIZED, "writing needs a token: send Authorization: Bearer <token>")
	}
	addr := c.RealIP()
	finish, err := s.attempt(c, addr)
	if err != nil {
		return nil, err
	}
	failed := false
	defer func() { finish(failed) }() // a panic must not keep the reservation
	p, err := s.credential(c, header, session)
	if failed = corpus.ErrorCode(err) == corpus.EUNAUTHORIZED; failed {
		s.logFailure("failed authentication", "addr", addr, "path", c.Request().URL.Path, "reason", corpus.ErrorMessage(err))
	}
	if err != nil {
		return nil, err
	}
	c.Set(principalKey, p)
	return p, nil
}

// credential checks a Bearer header, or else the session cookie.
func (s *Server) credential(c echo.Context, header string, session *http.Cookie) (*corpus.Principal, error) {
	ctx := c.Request().Context()
	if header != "" {
		secret, ok := strings.CutPrefix(header, "Bearer ")
		if !ok {
			return nil, corpus.Errorf(corpus.EUNAUTHORIZED, "Authorization must be: Bearer <token>")
		}
		return s.Store.Authenticate(ctx, strings.TrimSpace(secret))
	}
	sess, err := s.Store.FindSession(ctx, session.Value)
	if err != nil {
		return nil, err
	}
	if unsafe(c.Request().Method) && !validCSRF(c, sess.CSRF) {
		return nil, corpus.Errorf(corpus.EFORBIDDEN, "missing or wrong CSRF token: reload the page and try again")
	}
	return &corpus.Principal{Name: sess.Name, Role: sess.Role, TokenID: sess.TokenID}, nil
}

// attempt reserves one failed authentication for addr, or refuses with 429
// and Retry-After when addr has none left.
func (s *Server) attempt(c echo.Context, addr string) (finish func(failed bool), err error) {
	finish, wait, ok := s.failed.begin(addr)
	if !ok {
		secs := int(math.Ceil(wait.Seconds()))
		c.Response().Header().Set("Retry-After", strconv.Itoa(secs))
		return nil, corpus.Errorf(eRateLimited, "too many failed sign-ins from this address; try again in %d seconds", secs)
	}
	return finish, nil
}

// logFailure logs a failed authentication, as many as the log limit allows.
func (s *Server) logFailure(msg string, args ...any) {
	ok, dropped := s.authLog.allow()
	if !ok {
		return
	}
	if dropped > 0 {
		args = append(args, "suppressed", dropped)
	}
	s.Logger.Warn(msg, args...)
}

// clientAddress returns how echo reads a request's client address and
// scheme: from the connection, or, for connections from TrustedProxies,
// from the X-Forwarded-For and X-Forwarded-Proto headers they set.
func (s *Server) clientAddress() (echo.IPExtractor, echo.SchemeExtractor) {
	if len(s.TrustedProxies) == 0 {
		direct := echo.ExtractIPDirect()
		return func(r *http.Request) string {
			addr := direct(r)
			if r.Header.Get(echo.HeaderXForwardedFor) != "" {
				s.xffIgnored.Do(func() {
					s.Logger.Warn("X-Forwarded-For ignored: client addresses come from the connection; behind a proxy, name it with --trusted-proxy", "from", addr)
				})
			}
			return addr
		}, echo.ExtractSchemeDirect()
	}
	// echo also trusts loopback, link-local and private peers unless told
	// not to; trust only the ranges the operator named.
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range s.TrustedProxies {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...), echo.ExtractSchemeFromHeaders(opts...)
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
				perSecond, burst := s.writes.limits()
				return corpus.Errorf(eRateLimited, "too many writes; at most %g per second, bursts of %d", float64(perSecond), burst)
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
	finish, err := s.attempt(c, addr)
	if err != nil {
		return "", nil, err
	}
	failed := false
	defer func() { finish(failed) }()
	id, sess, err := s.Store.CreateSession(c.Request().Context(), strings.TrimSpace(secret))
	if failed = corpus.ErrorCode(err) == corpus.EUNAUTHORIZED; failed {
		s.logFailure("failed sign-in", "addr", addr, "reason", corpus.ErrorMessage(err))
	}
	return id, sess, err
}
