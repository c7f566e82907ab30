package api_test

import (
	"fmt"
	"sync"
	"testing"
)

// A delete that names the version it saw (If-Match) never removes a newer
// version: raced against an update of that version, one of the two is
// refused (409 for the stale delete, 404 for the update of a deleted case),
// never both answered as successes.
func TestStaleDeleteLosesToAConcurrentUpdate(t *testing.T) {
	w := newWriteSite(t, unlimitedWrites)
	for n := range 30 { // before the fix, one in about five raced
		id := fmt.Sprintf("race-%d", n)
		if code := w.do(t, "POST", "/api/v1/cases", w.editor, newCaseJSON(id), nil); code != 201 {
			t.Fatalf("create %s: %d", id, code)
		}
		edit := newCaseJSON(id)
		edit["version"] = 1
		edit["outcome"] = "并发修改"
		var updated, deleted int
		var wg sync.WaitGroup
		wg.Go(func() { updated = w.do(t, "PUT", "/api/v1/cases/"+id, w.editor, edit, nil) })
		wg.Go(func() { deleted = w.do(t, "DELETE", "/api/v1/cases/"+id, w.admin, nil, nil, "If-Match", `"v1"`) })
		wg.Wait()
		if updated == 200 && deleted == 204 {
			t.Fatalf("%s: the update to v2 and the delete of v1 both succeeded: the delete removed a version it never saw", id)
		}
		if !(updated == 200 && deleted == 409 || updated == 404 && deleted == 204) {
			t.Fatalf("%s: update %d, delete %d", id, updated, deleted)
		}
	}
}
