package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"

	"github.com/sgkit/sgkit/sender"
)

// loadGCPercent is the garbage collector's target heap growth during a load
// run, in percent.
const loadGCPercent = 400

func runLoad(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sgkit load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f sendFlags
	f.register(fs, "none")
	fs.IntVar(&f.rate, "rate", 0, "`rate` of first attempts in requests per second (required); 0 sends as fast as --workers allow")
	duration := fs.Duration("duration", 0, "how long to send, as a `duration`, e.g. 30s (required)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: sgkit load --collector URL --rate R --duration D [--workers W] [--seed S] [--shard i/n] [flags]")
		fmt.Fprintln(stderr, "\nSends generated StatusGator requests at a constant rate for a duration. Each body is")
		fmt.Fprintln(stderr, "generated as it is sent; predictions are skipped, so use sgkit send to check outcomes.")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "sgkit load: unexpected argument %q; all settings are flags, see sgkit load -h\n", fs.Arg(0))
		return exitUsage
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))

	if !flagSet(fs, "rate") {
		fmt.Fprintln(stderr, "sgkit load: missing --rate: give requests per second, e.g. --rate 500, or 0 with --workers for maximum throughput")
		return exitUsage
	}
	if *duration <= 0 {
		fmt.Fprintf(stderr, "sgkit load: missing or invalid --duration %s: give how long to send, e.g. --duration 30s\n", *duration)
		return exitUsage
	}
	opts, err := f.options(flagSet(fs, "seed"), flagSet(fs, "format"))
	if err != nil {
		fmt.Fprintf(stderr, "sgkit load: %v\n", err)
		return exitUsage
	}
	logPlan(logger, "load", opts)
	// A load run checks the collector's capacity, not outcomes: predicting
	// every request would cost more than sending it.
	opts.SkipPredictions = true
	if f.rate > 0 {
		// vegeta's constant pacer sends at most rate x duration first
		// attempts, so the plan's timeline fits the run; +1 for rounding.
		opts.Horizon = int(float64(f.rate)*duration.Seconds()) + 1
	}
	s, err := f.sender()
	if err != nil {
		fmt.Fprintf(stderr, "sgkit load: %v\n", err)
		return exitUsage
	}
	s.Duration = *duration
	gen, err := sender.NewGenerator(opts)
	if err != nil {
		fmt.Fprintf(stderr, "sgkit load: %v\n", err)
		return exitUsage
	}
	out, err := openOutputs(&f, s)
	if err != nil {
		fmt.Fprintf(stderr, "sgkit load: %v\n", err)
		return exitUsage
	}
	defer out.close()
	if err := checkReachable(s.Collector); err != nil {
		fmt.Fprintf(stderr, "sgkit load: %v\n", err)
		return exitUsage
	}

	if os.Getenv("GOGC") == "" {
		// A load run's live heap is a few megabytes, while each attempt
		// allocates in net/http. Collecting at 400% growth instead of 100%
		// runs a quarter as many collections, for some more megabytes of
		// heap. GOGC overrides it; the previous value returns afterwards.
		defer debug.SetGCPercent(debug.SetGCPercent(loadGCPercent))
	}

	ctx, cancel := interruptContext()
	defer cancel()
	logger.Info("load started", "collector", s.Collector.Redacted(), "rate", f.rate, "duration", *duration,
		"workers", f.workers, "shard", describeShard(opts.Shard), "format", opts.Format)
	total := int64(-1)
	if f.rate > 0 {
		total = int64(float64(f.rate) * duration.Seconds())
	}
	stopBar := startProgress(stderr, total, s.Progress)
	rep, runErr := s.Run(ctx, gen)
	stopBar()
	rep.Seed, rep.Start = opts.Seed, opts.Start
	return finish(logger, "load", stdout, stderr, &rep, runErr, out)
}
