package bleveengine

import (
	"context"
	"strings"

	"casebank/index"
)

// Complete reads the names' dictionary from prefix on.
func (e *Engine) Complete(ctx context.Context, prefix string, limit int) ([]index.Completion, error) {
	dict, err := e.bleve.FieldDictPrefix(fieldNameKeys, []byte(prefix))
	if err != nil {
		return nil, err
	}
	defer dict.Close()
	var out []index.Completion
	for range limit {
		entry, err := dict.Next()
		if err != nil {
			return nil, err
		}
		if entry == nil {
			break
		}
		_, name, _ := strings.Cut(entry.Term, "\x00")
		out = append(out, index.Completion{Name: name, Count: int(entry.Count)})
	}
	return out, nil
}
