package main

import (
	"fmt"
	"io"
)

func runSchema(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "sgkit schema: not implemented yet")
	return exitUsage
}
