package main

import (
	"fmt"
	"io"
)

func runServe(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "sgkit serve: not implemented yet")
	return exitUsage
}
