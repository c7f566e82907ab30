package bleveengine

// SetBeforeSwap makes a repair call f after rebuilding and before swapping
// the rebuilt index in, so that a test sees the damaged state.
func SetBeforeSwap(e *Engine, f func()) { e.repair.beforeSwap = f }
