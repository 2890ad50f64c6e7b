package main

import (
	"fmt"
	"io"
)

func runLoad(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "sgkit load: not implemented yet")
	return exitUsage
}
