package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/sgkit/sgkit/sender"
)

// runSgkit runs one sgkit command line and returns its exit code, stdout
// and stderr.
func runSgkit(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := dispatch(args, strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// countingSink is a loopback server that responds to every request with
// code and counts them.
func countingSink(code int) (*httptest.Server, *atomic.Int64) {
	var hits atomic.Int64
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		hits.Add(1)
		w.WriteHeader(code)
		io.WriteString(w, "ok")
	}))
	DeferCleanup(server.Close)
	return server, &hits
}

var _ = Describe("sgkit send", func() {
	It("dumps one parseable JSON object per request", func() {
		code, stdout, stderr := runSgkit("send", "--dump", "-n", "5", "--seed", "1", "--format", "mixed", "--start", "2026-01-02T15:04:05Z")
		Expect(code).To(Equal(exitOK), stderr)
		lines := strings.Split(strings.TrimSpace(stdout), "\n")
		Expect(lines).To(HaveLen(5))
		for _, line := range lines {
			var obj map[string]json.RawMessage
			Expect(json.Unmarshal([]byte(line), &obj)).To(Succeed())
			for _, key := range []string{"method", "path", "query", "contentType", "body", "format", "name", "expected"} {
				Expect(obj).To(HaveKey(key))
			}
			var expected struct{ Outcome string }
			Expect(json.Unmarshal(obj["expected"], &expected)).To(Succeed())
			Expect(expected.Outcome).To(BeElementOf("good", "bad"))
		}
	})

	It("dumps the same lines for the same seed and start", func() {
		args := []string{"send", "--dump", "-n", "20", "--seed", "9", "--start", "2026-01-02T15:04:05Z"}
		_, first, _ := runSgkit(args...)
		_, second, _ := runSgkit(args...)
		Expect(first).To(Equal(second))
	})

	It("prints a seed and start that repeat", func() {
		code, first, stderr := runSgkit("send", "--dump", "-n", "5")
		Expect(code).To(Equal(exitOK), stderr)
		m := regexp.MustCompile(`seed=(-?\d+) start=(\S+)`).FindStringSubmatch(stderr)
		Expect(m).NotTo(BeNil(), stderr)
		code, second, stderr := runSgkit("send", "--dump", "-n", "5", "--seed", m[1], "--start", m[2])
		Expect(code).To(Equal(exitOK), stderr)
		Expect(second).To(Equal(first))
	})

	It("reports the seed and start", func() {
		server, _ := countingSink(200)
		reportFile := filepath.Join(GinkgoT().TempDir(), "report.json")
		code, _, stderr := runSgkit("send", "--collector", server.URL, "-n", "2", "--report", reportFile)
		Expect(code).To(Equal(exitOK), stderr)
		m := regexp.MustCompile(`seed=(-?\d+) start=(\S+)`).FindStringSubmatch(stderr)
		Expect(m).NotTo(BeNil(), stderr)
		raw, err := os.ReadFile(reportFile)
		Expect(err).NotTo(HaveOccurred())
		var report struct {
			Seed  json.Number `json:"seed"`
			Start string      `json:"start"`
		}
		Expect(json.Unmarshal(raw, &report)).To(Succeed())
		Expect(report.Seed.String()).To(Equal(m[1]))
		start, err := time.Parse(time.RFC3339Nano, m[2])
		Expect(err).NotTo(HaveOccurred())
		reported, err := time.Parse(time.RFC3339Nano, report.Start)
		Expect(err).NotTo(HaveOccurred())
		Expect(reported.Equal(start)).To(BeTrue(), "report %s, log %s", report.Start, m[2])
	})

	It("dumps one line per rule of the edge corpus", func() {
		code, stdout, stderr := runSgkit("send", "--dump", "--corpus", "edge", "--seed", "1")
		Expect(code).To(Equal(exitOK), stderr)
		Expect(strings.Count(stdout, "\n")).To(Equal(len(sender.EdgeCaseNames())))
	})

	DescribeTable("rejects a bad flag before sending anything",
		func(flag string, args ...string) {
			server, hits := countingSink(200)
			full := append([]string{"send", "--collector", server.URL}, args...)
			code, _, stderr := runSgkit(full...)
			Expect(code).To(Equal(exitUsage))
			Expect(stderr).To(ContainSubstring(flag))
			Expect(hits.Load()).To(BeZero())
		},
		Entry("URL without scheme", "--collector", "--collector", "127.0.0.1:9"),
		Entry("unknown format", "--format", "--format", "v4"),
		Entry("unknown corpus", "--corpus", "--corpus", "fuzzy"),
		Entry("shard out of range", "--shard", "--shard", "4/3", "--seed", "1"),
		Entry("shard without seed", "--seed", "--shard", "1/3"),
		Entry("zero retry scale", "--retry-scale", "--retry-scale", "0"),
		Entry("zero timeout", "--timeout", "--timeout", "0s"),
		Entry("unknown retry policy", "--retries", "--retries", "forever"),
		Entry("duplicates above 1", "--natural-duplicates", "--natural-duplicates", "1.5"),
		Entry("start not RFC 3339", "--start", "--start", "yesterday"),
		Entry("format with the edge corpus", "--format v2 does not apply to --corpus edge", "--corpus", "edge", "--format", "v2"),
		Entry("unknown flag", "-bogus", "-bogus"),
		// app_id is limited to 255 characters (atomic 1-0-0 maxLength).
		Entry("run id over 255 characters", "--run-id", "--run-id", strings.Repeat("r", 256)),
		Entry("run id needing escapes", "--run-id", "--run-id", "run 1&x=2"),
	)

	It("rejects --no-tag with synthetic duplicates", func() {
		for _, cmd := range [][]string{{"send", "--dump", "-n", "5"}, {"load", "--rate", "10", "--duration", "1s"}} {
			server, hits := countingSink(200)
			args := append(cmd, "--collector", server.URL, "--no-tag", "--synthetic-duplicates", "0.2")
			code, stdout, stderr := runSgkit(args...)
			Expect(code).To(Equal(exitUsage), cmd[0])
			Expect(stdout).To(BeEmpty())
			Expect(stderr).To(ContainSubstring("--no-tag"))
			Expect(stderr).To(ContainSubstring("--synthetic-duplicates 0.2"))
			Expect(hits.Load()).To(BeZero())
		}
	})

	DescribeTable("reports a bad value in one line",
		func(want string, args ...string) {
			code, stdout, stderr := runSgkit(args...)
			Expect(code).To(Equal(exitUsage))
			Expect(stdout).To(BeEmpty())
			Expect(stderr).To(ContainSubstring(want))
			// One line, not the flag package's error followed by the usage.
			Expect(strings.Count(stderr, "\n")).To(Equal(1), stderr)
		},
		Entry("duration without a unit", `invalid --timeout "5": use a duration with a unit, e.g. 5s`, "send", "--timeout", "5"),
		Entry("load duration without a unit", `invalid --duration "1": use a duration with a unit, e.g. 5s`, "load", "--duration", "1"),
		Entry("seed not a number", `invalid --seed "abc": use a whole number`, "send", "--seed", "abc"),
		Entry("retry scale not a number", `invalid --retry-scale "abc": use a decimal number, e.g. 0.001`, "send", "--retry-scale", "abc"),
		Entry("boolean", `invalid --no-tag "maybe": use true or false`, "send", "--no-tag=maybe"),
		Entry("unknown flag", "flag provided but not defined: -bogus; see sgkit send -h", "send", "--bogus"),
	)

	It("prints the usage for -h", func() {
		code, _, stderr := runSgkit("send", "-h")
		Expect(code).To(Equal(exitOK))
		Expect(stderr).To(ContainSubstring("usage: sgkit send"))
		Expect(stderr).To(ContainSubstring("-retry-scale"))
	})

	It("asks for --collector when it is missing", func() {
		code, _, stderr := runSgkit("send", "-n", "1")
		Expect(code).To(Equal(exitUsage))
		Expect(stderr).To(ContainSubstring("missing --collector"))
	})

	It("sends, writes the JSON report and vegeta results", func() {
		server, hits := countingSink(200)
		dir := GinkgoT().TempDir()
		reportFile := filepath.Join(dir, "report.json")
		resultsFile := filepath.Join(dir, "results.bin")
		code, stdout, stderr := runSgkit("send", "--collector", server.URL, "-n", "12", "--seed", "2",
			"--report", reportFile, "--results", resultsFile)
		Expect(code).To(Equal(exitOK), stderr)
		Expect(stdout).To(ContainSubstring("12 sent, 12 succeeded"))
		Expect(hits.Load()).To(BeEquivalentTo(12))

		raw, err := os.ReadFile(reportFile)
		Expect(err).NotTo(HaveOccurred())
		var report map[string]any
		Expect(json.Unmarshal(raw, &report)).To(Succeed())
		Expect(report).To(HaveKeyWithValue("requests", BeEquivalentTo(12)))
		Expect(report).To(HaveKeyWithValue("succeeded", BeEquivalentTo(12)))
		Expect(report).To(HaveKeyWithValue("failed", BeEquivalentTo(0)))
		Expect(report).To(HaveKeyWithValue("retries", BeEquivalentTo(0)))
		Expect(report["latencies"]).To(HaveKey("p50"))
		Expect(report["latencies"]).To(HaveKey("p90"))
		Expect(report["latencies"]).To(HaveKey("p99"))
		Expect(report["latencies"]).To(HaveKey("max"))

		file, err := os.Open(resultsFile)
		Expect(err).NotTo(HaveOccurred())
		defer file.Close()
		dec := vegeta.NewDecoder(bufio.NewReader(file))
		decoded := 0
		for {
			var res vegeta.Result
			err := dec.Decode(&res)
			if errors.Is(err, io.EOF) {
				break
			}
			Expect(err).NotTo(HaveOccurred())
			Expect(res.Code).To(BeEquivalentTo(200))
			decoded++
		}
		Expect(decoded).To(Equal(12))
	})

	It("exits 1 when requests fail", func() {
		server, hits := countingSink(500)
		code, stdout, _ := runSgkit("send", "--collector", server.URL, "-n", "3", "--retries", "none")
		Expect(code).To(Equal(exitFail))
		Expect(stdout).To(ContainSubstring("3 failed"))
		Expect(hits.Load()).To(BeEquivalentTo(3))
	})

	It("exits 2 when the collector is unreachable", func() {
		server, _ := countingSink(200)
		url := server.URL
		server.Close()
		code, _, stderr := runSgkit("send", "--collector", url, "-n", "1")
		Expect(code).To(Equal(exitUsage))
		Expect(stderr).To(ContainSubstring("unreachable"))
	})
})

var _ = Describe("sgkit load", func() {
	It("sends one shard at a rate for a duration", func() {
		server, hits := countingSink(200)
		dir := GinkgoT().TempDir()
		reportFile := filepath.Join(dir, "report.json")
		code, _, stderr := runSgkit("load", "--collector", server.URL, "--rate", "200", "--duration", "200ms",
			"--shard", "1/2", "--seed", "5", "--report", reportFile)
		Expect(code).To(Equal(exitOK), stderr)

		raw, err := os.ReadFile(reportFile)
		Expect(err).NotTo(HaveOccurred())
		var report sender.Report
		Expect(json.Unmarshal(raw, &report)).To(Succeed())
		Expect(report.Requests).To(BeNumerically(">", 0))
		Expect(report.Requests).To(BeEquivalentTo(hits.Load()))
	})

	It("requires --rate and --duration", func() {
		server, hits := countingSink(200)
		code, _, stderr := runSgkit("load", "--collector", server.URL, "--duration", "1s")
		Expect(code).To(Equal(exitUsage))
		Expect(stderr).To(ContainSubstring("missing --rate"))
		code, _, stderr = runSgkit("load", "--collector", server.URL, "--rate", "10")
		Expect(code).To(Equal(exitUsage))
		Expect(stderr).To(ContainSubstring("--duration"))
		Expect(hits.Load()).To(BeZero())
	})
})

var _ = DescribeTable("progress rate since the run start",
	func(completed uint64, elapsed time.Duration, want string) {
		Expect(progressDescription(completed, elapsed)).To(Equal(want))
	},
	// 200 requests in the run's first 2 s: 100/s, not the count divided by
	// the time since the bar appeared.
	Entry("two seconds in", uint64(200), 2*time.Second, "requests, 100/s over 2s"),
	Entry("before any time passed", uint64(0), time.Duration(0), "requests, 0/s over 0s"),
	Entry("part seconds truncate", uint64(2500), 2500*time.Millisecond, "requests, 1000/s over 2s"),
)
