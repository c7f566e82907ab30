// Package api is casebank's JSON API over HTTP, built on echo v4.
//
// Handlers read as decode → validate → call corpus/index → respond; they hold
// no business rules. Every error goes through one handler that maps corpus
// error codes to HTTP statuses and answers {"error":{"code","message"}};
// unexpected errors are logged and shown as "internal error".
package api
