package api

import "time"

// StopClock freezes the clock of s's failure limiter and failure log, so
// that tests of their limits do not depend on how fast the machine is.
func StopClock(s *Server) {
	at := time.Now()
	s.App.Now = func() time.Time { return at }
}
