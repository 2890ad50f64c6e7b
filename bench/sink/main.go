// Command sink is the HTTP server the load benchmark sends to: it reads
// each request body and responds 200 "ok", as a Snowplow collector does,
// so that the benchmark measures the senders and not a pipeline.
package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen `address`; port 0 picks a free port")
	flag.Parse()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		slog.Error("listen failed", "addr", *addr, "error", err)
		os.Exit(1)
	}
	// The first line of stdout is the URL, for the benchmark script to read.
	fmt.Printf("http://%s\n", ln.Addr())
	slog.Info("sink started", "addr", ln.Addr().String())

	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "ok")
	})
	if err := http.Serve(ln, handler); err != nil {
		slog.Error("serve failed", "error", err)
		os.Exit(1)
	}
}
