package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/sgkit/sgkit/collector"
	"github.com/sgkit/sgkit/conformance"
)

// runFlagOf maps a conformance.Config field to the sgkit run flag that
// sets it, so a config error names the flag.
var runFlagOf = map[string]string{
	"CollectorURL": "--collector",
	"MicroURL":     "--micro",
	"Profile":      "--profile",
	"Count":        "--count",
	"Seed":         "--seed",
	"Timeout":      "--timeout",
}

func runRun(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sgkit run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	collectorURL := fs.String("collector", "", "base `URL` of the collector to send to, e.g. http://127.0.0.1:9090; empty starts the embedded collector on a free loopback port")
	microURL := fs.String("micro", "", "base `URL` of the Snowplow Micro API to read results from; the collector URL when empty")
	profile := fs.String("profile", string(conformance.Smoke), "corpus `NAME` to send: smoke (the public StatusGator examples predicted as good events, the v1 ones: no bad rows, safe against production) or full (every public example, v2 and v3 JSON included, plus generated v1, v2, v3 traffic and the edge cases)")
	count := fs.Int("count", conformance.DefaultCount, "number of generated requests per payload format (v1, v2 and v3 each get `N`); --profile full only")
	seed := fs.Int64("seed", conformance.DefaultSeed, "integer seed `S` of the generated requests; the same seed gives the same requests apart from the run's aid; --profile full only")
	timeout := fs.Duration("timeout", conformance.DefaultTimeout, "how long to wait, counted from the end of sending, for every sent request to show up in Micro: a Go duration `D` with its unit (ms, s, m, h), e.g. 30s or 2m")
	reportJSON := fs.String("report-json", "", "also write the report as JSON to `FILE`")
	junit := fs.String("junit", "", "also write the report as JUnit XML to `FILE`")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: sgkit run [flags]")
		fmt.Fprintln(stderr, "\nSends a corpus of StatusGator webhooks to a collector, reads the results back")
		fmt.Fprintln(stderr, "through Snowplow Micro's API and compares each with sgkit's prediction.")
		fmt.Fprintln(stderr, "Exit status: 0 when every check passes, 1 when a check fails, 2 for usage or connection")
		fmt.Fprintln(stderr, "errors and when no read of Micro's API finishes within --timeout (nothing was compared).")
		fmt.Fprintln(stderr, "\nflags:")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "sgkit run: unexpected argument %q; sgkit run takes flags only, see 'sgkit run -h'\n", fs.Arg(0))
		return exitUsage
	}
	if *microURL != "" && *collectorURL == "" {
		fmt.Fprintln(stderr, "sgkit run: --micro needs --collector: the embedded collector serves its own Micro API, so give the collector that feeds the Micro at --micro")
		return exitUsage
	}
	if p := conformance.Profile(*profile); p != conformance.Smoke && p != conformance.Full {
		fmt.Fprintf(stderr, "sgkit run: invalid --profile %q: use smoke or full\n", *profile)
		return exitUsage
	}
	// --count and --seed shape the generated traffic, which only the full
	// profile sends; accepting them with smoke would ignore them silently.
	if conformance.Profile(*profile) == conformance.Smoke {
		var fullOnly []string
		fs.Visit(func(f *flag.Flag) {
			if f.Name == "count" || f.Name == "seed" {
				fullOnly = append(fullOnly, "--"+f.Name)
			}
		})
		if len(fullOnly) > 0 {
			fmt.Fprintf(stderr, "sgkit run: %s applies to --profile full only: smoke sends the public examples and no generated traffic; add --profile full or drop %s\n",
				fullOnly[0], fullOnly[0])
			return exitUsage
		}
	}
	if *timeout <= 0 {
		fmt.Fprintf(stderr, "sgkit run: invalid --timeout %s: use a positive duration such as 30s\n", *timeout)
		return exitUsage
	}
	if *count <= 0 {
		fmt.Fprintf(stderr, "sgkit run: invalid --count %d: use a positive number of requests per format\n", *count)
		return exitUsage
	}

	// A report file that cannot be created is found now, before any
	// traffic goes out, rather than after the whole run.
	for _, rf := range []struct{ flag, path string }{{"--report-json", *reportJSON}, {"--junit", *junit}} {
		if rf.path == "" {
			continue
		}
		if err := checkCreatable(rf.path); err != nil {
			fmt.Fprintf(stderr, "sgkit run: %s %s: %v; give a file path in a directory you can write to\n", rf.flag, rf.path, err)
			return exitUsage
		}
	}

	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	cfg := conformance.Config{
		CollectorURL: *collectorURL,
		MicroURL:     *microURL,
		Profile:      conformance.Profile(*profile),
		Count:        *count,
		Seed:         *seed,
		Timeout:      *timeout,
	}
	if cfg.CollectorURL == "" {
		embedded, err := conformance.StartEmbeddedCollector(collector.WithLogger(logger))
		if err != nil {
			fmt.Fprintf(stderr, "sgkit run: %v; give a running collector with --collector URL\n", err)
			return exitUsage
		}
		defer func() {
			shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := embedded.Stop(shutdownCtx); err != nil {
				logger.Error("embedded collector did not stop cleanly", "err", err)
			}
		}()
		cfg.CollectorURL = embedded.URL()
	}

	report, err := conformance.Run(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "sgkit run: %s\n", describeRunError(err))
		return exitUsage
	}

	// The text report comes first, so a report file that fails to write at
	// the end (a full disk, a directory removed meanwhile) loses nothing.
	if err := conformance.WriteText(stdout, report); err != nil {
		fmt.Fprintf(stderr, "sgkit run: write the report: %v\n", err)
		return exitUsage
	}
	fileFailed := false
	if *reportJSON != "" {
		if err := writeReportFile(*reportJSON, report, conformance.WriteJSON); err != nil {
			fmt.Fprintf(stderr, "sgkit run: --report-json %s: %v; the text report above is complete\n", *reportJSON, err)
			fileFailed = true
		}
	}
	if *junit != "" {
		if err := writeReportFile(*junit, report, conformance.WriteJUnit); err != nil {
			fmt.Fprintf(stderr, "sgkit run: --junit %s: %v; the text report above is complete\n", *junit, err)
			fileFailed = true
		}
	}
	if fileFailed {
		return exitUsage
	}
	if !report.Passed() {
		return exitFail
	}
	return exitOK
}

// describeRunError names the flag behind a conformance error.
func describeRunError(err error) string {
	var cfgErr *conformance.ConfigError
	if errors.As(err, &cfgErr) {
		name := runFlagOf[cfgErr.Field]
		if name == "" {
			name = cfgErr.Field
		}
		return fmt.Sprintf("invalid %s %q: %s", name, cfgErr.Value, cfgErr.Fix)
	}
	var timeoutErr *conformance.TimeoutError
	if errors.As(err, &timeoutErr) {
		return fmt.Sprintf("no read of Snowplow Micro at %s finished within --timeout %s: "+
			"the read of %s was cut off by the deadline, so nothing was compared; "+
			"raise --timeout above the time Micro needs to respond, e.g. --timeout %s",
			timeoutErr.MicroURL, timeoutErr.Timeout, timeoutErr.Read, suggestTimeout(timeoutErr.Timeout))
	}
	var connErr *conformance.ConnectionError
	if errors.As(err, &connErr) {
		return fmt.Sprintf("cannot use --%s %s: %v", connErr.Flag, connErr.URL, connErr.Err)
	}
	if errors.Is(err, context.Canceled) {
		return "interrupted before the run finished"
	}
	return err.Error()
}

// suggestTimeout returns a timeout to try after t was too short: ten times
// t, at least the default.
func suggestTimeout(t time.Duration) time.Duration {
	if s := 10 * t; s > conformance.DefaultTimeout {
		return s.Round(time.Second)
	}
	return conformance.DefaultTimeout
}

// checkCreatable reports whether path can be opened for writing, creating
// it if needed. A file it created is removed again and an existing one is
// left unchanged, so a run that stops early leaves nothing behind.
func checkCreatable(path string) error {
	_, statErr := os.Stat(path)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if errors.Is(statErr, fs.ErrNotExist) {
		return os.Remove(path)
	}
	return nil
}

func writeReportFile(path string, r conformance.Report, encode func(io.Writer, conformance.Report) error) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("%w; give a writable file path", err)
	}
	if err := encode(f, r); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
