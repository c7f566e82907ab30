package api

import (
	"context"
	"log/slog"
	"runtime"
	"testing"

	"casebank/corpus"
	"casebank/corpus/app"
)

// Jobs are bounded in memory: the last KeptJobs are kept, oldest dropped.
func TestJobsKeepTheLastOnes(t *testing.T) {
	js := newJobs(slog.New(slog.DiscardHandler))
	defer js.close()
	var ids []string
	for range KeptJobs + 5 {
		// The job before has finished; its goroutine may not have given
		// back its place yet.
		j, err := js.add(JobJSON{Kind: "import"})
		for err != nil {
			runtime.Gosched()
			j, err = js.add(JobJSON{Kind: "import"})
		}
		done := make(chan struct{})
		js.run(j, func(context.Context, func(int, int)) (*corpus.ImportResult, app.Searchable, error) {
			return &corpus.ImportResult{}, app.Searchable{}, nil
		}, func() { close(done) })
		<-done // cleanup runs after the job has finished
		if st := j.snapshot().State; st != JobDone {
			t.Fatalf("job %s", st)
		}
		ids = append(ids, j.snapshot().ID)
	}
	list := js.recent()
	if len(list) != KeptJobs || list[0].ID != ids[len(ids)-1] || list[KeptJobs-1].ID != ids[5] {
		t.Fatalf("kept %d jobs, newest %s, oldest %s", len(list), list[0].ID, list[len(list)-1].ID)
	}
	if _, ok := js.find(ids[4]); ok {
		t.Fatal("the oldest jobs are still kept")
	}
}
