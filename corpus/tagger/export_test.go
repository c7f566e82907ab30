package tagger

// Builds counts the suggester's trainings, for tests.
func (s *Suggester) Builds() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.builds
}
