// Package bolttest opens real stores in temporary directories for tests
// and checks each store file's consistency when its test ends, as bbolt's
// own tests do; it also damages store files on purpose (damage.go) and
// writes records past the limits (unchecked.go) for the tests of refusals.
// It imports bbolt beside corpus/boltdb; only tests and indextest import it.
package bolttest
