package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/sgkit/sgkit/adapter"
	"github.com/sgkit/sgkit/iglu"
)

// runPredict reads one request (flags for the request line and headers, a
// file or standard input for the body) and prints what Snowplow's collector
// and enrich make of it.
func runPredict(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sgkit predict", flag.ContinueOnError)
	fs.SetOutput(stderr)
	contentType := fs.String("content-type", adapter.FormContentType, "the Content-Type header as the client sends it")
	noContentType := fs.Bool("no-content-type", false, "send no Content-Type header at all")
	query := fs.String("query", "", "the raw query string, without the leading '?'")
	path := fs.String("path", "/"+adapter.Vendor+"/"+adapter.VendorVersion, "the request path")
	noBody := fs.Bool("no-body", false, "send no body at all (instead of a FILE)")
	registry := fs.String("registry", "", "base URL of an Iglu registry (static repository, or Iglu Server with an API key) "+
		"to look schemas up in after the embedded ones")
	apiKey := fs.String("api-key", "", apiKeyUsage)
	timestamp := fs.String("timestamp", "", "the collector's receive time, RFC 3339 (e.g. 2016-05-19T09:26:32Z); sets collector_tstamp")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: sgkit predict [flags] FILE|-")
		fmt.Fprintln(stderr, "       sgkit predict [flags] --no-body")
		fmt.Fprintln(stderr, "       sgkit predict --registry URL [--api-key KEY] [flags] FILE|-")
		fmt.Fprintln(stderr, "\nPrints as JSON what a Snowplow collector and enrich make of one request to the")
		fmt.Fprintln(stderr, "StatusGator webhook: the raw event and enriched fields, or the exact bad row.")
		fmt.Fprintln(stderr, "The body is read from FILE, or from standard input with '-'. Exit 0 whenever a")
		fmt.Fprintln(stderr, "prediction was made, good or bad; 2 for a usage error.")
		fmt.Fprintln(stderr, "\nSchemas are looked up in the embedded Iglu repository first, then in --registry.")
		fs.PrintDefaults()
	}

	// Accept flags after the FILE argument as well as before it.
	var positional []string
	for {
		if code, ok := parseFlags(fs, args, stderr); !ok {
			return code
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}

	cp := adapter.CollectorPayload{Path: *path, QueryString: *query}
	if !*noContentType {
		cp.ContentType = contentType
	} else if flagSet(fs, "content-type") {
		fmt.Fprintln(stderr, "sgkit predict: --content-type and --no-content-type contradict each other; give one")
		return exitUsage
	}
	if *timestamp != "" {
		t, err := time.Parse(time.RFC3339Nano, *timestamp)
		if err != nil {
			fmt.Fprintf(stderr, "sgkit predict: --timestamp %q is not RFC 3339; write it like 2016-05-19T09:26:32Z\n", *timestamp)
			return exitUsage
		}
		if t.IsZero() {
			// CollectorPayload.Timestamp's zero value means "not given".
			fmt.Fprintf(stderr, "sgkit predict: --timestamp %q is Go's zero time, which sgkit reads as no timestamp; give a later time, or leave the flag out\n", *timestamp)
			return exitUsage
		}
		cp.Timestamp = t
	}

	switch {
	case *noBody && len(positional) > 0:
		fmt.Fprintf(stderr, "sgkit predict: --no-body and the body file %q contradict each other; give one\n", positional[0])
		return exitUsage
	case *noBody:
	case len(positional) == 0:
		fmt.Fprintln(stderr, "sgkit predict: missing body: give a FILE, '-' for standard input, or --no-body; see sgkit predict -h")
		return exitUsage
	case len(positional) > 1:
		fmt.Fprintf(stderr, "sgkit predict: one body only, got %d arguments (%q ...); see sgkit predict -h\n", len(positional), positional[1])
		return exitUsage
	default:
		body, err := readBody(positional[0], stdin)
		if err != nil {
			fmt.Fprintf(stderr, "sgkit predict: %v\n", err)
			return exitUsage
		}
		s := adapter.DecodeBody(body)
		cp.Body = &s
	}

	predictor := adapter.Default()
	switch {
	case *registry != "":
		repo, err := igluRegistry(*registry, *apiKey)
		if err != nil {
			fmt.Fprintf(stderr, "sgkit predict: %v\n", err)
			return exitUsage
		}
		predictor.Validator = iglu.New(iglu.NewResolver(iglu.Embedded(), repo))
	case *apiKey != "":
		fmt.Fprintln(stderr, "sgkit predict: --api-key needs --registry URL; give the Iglu Server's URL")
		return exitUsage
	}
	pred, err := predictor.Predict(cp)
	if err != nil {
		fmt.Fprintf(stderr, "sgkit predict: %v\n", err)
		return exitUsage
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(pred); err != nil {
		fmt.Fprintf(stderr, "sgkit predict: writing the prediction: %v\n", err)
		return exitFail
	}
	return exitOK
}

// readBody reads the request body from a file, or from stdin for "-".
func readBody(name string, stdin io.Reader) ([]byte, error) {
	if name == "-" {
		b, err := io.ReadAll(stdin)
		if err != nil {
			return nil, fmt.Errorf("reading the body from standard input: %w", err)
		}
		return b, nil
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("reading the body file: %w; give a readable file or '-' for standard input", err)
	}
	return b, nil
}
