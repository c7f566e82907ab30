// Package app is casebank's application service: the one place where a
// write is stored and then made searchable, and where searches, stats and
// sign-ins are answered. The JSON API (package api) and the pages (package
// ui) both call a *Service; neither touches the store or the index itself.
//
// Every mutation stores first, then catches the index up (index.Settle) and
// says in a Searchable whether the write can be found yet: a stored write
// stands even when the index cannot take it now.
//
// The package also holds what both HTTP front ends share without echo: the
// status and body of an error, the session cookie, the principal in a
// request's context, and the reading of search parameters.
package app
