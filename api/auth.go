package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"casebank/corpus/app"
)

// Require returns middleware that lets through only callers with role (a
// Bearer token, or a session cookie with its CSRF token), within their
// write rate; handlers then read the caller with app.PrincipalFrom.
func (s *Server) Require(role string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r, err := s.App.Admit(c.Request(), c.RealIP(), role)
			if err != nil {
				return err
			}
			c.SetRequest(r)
			return next(c)
		}
	}
}

// by names the caller a Require middleware let in, for the change log.
func by(c echo.Context) string { return app.PrincipalFrom(c.Request().Context()).Name }

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
