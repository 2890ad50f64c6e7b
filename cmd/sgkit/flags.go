package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"time"
)

// parseFlags parses args with one line per bad flag instead of the flag
// package's error followed by the whole usage, which buried the fix. -h
// still prints the usage. ok is false when the command must return code.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) (code int, ok bool) {
	usage := fs.Usage
	fs.Usage = func() {}
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.SetOutput(stderr)
	fs.Usage = usage
	switch {
	case err == nil:
		return exitOK, true
	case errors.Is(err, flag.ErrHelp):
		usage()
		return exitOK, false
	}
	fmt.Fprintf(stderr, "%s: %s; see %s -h\n", fs.Name(), flagError(fs, err), fs.Name())
	return exitUsage, false
}

// invalidValue matches the flag package's error for a value its type
// cannot parse (Go 1.26 flag.FlagSet.parseOne).
var invalidValue = regexp.MustCompile(`^invalid (?:boolean )?value "(.*)" for (?:flag )?-([^:]+): `)

// flagError rewrites a flag package error to name the flag, the value and
// the fix.
func flagError(fs *flag.FlagSet, err error) string {
	m := invalidValue.FindStringSubmatch(err.Error())
	if m == nil {
		// Unknown flags and missing arguments already name the flag.
		return err.Error()
	}
	value, name := m[1], m[2]
	fix := "see the flag's help for the expected form"
	if f := fs.Lookup(name); f != nil {
		if g, ok := f.Value.(flag.Getter); ok {
			switch g.Get().(type) {
			case time.Duration:
				fix = "use a duration with a unit, e.g. 5s, 500ms or 2m"
			case int, int64, uint, uint64:
				fix = "use a whole number, e.g. 10"
			case float64:
				fix = "use a decimal number, e.g. 0.001"
			case bool:
				fix = "use true or false"
			}
		}
	}
	return fmt.Sprintf("invalid --%s %q: %s", name, value, fix)
}

// flagSet reports whether the named flag was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	found := false
	fs.Visit(func(f *flag.Flag) { found = found || f.Name == name })
	return found
}
