package index

import "context"

type progressKey struct{}

// WithBuildProgress returns ctx under which a build of the index from the
// store — a rebuild, or the one a catch-up far behind makes after a large
// import — reports its progress: report(0, total) when it starts, then after
// each record the records done of total (cases and policies).
func WithBuildProgress(ctx context.Context, report func(done, total int)) context.Context {
	return context.WithValue(ctx, progressKey{}, report)
}

// buildProgress wraps put so that it reports ctx's build progress, if any.
func buildProgress(ctx context.Context, store Store, put func(*Document) error) func(*Document) error {
	report, _ := ctx.Value(progressKey{}).(func(done, total int))
	if report == nil {
		return put
	}
	total, err := store.CountRecords()
	if err != nil {
		return put // no total, no progress; the build itself goes on
	}
	done := 0
	report(0, total)
	return func(d *Document) error {
		if err := put(d); err != nil {
			return err
		}
		// A write between the count and the build's read may add a record.
		done++
		total = max(total, done)
		report(done, total)
		return nil
	}
}
