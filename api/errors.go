package api

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"casebank/corpus"
	"casebank/corpus/app"
)

// codeByStatus names echo's own errors (unknown route, wrong method, body too large).
var codeByStatus = map[int]string{
	http.StatusBadRequest:            corpus.EINVALID,
	http.StatusUnauthorized:          corpus.EUNAUTHORIZED,
	http.StatusForbidden:             corpus.EFORBIDDEN,
	http.StatusNotFound:              corpus.ENOTFOUND,
	http.StatusMethodNotAllowed:      "method_not_allowed",
	http.StatusRequestEntityTooLarge: corpus.ETOOLARGE,
	http.StatusUnsupportedMediaType:  app.EMEDIATYPE,
}

// Status returns the HTTP status and the response body for err: app.Status,
// and echo's own client errors with their status.
func Status(err error) (int, app.ErrorBody) {
	var he *echo.HTTPError
	if !errors.As(err, &he) || he.Code >= 500 {
		return app.Status(err)
	}
	var body app.ErrorBody
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

// ErrorHandler returns echo's HTTPErrorHandler: JSON errors, internals logged only.
func ErrorHandler(logger *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		status, body := Status(err)
		if status >= 500 {
			logger.Error("request failed", "id", c.Get(requestIDKey), "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
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

// retryAfter tells a refused client when to try again, when the refusal says.
func retryAfter(c echo.Context, err error) {
	if secs, ok := app.RetryAfter(err); ok && !c.Response().Committed {
		c.Response().Header().Set("Retry-After", strconv.Itoa(secs))
	}
}
