// Package boltdb is casebank's store: cases, banks, policies, the taxonomy
// and glossary, their history, tokens and sessions in one bbolt file, with
// a change log that every mutation appends to in the same transaction. It
// is the only package that imports bbolt.
//
// Basics: Open a file (created if new), SeedDefault an empty one, Close it.
// The search index (package index) is derived from the store and catches
// up from ChangesSince. Backup copies the file from one read transaction;
// Restore puts a checked backup into an empty data directory.
//
// Caveats: values returned by the store are copies and stay valid after
// the transaction that read them, except those of ReadCases, which are
// shared and must not be changed. A second process opening the same file
// fails after Options.Timeout instead of waiting forever. Open checks the
// file first (CheckFile): a damaged or cut-short file is refused with a
// message, never a panic.
package boltdb
