package main

import (
	"fmt"
	"io"
)

func runPredict(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "sgkit predict: not implemented yet")
	return exitUsage
}
