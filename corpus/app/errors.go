package app

import (
	"context"
	"errors"
	"net/http"
	"syscall"

	"casebank/corpus"
)

// Error codes the application adds to corpus's, for refusals that are about
// the request rather than the data.
const (
	EUNPROCESSABLE = "unprocessable"          // well-formed but invalid: 422
	EPRECONDITION  = "precondition_required"  // an update that names no version: 428
	ERATELIMITED   = "rate_limited"           // too many attempts or writes: 429
	EMEDIATYPE     = "unsupported_media_type" // a body that is not JSON: 415
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
	EUNPROCESSABLE:       http.StatusUnprocessableEntity,
	EPRECONDITION:        http.StatusPreconditionRequired,
	ERATELIMITED:         http.StatusTooManyRequests,
	EMEDIATYPE:           http.StatusUnsupportedMediaType,
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

// Status returns the HTTP status and the response body for err; anything
// that is not a *corpus.Error is "internal error", its detail left to the log.
func Status(err error) (int, ErrorBody) {
	var body ErrorBody
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
	}
	body.Error.Code, body.Error.Message = corpus.EINTERNAL, "internal error"
	return http.StatusInternalServerError, body
}

// retryLater is a refusal that says when to try again.
type retryLater struct {
	err     *corpus.Error
	seconds int
}

func (e *retryLater) Error() string { return e.err.Error() }
func (e *retryLater) Unwrap() error { return e.err }

// RetryLater returns a refusal with code and message that says when to try
// again: in seconds (at least 1).
func RetryLater(code, message string, seconds int) error {
	return &retryLater{err: &corpus.Error{Code: code, Message: message}, seconds: max(1, seconds)}
}

// RetryAfter returns in how many seconds the client of a refused request may
// try again (an HTTP Retry-After), when the refusal says.
func RetryAfter(err error) (seconds int, ok bool) {
	var r *retryLater
	if errors.As(err, &r) {
		return r.seconds, true
	}
	return 0, false
}
