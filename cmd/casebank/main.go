package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"

	"casebank/corpus/boltdb"
	"casebank/index"
	"casebank/index/bleveengine"
)

// version is set at build time with -ldflags "-X main.version=..."; without
// it, the module version or the VCS revision the binary was built from.
var version = buildVersion()

// buildVersion reads the build info: a tagged module version when installed
// with go install, else the commit (with "+dirty" for uncommitted changes).
func buildVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	rev, dirty := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "devel"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "+dirty"
	}
	return rev
}

// softMemoryLimit is the heap casebank keeps under when it can.
const softMemoryLimit = 512 << 20

func main() {
	// The live heap is small (the index is memory-mapped) while a search or
	// an import allocates much for a moment; collecting at 3x the live heap
	// instead of 2x cut a search's time by about a quarter (BenchmarkSearchHTTP).
	// GOGC in the environment still decides.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	// Near softMemoryLimit the collector runs sooner than GOGC says: an
	// import's or a rebuild's heap peaked at 1.7 GiB with a live heap of a
	// third of that. 512 MiB kept a 100k import under 1 GiB resident for
	// 5-10% more CPU than 768 MiB. GOMEMLIMIT in the environment still decides.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(softMemoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(Main(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// cli runs the subcommands: each is a method that parses its own flags and
// writes its answer to stdout, its progress and errors to stderr.
type cli struct {
	stdout, stderr io.Writer
}

// commands are the subcommands by name.
var commands = map[string]func(c *cli, ctx context.Context, args []string) error{
	"serve": (*cli).serve, "search": (*cli).search, "import": (*cli).importFile, "export": (*cli).export,
	"backup": (*cli).backup, "restore": (*cli).restore, "gen": (*cli).gen, "token": (*cli).token,
	"eval": (*cli).eval, "reindex": (*cli).reindex, "lint": (*cli).lint,
}

// Main runs one subcommand and returns the process exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	} else if len(args) > 0 && (args[0] == "--version" || args[0] == "-version" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		cmd, args = args[0], args[1:]
	}
	var err error
	c := &cli{stdout: stdout, stderr: stderr}
	switch run, ok := commands[cmd]; {
	case ok:
		err = run(c, ctx, args)
	case cmd == "version" || cmd == "--version" || cmd == "-version":
		fmt.Fprintln(stdout, "casebank", version)
	case cmd == "help" || cmd == "-h" || cmd == "--help" || cmd == "-help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "casebank: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	case errors.Is(err, errFindings):
		return 1 // the findings were printed
	case err != nil:
		fmt.Fprintln(stderr, "casebank:", err)
		return 1
	}
	return 0
}

const usage = `usage: casebank <command> [flags]

commands:
  serve     run the web server (default); an empty --data directory is seeded
            with the embedded 2025 report corpus
  search    search from the terminal: casebank search "城商行 DeepSeek"
  import    import a report's text (merging into curated cases by source key;
            a new --data directory is seeded with them first) or a JSONL
            export (into a new directory as it is, nothing seeded): casebank
            import report.txt; a file with a bad record stores nothing
  export    print every record: casebank export --format jsonl|csv [-o FILE]
  backup    write a consistent copy of the store: casebank backup FILE, or
            from a running server: casebank backup --from URL --token T FILE
  restore   restore a backup into an empty data directory (rebuilds the index)
  gen       write a synthetic corpus (JSONL) for load and crash tests:
            casebank gen --n 100000 --seed 1 > big.jsonl
  token     manage API tokens: token create --role editor --name NAME,
            token list, token revoke ID; on a running server with
            --from URL --token ADMIN_TOKEN
  eval      score search on the relevance suite (nDCG@10, recall@10) next to
            a plain bleve baseline
  reindex   rebuild the search index from the store
  lint      list cases whose text names a dimension or theme they are not
            tagged with (the embedded corpus, or --data DIR); exits 1 when
            there are findings
  version   print the version (also --version): the module version or the
            commit the binary was built from

Run "casebank <command> -h" for a command's flags.
`

var errUsage = errors.New("usage")

// newFlagSet returns the flag set of subcommand name. Its -h (and a wrong
// call, through usageError) prints a usage line that names the operands,
// then about, then the flags.
func newFlagSet(name, operands, about string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		line := "usage: casebank " + name + " [flags]"
		if operands != "" {
			line += " " + operands
		}
		fmt.Fprintln(fs.Output(), line)
		if about != "" {
			fmt.Fprintln(fs.Output(), about)
		}
		fmt.Fprintln(fs.Output(), "\nflags:")
		fs.PrintDefaults()
	}
	return fs
}

// usageError prints fs's usage for a wrong call and returns errUsage.
func usageError(fs *flag.FlagSet) error {
	fs.Usage()
	return errUsage
}

// parseFlags parses a subcommand's flags after taking each one's value from
// the environment when it is set there: --data from CASEBANK_DATA,
// --write-rate from CASEBANK_WRITE_RATE. The command line wins (a repeatable
// flag such as --trusted-proxy adds to the environment's).
func parseFlags(fs *flag.FlagSet, args []string) error {
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		name := envName(f.Name)
		f.Usage += " (env " + name + ")"
		if v, ok := os.LookupEnv(name); ok && envErr == nil {
			if err := f.Value.Set(v); err != nil {
				envErr = fmt.Errorf("%s=%q: %v", name, v, err)
			}
		}
	})
	if envErr != nil {
		fmt.Fprintln(fs.Output(), envErr)
		return errUsage
	}
	if err := fs.Parse(args); err != nil && !errors.Is(err, flag.ErrHelp) {
		return errUsage // the flag package said what was wrong
	} else if err != nil {
		return err
	}
	return nil
}

// parseOperands is parseFlags that also wants exactly n operands after the
// flags: a wrong call prints the usage.
func parseOperands(fs *flag.FlagSet, args []string, n int) error {
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != n {
		return usageError(fs)
	}
	return nil
}

// envName is the environment variable of a flag: CASEBANK_ and the name in
// capitals, dashes as underscores.
func envName(flagName string) string {
	return "CASEBANK_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// dataFlags are the flags every data-touching command shares.
type dataFlags struct {
	dir string
}

func (d *dataFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.dir, "data", "casebank-data", "data directory (store and index)")
}

// data is an opened store and index.
type data struct {
	store *boltdb.Store
	index *index.Index
}

// releaseMapped lets go of the pages of the store's and the index's files
// that reads have mapped.
func (d *data) releaseMapped() {
	d.store.ReleaseMapped()
	d.index.ReleaseMapped()
}

// Close closes the index, then the store; a second call does nothing.
func (d *data) Close() error {
	var errs []error
	if d.index != nil {
		errs = append(errs, d.index.Close())
		d.index = nil
	}
	if d.store != nil {
		errs = append(errs, d.store.Close())
		d.store = nil
	}
	return errors.Join(errs...)
}

// openData opens the store in dir, seeding it from the embedded corpus when
// it is new (never otherwise), and opens and catches up the index.
func openData(ctx context.Context, dir string, logger *slog.Logger) (*data, error) {
	return openDataSeeding(ctx, dir, logger, true)
}

// openDataSeeding is openData that seeds a new store only if seedNew.
func openDataSeeding(ctx context.Context, dir string, logger *slog.Logger, seedNew bool) (*data, error) {
	store, err := openStore(dir)
	if err != nil {
		return nil, err
	}
	d := &data{store: store}
	// Seed only a store that has never recorded a change: a new one, or
	// one that holds only tokens. boltdb.Open has refused an empty or
	// damaged file, so none is mistaken for a new store here.
	seq, err := store.LastSeq()
	if err != nil {
		d.Close()
		return nil, err
	}
	if seq == 0 && seedNew {
		if err := store.SeedDefault(ctx); err != nil {
			d.Close()
			return nil, err
		}
		n, _ := store.CountCases()
		logger.Info("seeded an empty store with the embedded corpus", "cases", n, "dir", dir)
	}
	if d.index, err = index.Open(ctx, bleveengine.New(dir), store, logger); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// openStore opens the store in dir, creating the directory (private: the
// store holds token hashes) and the store file when they are new.
func openStore(dir string) (*boltdb.Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	return boltdb.Open(filepath.Join(dir, boltdb.StoreFile), boltdb.Options{})
}

func newLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// logFlags are the flags of the commands that log (to standard error).
type logFlags struct {
	format logFormat
	level  logLevel
}

func (l *logFlags) register(fs *flag.FlagSet) {
	fs.Var(&l.format, "log-format", "`format` of the log lines: text (key=value, the default) or json (one JSON object a line)")
	fs.Var(&l.level, "log-level", "least `level` logged: debug (every request, reads too), info (writes, failures; the default), warn, error")
}

// logger returns the logger the flags describe, writing to w.
func (l *logFlags) logger(w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: slog.Level(l.level)}
	if l.format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// progress reports a stage's progress on w as the flags say: as log
// records with --log-format json, else as a bar or plain lines; not at all
// above --log-level info (progress is information).
func (l *logFlags) progress(w io.Writer, stage string) (report func(done, total int), finish func()) {
	switch {
	case slog.Level(l.level) > slog.LevelInfo:
		return func(int, int) {}, func() {}
	case l.format == "json":
		return progress(w, l.logger(w), stage)
	}
	return progress(w, nil, stage)
}

// logFormat is --log-format: "text" (the default) or "json".
type logFormat string

func (f *logFormat) String() string {
	if *f == "" {
		return "text"
	}
	return string(*f)
}

func (f *logFormat) Set(v string) error {
	switch v = strings.ToLower(strings.TrimSpace(v)); v {
	case "text", "json":
		*f = logFormat(v)
		return nil
	}
	return fmt.Errorf("unknown log format %q: use text or json", v)
}

// logLevel is --log-level: one of the four names, nothing else (slog's own
// parser also takes "info+2" and the like, which nobody means to type).
type logLevel slog.Level

var logLevels = map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError}

func (l *logLevel) String() string { return strings.ToLower(slog.Level(*l).String()) }

func (l *logLevel) Set(v string) error {
	level, ok := logLevels[strings.ToLower(strings.TrimSpace(v))]
	if !ok {
		return fmt.Errorf("unknown log level %q: use debug, info, warn or error", v)
	}
	*l = logLevel(level)
	return nil
}
