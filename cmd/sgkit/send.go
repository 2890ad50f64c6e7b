package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/schollz/progressbar/v3"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/sgkit/sgkit/sender"
)

// sendFlags are the flags `sgkit send` and `sgkit load` share.
type sendFlags struct {
	collector   string
	seed        int64
	format      string
	corpus      string
	noTag       bool
	runID       string
	natural     float64
	synthetic   float64
	start       string
	services    int
	shard       string
	rate        int
	workers     int
	maxWorkers  int
	timeout     time.Duration
	retries     string
	retryScale  float64
	reportFile  string
	resultsFile string
}

func (f *sendFlags) register(fs *flag.FlagSet, defaultRetries string) {
	fs.StringVar(&f.collector, "collector", "", "collector base `URL`, e.g. http://127.0.0.1:9090 (required)")
	fs.Int64Var(&f.seed, "seed", 0, "generator `seed`; the same seed gives the same requests (default: random, printed)")
	fs.StringVar(&f.format, "format", "v1", "payload `format`: v1, v2, v3 or mixed")
	fs.StringVar(&f.corpus, "corpus", "realistic", "`corpus`: realistic status histories, or edge (one request per rule)")
	fs.BoolVar(&f.noTag, "no-tag", false, "send no eid and aid query parameters, exactly as StatusGator does; results can then not be matched per request")
	fs.StringVar(&f.runID, "run-id", "", "run `id` sent as aid, 1 to 255 of A-Z a-z 0-9 . _ - (default: sgkit-<seed>)")
	fs.Float64Var(&f.natural, "natural-duplicates", 0, "`probability` (0 to 1) that a request repeats its service's previous one byte for byte")
	fs.Float64Var(&f.synthetic, "synthetic-duplicates", 0, "`probability` (0 to 1) that a request reuses its service's previous eid with a new body")
	fs.StringVar(&f.start, "start", "", "anchor `time` of the status histories, RFC 3339, e.g. 2026-01-02T15:04:05Z; every occurred_at lies at or before it, the plan spread over up to 30 days back (default: now)")
	fs.IntVar(&f.services, "services", sender.DefaultServices, "`number` of services in the catalog")
	fs.StringVar(&f.shard, "shard", "", "send only part `i/n` of the plan, e.g. 2/3, with the same --seed on every machine; shards never share a request")
	fs.IntVar(&f.workers, "workers", vegeta.DefaultWorkers, "`number` of concurrent workers (the initial number when --rate is above 0)")
	fs.IntVar(&f.maxWorkers, "max-workers", 0, "maximum `number` of workers vegeta may add to hold --rate; 0 means no limit")
	fs.DurationVar(&f.timeout, "timeout", vegeta.DefaultTimeout, "per-attempt timeout as a `duration`, e.g. 5s")
	fs.StringVar(&f.retries, "retries", defaultRetries, "retry `policy`: statusgator (20 retries from 2s doubling, the run stops when one request's fifth attempt fails) or none")
	fs.Float64Var(&f.retryScale, "retry-scale", 1, "`factor` applied to every retry delay, e.g. 0.001 to run the schedule in milliseconds")
	fs.StringVar(&f.reportFile, "report", "", "write the JSON report to `file`")
	fs.StringVar(&f.resultsFile, "results", "", "write every attempt in vegeta's gob results encoding to `file`, for vegeta report and vegeta plot; each URL ends in #<n>.<attempt> (the request's 0-based position in this run, the attempt from 1), which sgkit adds to match results and never sends")
}

// usageError is a bad flag value; the command exits with exitUsage.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func badFlag(format string, args ...any) error {
	return usageError{fmt.Sprintf(format, args...)}
}

// options turns the flags into generator options. seedSet and formatSet
// report whether --seed and --format were given.
func (f *sendFlags) options(seedSet, formatSet bool) (sender.Options, error) {
	opts := sender.Options{
		Seed:                f.seed,
		Format:              sender.Format(f.format),
		Corpus:              sender.Corpus(f.corpus),
		RunID:               f.runID,
		NoTag:               f.noTag,
		NaturalDuplicates:   f.natural,
		SyntheticDuplicates: f.synthetic,
		Services:            f.services,
	}
	if !seedSet {
		opts.Seed = time.Now().UnixNano()
	}
	if f.start == "" {
		// The start is in every body (occurred_at) and prediction
		// (collector_tstamp), so it is fixed here and logged with the seed.
		// It is cut to milliseconds, the precision of collector_tstamp.
		opts.Start = time.Now().UTC().Truncate(time.Millisecond)
	}
	switch opts.Format {
	case sender.FormatV1, sender.FormatV2, sender.FormatV3, sender.FormatMixed:
	default:
		return opts, badFlag("invalid --format %q: use v1, v2, v3 or mixed", f.format)
	}
	switch opts.Corpus {
	case sender.CorpusRealistic, sender.CorpusEdge:
	default:
		return opts, badFlag("invalid --corpus %q: use realistic or edge", f.corpus)
	}
	if opts.Corpus == sender.CorpusEdge && formatSet {
		// Each edge case fixes its own body and content type.
		return opts, badFlag("--format %s does not apply to --corpus edge: each edge case has its own body; drop --format", f.format)
	}
	if f.natural < 0 || f.natural > 1 || f.synthetic < 0 || f.synthetic > 1 || f.natural+f.synthetic > 1 {
		return opts, badFlag("invalid --natural-duplicates %g or --synthetic-duplicates %g: each must be 0 to 1 and their sum at most 1", f.natural, f.synthetic)
	}
	if f.runID != "" {
		if err := sender.CheckRunID(f.runID); err != nil {
			return opts, badFlag("--run-id: %v", err)
		}
	}
	if f.noTag && f.synthetic > 0 {
		return opts, badFlag("--no-tag and --synthetic-duplicates %g conflict: a synthetic duplicate reuses the eid tag that --no-tag leaves out; drop one of them", f.synthetic)
	}
	if f.services < 1 {
		return opts, badFlag("invalid --services %d: use 1 or more", f.services)
	}
	if f.start != "" {
		t, err := time.Parse(time.RFC3339, f.start)
		if err != nil {
			return opts, badFlag("invalid --start %q: use RFC 3339, e.g. 2026-01-02T15:04:05Z", f.start)
		}
		opts.Start = t
	}
	if f.shard != "" {
		if !seedSet {
			return opts, badFlag("--shard needs --seed: give every machine the same --seed (and --run-id) so the shards split one plan")
		}
		shard, err := sender.ParseShard(f.shard)
		if err != nil {
			return opts, badFlag("invalid --shard: %v", err)
		}
		if opts.Corpus == sender.CorpusRealistic && shard.N > f.services {
			return opts, badFlag("invalid --shard %s: a realistic plan is split by service, so use at most --services %d shards", f.shard, f.services)
		}
		opts.Shard = shard
	}
	return opts, nil
}

// sender returns the sender the flags describe, with the collector URL
// checked.
func (f *sendFlags) sender() (*sender.Sender, error) {
	if f.collector == "" {
		return nil, badFlag("missing --collector: give the collector's base URL, e.g. --collector http://127.0.0.1:9090")
	}
	base, err := sender.ParseCollectorURL(f.collector)
	if err != nil {
		return nil, badFlag("--collector: %v", err)
	}

	if f.rate < 0 {
		return nil, badFlag("invalid --rate %d: use requests per second, 0 for as fast as --workers allow", f.rate)
	}
	if f.workers < 1 {
		return nil, badFlag("invalid --workers %d: use 1 or more", f.workers)
	}
	if f.maxWorkers < 0 {
		return nil, badFlag("invalid --max-workers %d: use 0 (no limit) or more", f.maxWorkers)
	}
	if f.timeout <= 0 {
		return nil, badFlag("invalid --timeout %s: use a positive duration, e.g. 5s", f.timeout)
	}
	if f.retryScale <= 0 {
		return nil, badFlag("invalid --retry-scale %g: use a factor above 0, 1 for real time", f.retryScale)
	}

	s := &sender.Sender{
		Collector:  base,
		Rate:       f.rate,
		Workers:    f.workers,
		MaxWorkers: f.maxWorkers,
		Timeout:    f.timeout,
		Progress:   &sender.Progress{},
	}
	switch f.retries {
	case "statusgator":
		s.Retry = sender.StatusGatorPolicy()
	case "none":
		s.Retry = sender.NoRetries()
	default:
		return nil, badFlag("invalid --retries %q: use statusgator or none", f.retries)
	}
	s.Retry.Scale = f.retryScale
	return s, nil
}

// checkReachable dials the collector once so that a wrong host or port
// fails before the run starts.
func checkReachable(base *url.URL) error {
	host := base.Host
	if base.Port() == "" {
		port := "80"
		if base.Scheme == "https" {
			port = "443"
		}
		host = net.JoinHostPort(base.Hostname(), port)
	}
	conn, err := net.DialTimeout("tcp", host, 5*time.Second)
	if err != nil {
		return fmt.Errorf("collector %s is unreachable: %v; start it or fix --collector", base.Redacted(), err)
	}
	return conn.Close()
}

func runSend(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sgkit send", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f sendFlags
	f.register(fs, "statusgator")
	count := fs.Int("n", 10, "`number` of requests in the plan (edge corpus: 0 means one per rule)")
	dump := fs.Bool("dump", false, "print the requests as JSON lines with their predictions instead of sending them")
	fs.IntVar(&f.rate, "rate", 0, "`rate` of first attempts in requests per second; 0 sends as fast as --workers allow")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: sgkit send --collector URL [-n N] [--format v1|v2|v3|mixed] [--seed S] [--corpus realistic|edge] [--dump] [--no-tag] [flags]")
		fmt.Fprintln(stderr, "\nGenerates StatusGator webhook requests and sends them to a collector, or prints them with --dump.")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "sgkit send: unexpected argument %q; all settings are flags, see sgkit send -h\n", fs.Arg(0))
		return exitUsage
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))

	opts, err := f.options(flagSet(fs, "seed"), flagSet(fs, "format"))
	if err != nil {
		fmt.Fprintf(stderr, "sgkit send: %v\n", err)
		return exitUsage
	}
	if *count < 0 {
		fmt.Fprintf(stderr, "sgkit send: invalid -n %d: use 1 or more (edge corpus: 0 for one request per rule)\n", *count)
		return exitUsage
	}
	if *count == 0 && opts.Corpus == sender.CorpusRealistic {
		fmt.Fprintln(stderr, "sgkit send: invalid -n 0: the realistic corpus needs a request count of 1 or more")
		return exitUsage
	}
	opts.Count = *count
	if opts.Corpus == sender.CorpusEdge && !flagSet(fs, "n") {
		opts.Count = 0
	}

	logPlan(logger, "send", opts)
	if *dump {
		reqs, err := sender.Generate(opts)
		if err != nil {
			fmt.Fprintf(stderr, "sgkit send: %v\n", err)
			return exitFail
		}
		if err := dumpRequests(stdout, reqs); err != nil {
			fmt.Fprintf(stderr, "sgkit send: write requests: %v\n", err)
			return exitFail
		}
		return exitOK
	}

	s, err := f.sender()
	if err != nil {
		fmt.Fprintf(stderr, "sgkit send: %v\n", err)
		return exitUsage
	}
	out, err := openOutputs(&f, s)
	if err != nil {
		fmt.Fprintf(stderr, "sgkit send: %v\n", err)
		return exitUsage
	}
	defer out.close()
	if err := checkReachable(s.Collector); err != nil {
		fmt.Fprintf(stderr, "sgkit send: %v\n", err)
		return exitUsage
	}

	reqs, err := sender.Generate(opts)
	if err != nil {
		fmt.Fprintf(stderr, "sgkit send: %v\n", err)
		return exitFail
	}

	ctx, cancel := interruptContext()
	defer cancel()
	logger.Info("send started", "collector", s.Collector.Redacted(), "requests", len(reqs),
		"format", opts.Format, "corpus", opts.Corpus, "tagged", !opts.NoTag)
	stopBar := startProgress(stderr, int64(len(reqs)), s.Progress)
	rep, runErr := s.Send(ctx, reqs)
	stopBar()
	rep.Seed, rep.Start = opts.Seed, opts.Start
	return finish(logger, "send", stdout, stderr, &rep, runErr, out)
}

// logPlan logs the seed and start instant of every run, --dump included.
// Given as --seed and --start, they repeat the plan byte for byte.
func logPlan(logger *slog.Logger, name string, opts sender.Options) {
	logger.Info(name+" plan", "seed", opts.Seed, "start", opts.Start.Format(time.RFC3339Nano))
}

// finish logs the end of a run, writes its outputs and returns the exit
// code: exitFail when a request failed, was not sent, or the run failed.
func finish(logger *slog.Logger, name string, stdout, stderr io.Writer, rep *sender.Report, runErr error, out *outputs) int {
	logger.Info(name+" stopped", "reason", rep.Stopped, "requests", rep.Requests,
		"succeeded", rep.Succeeded, "failed", rep.Failed, "retries", rep.Retries)
	if rep.Stopped == sender.StopDisabled {
		logger.Warn("integration disabled: one request failed five attempts; later requests and retries were not sent")
	}
	code := exitOK
	if runErr != nil {
		logger.Error(name+" failed", "error", runErr)
		code = exitFail
	}
	if err := rep.WriteSummary(stdout); err != nil {
		logger.Error("write summary failed", "error", err)
		code = exitFail
	}
	if err := out.writeReport(rep); err != nil {
		logger.Error("write report failed", "file", out.reportName, "error", err)
		code = exitFail
	}
	if rep.Failed > 0 || rep.NotSent > 0 || rep.Stopped != sender.StopDone {
		code = max(code, exitFail)
	}
	return code
}

// outputs are the files a run writes.
type outputs struct {
	reportName string
	results    *os.File
	buffered   *bufio.Writer
}

// openOutputs creates the --results file before the run, so a bad path
// fails before anything is sent, and checks the --report folder.
func openOutputs(f *sendFlags, s *sender.Sender) (*outputs, error) {
	out := &outputs{reportName: f.reportFile}
	if f.reportFile != "" {
		file, err := os.Create(f.reportFile)
		if err != nil {
			return nil, badFlag("invalid --report: %v", err)
		}
		file.Close()
	}
	if f.resultsFile != "" {
		file, err := os.Create(f.resultsFile)
		if err != nil {
			return nil, badFlag("invalid --results: %v", err)
		}
		out.results = file
		out.buffered = bufio.NewWriter(file)
		s.Results = vegeta.NewEncoder(out.buffered)
	}
	return out, nil
}

func (o *outputs) writeReport(rep *sender.Report) error {
	if o.reportName == "" {
		return nil
	}
	file, err := os.Create(o.reportName)
	if err != nil {
		return err
	}
	if err := rep.WriteJSON(file); err != nil {
		file.Close()
		return err
	}
	return file.Close()
}

func (o *outputs) close() {
	if o.results != nil {
		o.buffered.Flush()
		o.results.Close()
	}
}

// dumpRequests writes one JSON object per request and line.
func dumpRequests(w io.Writer, reqs []sender.Request) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for _, r := range reqs {
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// interruptContext returns a context canceled by the first Ctrl-C or
// SIGTERM; the run then stops gracefully. A second Ctrl-C kills the
// process, because the first one restores the default handling.
func interruptContext() (context.Context, context.CancelFunc) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop()
	}()
	return ctx, stop
}

// progressDelay is how long a run goes before it shows a progress bar:
// shorter runs print only their summary.
const progressDelay = 2 * time.Second

// startProgress shows a progress bar on stderr, when stderr is a terminal
// and the run lasts longer than progressDelay. total is the number of
// requests in the plan, -1 when unknown. The bar counts completed
// requests, not attempts, so retries cannot take it past total, and its
// rate and elapsed time come from the run's start, not from the moment the
// bar appears. It returns the function that removes the bar.
func startProgress(stderr io.Writer, total int64, progress *sender.Progress) func() {
	file, ok := stderr.(*os.File)
	if !ok || !isTerminal(file) {
		return func() {}
	}
	started := time.Now()
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		select {
		case <-done:
			return
		case <-time.After(progressDelay):
		}
		// progressbar's own rate and times start when the bar is created,
		// two seconds into the run, so they are turned off.
		bar := progressbar.NewOptions64(total,
			progressbar.OptionSetWriter(file),
			progressbar.OptionShowCount(),
			progressbar.OptionSetElapsedTime(false),
			progressbar.OptionSetPredictTime(false),
			progressbar.OptionShowDescriptionAtLineEnd(),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
		ticker := time.NewTicker(200 * time.Millisecond)
		defer ticker.Stop()
		for {
			select {
			case <-done:
				bar.Finish()
				return
			case <-ticker.C:
				completed := progress.Completed.Load()
				bar.Describe(progressDescription(completed, time.Since(started)))
				bar.Set64(int64(completed))
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

// progressDescription is the text after the bar: the completed requests
// per second and the time since the run started.
func progressDescription(completed uint64, elapsed time.Duration) string {
	rate := 0.0
	if elapsed > 0 {
		rate = float64(completed) / elapsed.Seconds()
	}
	return fmt.Sprintf("requests, %.0f/s over %s", rate, elapsed.Truncate(time.Second))
}

func isTerminal(f *os.File) bool {
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// describeShard returns the shard for logs.
func describeShard(s sender.Shard) string {
	if s.N <= 1 {
		return "whole plan"
	}
	return fmt.Sprintf("%d/%d", s.I, s.N)
}
