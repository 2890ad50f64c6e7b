package main

import (
	"fmt"
	"io"
)

func runSend(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "sgkit send: not implemented yet")
	return exitUsage
}
