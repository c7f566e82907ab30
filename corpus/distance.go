package corpus

// EditDistance is the Levenshtein distance between a and b in runes: what
// "did you mean" and search's spelling correction measure closeness by.
func EditDistance(a, b string) int { return editDistance(a, b) }
