// Command sgkit is the StatusGator conformance kit for Snowplow: it predicts,
// sends, collects and compares StatusGator webhook events.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
)

// Exit codes shared by every subcommand.
const (
	exitOK    = 0
	exitFail  = 1 // a check failed
	exitUsage = 2 // bad flags, unreadable input, unreachable collector
)

// command runs one subcommand with its arguments and returns the exit code.
type command struct {
	summary string
	run     func(args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

var commands = map[string]command{
	"predict": {"print the pipeline's predicted output for one request", runPredict},
	"schema":  {"check the Iglu schema, Redshift DDL and jsonpaths agree", runSchema},
	"send":    {"generate StatusGator requests and send or print them", runSend},
	"load":    {"send generated requests at a fixed rate for a duration", runLoad},
	"serve":   {"run the embedded collector with Snowplow Micro's API", runServe},
	"run":     {"send a corpus, read back the results and compare", runRun},
}

func main() {
	os.Exit(dispatch(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func dispatch(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "sgkit: unknown command %q; run 'sgkit help' for the list\n", args[0])
		return exitUsage
	}
	return cmd.run(args[1:], stdin, stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: sgkit <command> [flags]")
	fmt.Fprintln(w, "\ncommands:")
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(w, "  %-8s %s\n", name, commands[name].summary)
	}
	fmt.Fprintln(w, "\nRun 'sgkit <command> -h' for the flags of one command.")
}
