package bleveengine

import "golang.org/x/sys/unix"

// releaseMapped takes a segment's pages out of this process's resident set.
// zap maps its files shared and read-only, so the pages stay in the page
// cache and the next read maps them again (a minor fault). Failure only
// leaves the pages resident.
func releaseMapped(data []byte) {
	if len(data) > 0 {
		_ = unix.Madvise(data, unix.MADV_DONTNEED)
	}
}
