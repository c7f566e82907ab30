package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"time"

	"casebank/corpus"
	"casebank/corpus/app"
	"casebank/index"

	"github.com/mattn/go-runewidth"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

const importAbout = `  FILE is a JSONL export (banks, cases, policies), a report's text or a
  report's PDF (read with pdftotext -layout, from Debian's poppler-utils).
  Every record is checked first; a file with a bad one is refused whole,
  naming its lines, and nothing is stored.
  JSONL into a new data directory: stored as it is, nothing seeded first
  (export, import into a new directory, export again: the same bytes).
  Report text merges into the curated cases by source key: a new data
  directory is seeded with the embedded corpus first.
  A report of an edition no layout knows (any but 2025), or any report with
  --drafts, becomes drafts to review (GET /api/v1/drafts), not cases; the
  import prints what it found in each table and section.`

// importFile imports FILE into the store; see importAbout.
func (c *cli) importFile(ctx context.Context, args []string) error {
	fs := newFlagSet("import", "FILE", importAbout, c.stderr)
	var df dataFlags
	df.register(fs)
	by := fs.String("by", "casebank-import", "name recorded as the author of the imported changes")
	drafts := fs.Bool("drafts", false, "store a report's items as drafts to review, whatever its layout")
	var lf logFlags
	lf.register(fs)
	if err := parseOperands(fs, args, 1); err != nil {
		return err
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	in := bufio.NewReaderSize(f, 1<<20)
	head, _ := in.Peek(4096) // enough to tell JSONL from report text
	jsonl := corpus.IsJSONL(head)
	pdf := isPDF(head)
	if pdf || *drafts && !jsonl {
		return c.importDrafts(ctx, df, lf, fs.Arg(0), in, pdf, *drafts, *by)
	}
	var src io.Reader = in
	// A JSONL import reads its file twice (checked whole, then written):
	// a file is read again from the start, a pipe is copied by the store.
	// (Only then: a seek under the buffered reader would make a report's
	// text read its first buffer twice.)
	if jsonl {
		if _, err := f.Seek(0, io.SeekStart); err == nil {
			src = f
		}
	}
	// A JSONL export into a new directory gives back the same records, so
	// nothing is seeded under it; report text merges into the curated
	// cases, so a new directory gets them first.
	logger := lf.logger(c.stderr)
	d, err := openDataSeeding(ctx, df.dir, logger, !jsonl)
	if err != nil {
		return err
	}
	defer d.Close()

	svc := app.New(d.store, d.index, logger)
	report, finish := lf.progress(c.stderr, "import")
	opts := corpus.ImportOptions{By: *by, Progress: report}
	// An import that leaves the index far behind rebuilds it: that shows
	// its progress too.
	indexReport, indexFinish := lf.progress(c.stderr, "index")
	defer indexFinish()
	ctx = index.WithBuildProgress(ctx, indexReport)
	var res *corpus.ImportResult
	var w app.Searchable
	if jsonl {
		res, w, err = svc.ImportJSONL(ctx, src, opts)
	} else {
		text, rerr := io.ReadAll(in)
		if rerr != nil {
			return rerr
		}
		// An edition no layout knows is read by shape, as drafts.
		if known, kerr := svc.KnowsLayout(ctx, text); kerr != nil {
			return kerr
		} else if !known {
			finish()
			return c.printDrafts(ctx, svc, text, *by)
		}
		res, w, err = svc.ImportReport(ctx, bytes.NewReader(text), opts)
	}
	finish()
	if res != nil {
		printImport(c.stdout, res)
	}
	if err != nil {
		return err
	}
	// Searchable before the command returns, like every other write (a
	// large import is indexed by a rebuild: see index.CatchUp).
	return w.Behind
}

// importDrafts stores a report, its text or its PDF, as drafts.
func (c *cli) importDrafts(ctx context.Context, df dataFlags, lf logFlags, path string, in io.Reader, pdf, asked bool, by string) error {
	var text []byte
	var err error
	if pdf {
		text, err = pdfText(ctx, path)
	} else {
		text, err = io.ReadAll(in)
	}
	if err != nil {
		return err
	}
	logger := lf.logger(c.stderr)
	d, err := openDataSeeding(ctx, df.dir, logger, true)
	if err != nil {
		return err
	}
	defer d.Close()
	svc := app.New(d.store, d.index, logger)
	defer svc.Close()
	if !asked {
		// A PDF of the 2025 edition merges into the curated cases as its
		// text does.
		if known, err := svc.KnowsLayout(ctx, text); err != nil {
			return err
		} else if known {
			res, w, err := svc.ImportReport(ctx, bytes.NewReader(text), corpus.ImportOptions{By: by})
			if res != nil {
				printImport(c.stdout, res)
			}
			if err != nil {
				return err
			}
			return w.Behind
		}
	}
	return c.printDrafts(ctx, svc, text, by)
}

func (c *cli) printDrafts(ctx context.Context, svc *app.Service, text []byte, by string) error {
	sum, res, err := svc.ImportDrafts(ctx, bytes.NewReader(text), by)
	if err != nil {
		return err
	}
	fmt.Fprint(c.stdout, sum.String())
	fmt.Fprintf(c.stdout, "drafts: %d created, %d updated, %d unchanged; review them at /review or GET /api/v1/drafts (new banks first: GET /api/v1/draft-banks)\n", res.Created, res.Updated, res.Same)
	return nil
}

func printImport(w io.Writer, res *corpus.ImportResult) {
	fmt.Fprintf(w, "%s %6s %7s %8s %10s\n", pad("source", 10), "found", "merged", "created", "unchanged")
	found := 0
	for _, s := range res.Sources {
		fmt.Fprintf(w, "%s %6d %7d %8d %10d\n", pad(s.Where, 10), s.Found, s.Merged, s.Created, s.Same)
		found += s.Found
	}
	fmt.Fprintf(w, "%s %6d %7d %8d %10d\n", pad("total", 10), found, res.Merged, res.Created, res.Same)
	for _, b := range res.NewBanks {
		fmt.Fprintf(w, "new bank %q (%s): type %s and region %s are guesses; correct them in the registry\n", b.Name, b.ID, b.Type, b.Region)
	}
	if !res.Changed() {
		fmt.Fprintln(w, "no changes")
	}
}

// progressEvery is how often a redirected import reports its progress.
var progressEvery = 5 * time.Second

// progress reports the progress of a stage of work ("import", "index") on
// w: a bar where w is a terminal that takes control characters (see
// terminal; schollz/progressbar, no colour), else a line every
// progressEvery with the records done, the rate and the time left, and one
// when it is done, so that a log shows a long import moving; those lines
// are log records when logger is set (--log-format json). The rate is
// measured from the first report (done 0: the importer and the index build
// send one when they start). The stage ends when done reaches total, or at
// finish.
func progress(w io.Writer, logger *slog.Logger, stage string) (report func(done, total int), finish func()) {
	if terminal(w) {
		var bar *progressbar.ProgressBar
		barMax, finished := 0, false
		finish = func() {
			if bar != nil && !finished {
				finished = true
				bar.Finish()
				fmt.Fprintln(w)
			}
		}
		return func(done, total int) {
			if finished || total == 0 {
				return
			}
			if bar == nil {
				bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription(stage),
					progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetItsString("records"),
					progressbar.OptionSetPredictTime(true), progressbar.OptionThrottle(100*time.Millisecond))
				// The bar's clock starts now: its first rate is of the
				// records since, not of a first batch over no time.
				bar.StartWithoutRender()
			} else if total != barMax {
				bar.ChangeMax(total)
			}
			barMax = total
			if done > 0 {
				bar.Set(done)
			}
			if done >= total {
				finish()
			}
		}, finish
	}
	var start, last time.Time
	finished := false
	return func(done, total int) {
		if start.IsZero() {
			start, last = time.Now(), time.Now()
		}
		if finished || done == 0 || time.Since(last) < progressEvery && done < total {
			return
		}
		finished = done >= total
		last = time.Now()
		took := time.Since(start)
		rate := float64(done) / max(took.Seconds(), 1e-3)
		var left time.Duration
		if done < total && rate > 0 {
			left = time.Duration(float64(total-done) / rate * float64(time.Second)).Round(time.Second)
		}
		if logger != nil {
			logger.Info(stage+" progress", "done", done, "total", total, "per_second", math.Round(rate), "left_s", left.Seconds())
			return
		}
		line := fmt.Sprintf("%s: %d of %d records, %.0f a second", stage, done, total, rate)
		if done < total && rate > 0 {
			line += fmt.Sprintf(", about %s left", left)
		}
		fmt.Fprintln(w, line)
	}, func() {}
}

// terminal reports whether w is a terminal that may be sent colour and
// cursor control: a terminal (not a file, a pipe or /dev/null), with
// NO_COLOR unset or empty (https://no-color.org) and TERM not "dumb".
// Each stream is asked on its own: the progress bar goes to standard error
// and stays on a terminal when standard output is redirected.
func terminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return false
	}
	return os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
}

// export prints every record, or a search's cases, as JSONL or CSV.
func (c *cli) export(ctx context.Context, args []string) error {
	fs := newFlagSet("export", "", "  prints every record (or a search's cases with -q) as JSON Lines or CSV", c.stderr)
	var df dataFlags
	df.register(fs)
	format := fs.String("format", "jsonl", "jsonl (cases and policies, re-importable) or csv (cases)")
	out := fs.String("o", "", "write to this file instead of standard output")
	query := fs.String("q", "", "export only the cases of this search (query syntax as in search)")
	if err := parseOperands(fs, args, 0); err != nil {
		return err
	}
	if *format != "jsonl" && *format != "csv" {
		fmt.Fprintf(c.stderr, "export: unknown format %q (jsonl or csv)\n", *format)
		return errUsage
	}
	d, err := openData(ctx, df.dir, newLogger(io.Discard))
	if err != nil {
		return err
	}
	defer d.Close()
	w, finish, err := createOutput(*out, c.stdout)
	if err != nil {
		return err
	}
	svc := app.New(d.store, d.index, newLogger(io.Discard))
	var ids []string // nil: every record
	if *query != "" {
		// Every case the search matches, best first, not only a first page.
		req := index.Request{Text: *query, Filter: corpus.Filter{corpus.FacetKind: {corpus.KindCase}}}
		if ids, err = svc.SearchIDs(ctx, req, math.MaxInt32); err != nil {
			return finish(err)
		}
		if ids == nil {
			ids = []string{}
		}
	}
	return finish(svc.Export(ctx, w, *format, ids))
}

// createOutput opens path for writing, or gives stdout when path is "".
// finish closes the file and returns the first error: a full disk often
// shows only when the file is closed.
func createOutput(path string, stdout io.Writer) (io.Writer, func(error) error, error) {
	if path == "" {
		return stdout, func(err error) error { return err }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, err
	}
	return f, func(err error) error {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	}, nil
}

// pad fills s to width terminal columns: CJK characters take two.
func pad(s string, width int) string { return runewidth.FillRight(s, width) }
