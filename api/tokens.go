package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"casebank/corpus"
)

// TokenJSON is a token as the API shows it: never its hash.
type TokenJSON struct {
	ID      string     `json:"id"`
	Name    string     `json:"name"`
	Role    string     `json:"role"`
	Created time.Time  `json:"created"`
	Revoked *time.Time `json:"revoked,omitempty"`
}

// NewTokenJSON is a created token with its secret, shown this once.
type NewTokenJSON struct {
	Token  TokenJSON `json:"token"`
	Secret string    `json:"secret"`
}

func tokenJSON(t *corpus.Token) TokenJSON {
	return TokenJSON{ID: t.ID, Name: t.Name, Role: t.Role, Created: t.Created, Revoked: t.Revoked}
}

// registerTokens adds token management for admins on a running server.
func (s *Server) registerTokens(v1 *echo.Group) {
	admin := s.Require(corpus.RoleAdmin)
	v1.POST("/tokens", s.createToken, admin)
	v1.GET("/tokens", s.tokens, admin)
	v1.DELETE("/tokens/:id", s.revokeToken, admin)
}

func (s *Server) createToken(c echo.Context) error {
	var req struct {
		Name string `json:"name"`
		Role string `json:"role"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	secret, tok, err := s.App.CreateToken(c.Request().Context(), req.Name, req.Role)
	if err != nil {
		return unprocessable(err)
	}
	s.Logger.Info("token created", "id", tok.ID, "role", tok.Role, "by", by(c))
	c.Response().Header().Set("Cache-Control", "no-store") // the secret
	return c.JSON(http.StatusCreated, NewTokenJSON{Token: tokenJSON(tok), Secret: secret})
}

func (s *Server) tokens(c echo.Context) error {
	toks, err := s.App.Tokens(c.Request().Context())
	if err != nil {
		return err
	}
	out := make([]TokenJSON, len(toks))
	for i, t := range toks {
		out[i] = tokenJSON(t)
	}
	return c.JSON(http.StatusOK, map[string]any{"tokens": out})
}

func (s *Server) revokeToken(c echo.Context) error {
	if err := s.App.RevokeToken(c.Request().Context(), c.Param("id")); err != nil {
		return err
	}
	s.Logger.Info("token revoked", "id", c.Param("id"), "by", by(c))
	return c.NoContent(http.StatusNoContent)
}
