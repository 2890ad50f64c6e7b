// Command target turns the first request of `sgkit send --dump` (stdin)
// into a vegeta JSON target for a collector base URL (the argument), so
// that the vegeta CLI sends the same request sgkit would.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"os"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/sgkit/sgkit/sender"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: sgkit send --dump -n 1 | target COLLECTOR_URL > targets.json")
		os.Exit(2)
	}
	base, err := sender.ParseCollectorURL(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "target:", err)
		os.Exit(2)
	}

	line, err := bufio.NewReader(os.Stdin).ReadBytes('\n')
	if err != nil && len(line) == 0 {
		fmt.Fprintln(os.Stderr, "target: read the dumped request from stdin:", err)
		os.Exit(1)
	}
	var r sender.Request
	if err := json.Unmarshal(line, &r); err != nil {
		fmt.Fprintln(os.Stderr, "target: invalid dumped request:", err)
		os.Exit(1)
	}

	t := vegeta.Target{Method: r.Method, URL: r.URL(base)}
	if r.Body != nil {
		t.Body = []byte(*r.Body)
	}
	if r.ContentType != nil {
		t.Header = http.Header{"Content-Type": {*r.ContentType}}
	}
	if err := vegeta.NewJSONTargetEncoder(os.Stdout).Encode(&t); err != nil {
		fmt.Fprintln(os.Stderr, "target: write the target:", err)
		os.Exit(1)
	}
}
