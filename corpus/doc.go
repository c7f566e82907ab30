// Package corpus is casebank's domain: cases, banks, the taxonomy, validation,
// the bbolt store with its change log, and the embedded default corpus.
//
// It imports no other casebank package. The store is the source of truth;
// the search index (package index) is derived from it and catches up from the
// change log that every mutation appends to in the same transaction.
//
// Caveats: values returned by the store are copies and stay valid after the
// transaction that read them; a second process opening the same file fails
// after Options.Timeout instead of waiting forever.
package corpus
