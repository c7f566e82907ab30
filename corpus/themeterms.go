package corpus

import (
	"encoding/json"
	"fmt"
)

// ThemeTerm lists named technologies, products and practices that imply a
// theme: the tag suggester suggests the theme for a draft naming one.
type ThemeTerm struct {
	Theme string   `json:"theme"` // a theme's code, label or alias
	ZH    []string `json:"zh"`
	EN    []string `json:"en"`
}

// ThemeTerms is the table of named things that imply themes. It is data
// beside the taxonomy: a row whose theme the taxonomy lacks stays unused.
type ThemeTerms struct {
	Terms []ThemeTerm `json:"terms"`
}

// DefaultThemeTerms returns a fresh copy of the embedded table.
func DefaultThemeTerms() *ThemeTerms {
	data, err := seedFS.ReadFile("seed/theme_terms.json")
	if err != nil {
		panic(fmt.Sprintf("corpus: embedded theme terms: %v", err))
	}
	var t ThemeTerms
	if err := json.Unmarshal(data, &t); err != nil {
		panic(fmt.Sprintf("corpus: embedded theme terms: %v", err))
	}
	return &t
}
