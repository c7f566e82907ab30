package corpus

import (
	"errors"
	"fmt"
)

// Error codes shared by every layer; the HTTP layer maps each to one status.
const (
	ENOTFOUND     = "not_found"
	EINVALID      = "invalid"
	ECONFLICT     = "conflict"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	ETOOLARGE     = "too_large"
	EUNAVAILABLE  = "unavailable" // try again later: a search over its budget, a disk that is full, an index being rebuilt
	EINTERNAL     = "internal"
)

// Error is an error a user can act on: a code, a message safe to show, and,
// for invalid input, the fields at fault.
type Error struct {
	Code    string       `json:"code"`
	Message string       `json:"message"`
	Fields  []FieldError `json:"fields,omitempty"`
}

// FieldError names one bad field and, where the field takes codes, the
// allowed values; in an import, Line is the line of the record (from 1).
type FieldError struct {
	Line    int            `json:"line,omitempty"`
	Field   string         `json:"field"`
	Message string         `json:"message"`
	Allowed []AllowedValue `json:"allowed,omitempty"`
	// AllowedMore counts the allowed values a long list (regions) leaves
	// out of Allowed, which then holds those closest to the value given.
	AllowedMore int `json:"allowed_more,omitempty"`
}

// AllowedValue is a value a field takes: a code and, for a taxonomy list,
// its labels.
type AllowedValue struct {
	Code string `json:"code"`
	ZH   string `json:"zh,omitempty"`
	EN   string `json:"en,omitempty"`
}

// AllowedCodes lists codes that have no labels as allowed values.
func AllowedCodes(codes ...string) []AllowedValue {
	out := make([]AllowedValue, len(codes))
	for i, c := range codes {
		out[i] = AllowedValue{Code: c}
	}
	return out
}

// Allows reports whether code is among f's allowed values.
func (f FieldError) Allows(code string) bool {
	for _, a := range f.Allowed {
		if a.Code == code {
			return true
		}
	}
	return false
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}

// ErrorMessage returns the user-facing message of err; internal errors get a
// generic message so that details stay in the log.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
