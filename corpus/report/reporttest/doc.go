// Package reporttest makes unseen editions of the report for tests, from
// the 2025 text at run time (renumbered tables, reordered columns, renamed
// headers): nothing of the report is committed. Only tests import it.
package reporttest
