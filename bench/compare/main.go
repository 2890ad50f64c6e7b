// Command compare reads two vegeta results files, one written by the
// vegeta CLI and one by sgkit load, and prints their metrics side by side
// with the sgkit ÷ vegeta ratios of throughput and p99 latency. Given each
// sender's CPU time, it also prints the ratio of CPU time per request.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

func main() {
	peerCPU := flag.Duration("vegeta-cpu", 0, "user plus system CPU time of the vegeta run, e.g. 4.2s (0 = not measured)")
	ownCPU := flag.Duration("sgkit-cpu", 0, "user plus system CPU time of the sgkit run, e.g. 3.9s (0 = not measured)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: compare [-vegeta-cpu D -sgkit-cpu D] VEGETA_RESULTS SGKIT_RESULTS")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 2 {
		flag.Usage()
		os.Exit(2)
	}
	if (*peerCPU == 0) != (*ownCPU == 0) || *peerCPU < 0 || *ownCPU < 0 {
		fmt.Fprintf(os.Stderr, "compare: invalid CPU times -vegeta-cpu %s and -sgkit-cpu %s: give both as positive durations, or neither\n", *peerCPU, *ownCPU)
		os.Exit(2)
	}
	peer, err := metrics(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(1)
	}
	own, err := metrics(flag.Arg(1))
	if err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(1)
	}

	fmt.Printf("%-8s %10s %12s %12s %10s %10s %10s\n", "sender", "requests", "rate/s", "throughput/s", "p50", "p99", "success")
	for _, row := range []struct {
		name string
		m    *vegeta.Metrics
	}{{"vegeta", peer}, {"sgkit", own}} {
		fmt.Printf("%-8s %10d %12.1f %12.1f %10s %10s %9.2f%%\n", row.name, row.m.Requests, row.m.Rate,
			row.m.Throughput, row.m.Latencies.P50, row.m.Latencies.P99, row.m.Success*100)
	}
	fmt.Printf("throughput ratio (sgkit ÷ vegeta): %.3f\n", own.Throughput/peer.Throughput)
	fmt.Printf("p99 latency ratio (sgkit ÷ vegeta): %.3f\n", float64(own.Latencies.P99)/float64(peer.Latencies.P99))
	if *peerCPU > 0 {
		perPeer := *peerCPU / time.Duration(peer.Requests)
		perOwn := *ownCPU / time.Duration(own.Requests)
		fmt.Printf("CPU per request: vegeta %s, sgkit %s\n", perPeer, perOwn)
		fmt.Printf("CPU per request ratio (sgkit ÷ vegeta): %.3f\n", float64(perOwn)/float64(perPeer))
	}
}

// metrics decodes a results file in any encoding vegeta reads.
func metrics(path string) (*vegeta.Metrics, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()

	dec := vegeta.DecoderFor(bufio.NewReader(file))
	if dec == nil {
		return nil, fmt.Errorf("%s: not a vegeta results file (gob, JSON or CSV)", path)
	}
	var m vegeta.Metrics
	for {
		var res vegeta.Result
		err := dec.Decode(&res)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: decode result %d: %w", path, m.Requests+1, err)
		}
		m.Add(&res)
	}
	m.Close()
	if m.Requests == 0 {
		return nil, fmt.Errorf("%s: no results", path)
	}
	return &m, nil
}
