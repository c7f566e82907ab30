//go:build !linux

package bleveengine

// releaseMapped is a no-op off Linux.
func releaseMapped([]byte) {}
