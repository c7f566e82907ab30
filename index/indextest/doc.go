// Package indextest opens a real store and index (bleve, through
// index/bleveengine) in a temporary directory, seeded with the embedded
// corpus, for the tests of the packages above index. Only tests import it.
package indextest
