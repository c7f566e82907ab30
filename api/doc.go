// Package api is casebank's JSON API over HTTP, built on echo v4.
//
// Handlers read as decode → validate → call the application service
// (casebank/corpus/app) → respond; they hold no business rules and never
// touch the store or the index. Every error goes through one handler that
// maps error codes to HTTP statuses (app.Status) and answers
// {"error":{"code","message"}}; unexpected errors are logged and shown as
// "internal error".
//
// The contract is openapi.json, embedded and served at /api/v1/openapi.json
// with a reference page at /api/docs; the tests fail on a route it does not
// document and on an answer that does not match it.
//
// Large imports run as background jobs (jobs.go), held in memory: call
// Server.Close at shutdown, before closing the service and the store.
package api
