package corpus

// TagModelBuilds counts the suggester's trainings, for tests.
func (s *Store) TagModelBuilds() int {
	s.models.mu.Lock()
	defer s.models.mu.Unlock()
	return s.models.builds
}
