//go:build !linux

package boltdb

import bolt "go.etcd.io/bbolt"

// releaseMapped is a no-op off Linux.
func releaseMapped(*bolt.DB, *bolt.Tx) {}
