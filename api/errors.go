package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"syscall"

	"github.com/labstack/echo/v4"

	"casebank/corpus"
)

var statusByCode = map[string]int{
	corpus.ENOTFOUND:     http.StatusNotFound,
	corpus.EINVALID:      http.StatusBadRequest,
	corpus.ECONFLICT:     http.StatusConflict,
	corpus.EUNAUTHORIZED: http.StatusUnauthorized,
	corpus.EFORBIDDEN:    http.StatusForbidden,
	corpus.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	corpus.EUNAVAILABLE:  http.StatusServiceUnavailable,
	corpus.EINTERNAL:     http.StatusInternalServerError,
}

// codeByStatus names echo's own errors (unknown route, wrong method, body too large).
var codeByStatus = map[int]string{
	http.StatusBadRequest:            corpus.EINVALID,
	http.StatusUnauthorized:          corpus.EUNAUTHORIZED,
	http.StatusForbidden:             corpus.EFORBIDDEN,
	http.StatusNotFound:              corpus.ENOTFOUND,
	http.StatusMethodNotAllowed:      "method_not_allowed",
	http.StatusRequestEntityTooLarge: corpus.ETOOLARGE,
	http.StatusUnsupportedMediaType:  "unsupported_media_type",
}

// StatusClientClosed is logged for a request its client abandoned.
const StatusClientClosed = 499

// ErrorBody is the JSON shape of every error response.
type ErrorBody struct {
	Error struct {
		Code    string              `json:"code"`
		Message string              `json:"message"`
		Fields  []corpus.FieldError `json:"fields,omitempty"`
	} `json:"error"`
}

// Status returns the HTTP status and the response body for err.
func Status(err error) (int, ErrorBody) {
	var body ErrorBody
	var he *echo.HTTPError
	var ce *corpus.Error
	switch {
	case errors.Is(err, context.Canceled):
		// The client went away: no one reads this answer, and it is not a
		// server error (nginx's 499 names it in the log).
		body.Error.Code, body.Error.Message = "canceled", "the request was cancelled by the client"
		return StatusClientClosed, body
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		// A store write that fails is rolled back: nothing was stored.
		body.Error.Code = corpus.EUNAVAILABLE
		body.Error.Message = "the server's disk is full: nothing was stored; try again later"
		return http.StatusServiceUnavailable, body
	case errors.As(err, &ce):
		body.Error.Code, body.Error.Message, body.Error.Fields = ce.Code, ce.Message, ce.Fields
		if s, ok := statusByCode[ce.Code]; ok {
			return s, body
		}
		return http.StatusInternalServerError, body
	case errors.As(err, &he) && he.Code < 500:
		body.Error.Code = codeByStatus[he.Code]
		if body.Error.Code == "" {
			body.Error.Code = corpus.EINVALID
		}
		body.Error.Message = http.StatusText(he.Code)
		if m, ok := he.Message.(string); ok {
			body.Error.Message = m
		}
		return he.Code, body
	}
	body.Error.Code, body.Error.Message = corpus.EINTERNAL, "internal error"
	return http.StatusInternalServerError, body
}

// ErrorHandler returns echo's HTTPErrorHandler: JSON errors, internals logged only.
func ErrorHandler(logger *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		status, body := Status(err)
		if status >= 500 {
			logger.Error("request failed", "id", c.Get("casebank.request_id"), "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
		}
		if IsHead(c) {
			err = c.NoContent(status)
		} else {
			err = c.JSON(status, body)
		}
		if err != nil {
			logger.Error("write error response", "err", err)
		}
	}
}
