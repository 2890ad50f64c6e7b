package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/sgkit/sgkit/collector"
)

// runServe runs the embedded collector until SIGINT or SIGTERM.
func runServe(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(signals)
	return serve(signals, args, stdout, stderr)
}

// serve runs the embedded collector until the first value on signals, then
// shuts it down, waiting up to 5 seconds for requests in flight. It
// returns exitFail when that wait times out or a second signal arrives
// first; the second one does not wait.
func serve(signals <-chan os.Signal, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sgkit serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:9090", "`host:port` to listen on; use 0.0.0.0:9090 to accept other hosts")
	maxBody := fs.Int64("max-body", collector.DefaultMaxPayloadSize,
		"the sink's maxBytes in `BYTES`: a collector payload this size or larger (Thrift-serialised, as the Snowplow "+
			"collector measures it) is stored as a size_violation bad row; a body above twice this is answered 413")
	capacity := fs.Int("store-capacity", collector.DefaultStoreCapacity,
		"number of good events and bad rows kept in memory; past it the oldest is dropped and counted")
	requestTimeout := fs.Duration("request-timeout", collector.DefaultRequestTimeout,
		"`duration` a tracking request may take, body included, before it is answered 408 and not stored "+
			"(the collector's networking.responseHeaderTimeout)")
	cookie := fs.String("cookie-name", collector.DefaultCookieName, "`name` of the network user id cookie")
	logLevel := fs.String("log-level", "info", "log `level`: debug, info, warn or error")
	logJSON := fs.Bool("log-json", false, "write logs as JSON lines instead of text")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: sgkit serve [--addr 127.0.0.1:9090] [--max-body BYTES] [--store-capacity N] [--request-timeout 30s] [--cookie-name sp]")
		fmt.Fprintln(stderr, "\nRuns the embedded collector: Snowplow collector routes (POST /{vendor}/{version},")
		fmt.Fprintln(stderr, "GET /i, OPTIONS, GET /health, /sink-health, /robots.txt; /r/* returns 404 as with")
		fmt.Fprintln(stderr, "redirects disabled) and Snowplow Micro's API (/micro/all, good, bad, reset, iglu).")
		fmt.Fprintln(stderr, "Counters of dropped and unmodelled payloads are at GET /sgkit/stats.")
		fmt.Fprintln(stderr, "\nflags:")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "sgkit serve: unexpected argument %q; every setting is a flag, see 'sgkit serve -h'\n", fs.Arg(0))
		return exitUsage
	}
	if _, _, err := net.SplitHostPort(*addr); err != nil {
		fmt.Fprintf(stderr, "sgkit serve: --addr %q is invalid: %v; want host:port, e.g. 127.0.0.1:9090\n", *addr, err)
		return exitUsage
	}
	// Checked here as well as in collector.New so that the message names
	// the flag.
	if *maxBody <= 0 || *maxBody > collector.MaxPayloadSizeLimit {
		fmt.Fprintf(stderr, "sgkit serve: --max-body %d is invalid: want 1 to %d bytes (a body above twice it gets 413)\n",
			*maxBody, int64(collector.MaxPayloadSizeLimit))
		return exitUsage
	}
	if *capacity <= 0 {
		fmt.Fprintf(stderr, "sgkit serve: --store-capacity %d is invalid: want a positive number of events\n", *capacity)
		return exitUsage
	}
	if *requestTimeout <= 0 {
		fmt.Fprintf(stderr, "sgkit serve: --request-timeout %s is invalid: want a positive duration, e.g. 30s\n", *requestTimeout)
		return exitUsage
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(stderr, "sgkit serve: --log-level %q is invalid; want debug, info, warn or error\n", *logLevel)
		return exitUsage
	}
	var handler slog.Handler = slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})
	if *logJSON {
		handler = slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level})
	}
	logger := slog.New(handler)

	srv, err := collector.New(
		collector.WithAddr(*addr),
		collector.WithMaxPayloadSize(*maxBody),
		collector.WithStoreCapacity(*capacity),
		collector.WithCookieName(*cookie),
		collector.WithRequestTimeout(*requestTimeout),
		collector.WithLogger(logger),
	)
	if err != nil {
		fmt.Fprintf(stderr, "sgkit serve: %v\n", err)
		return exitUsage
	}
	if err := srv.Start(); err != nil {
		logger.Error("start collector", "err", err)
		return exitUsage
	}
	fmt.Fprintf(stdout, "collector listening on %s (Micro API at %s/micro/all); Ctrl-C stops it\n", srv.URL(), srv.URL())

	sig := <-signals
	logger.Info("stop requested, shutting down; a second signal exits at once", "signal", sig.String())

	closed := make(chan error, 1)
	go func() { closed <- srv.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			logger.Error("shutdown", "err", err)
			return exitFail
		}
		return exitOK
	case sig := <-signals:
		logger.Error("second signal: exiting without waiting for requests in flight", "signal", sig.String())
		return exitFail
	}
}
