// Package ui serves casebank's HTML pages: templates and static assets are
// embedded and parsed once in New, so a broken template fails start-up, not a
// request. Pages work without JavaScript; every piece of case text is escaped
// by html/template, and highlights come pre-escaped from the index.
//
// Pages read and write through the application service (casebank/corpus/app),
// as the API does; ui does not import the api package.
package ui
