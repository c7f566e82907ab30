package index

// SetBeforeSwap makes a repair call f after rebuilding and before swapping
// the rebuilt index in, so that a test sees the damaged state.
func SetBeforeSwap(ix *Index, f func()) { ix.repair.beforeSwap = f }
