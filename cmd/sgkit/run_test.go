package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sgkit/sgkit/collector"
	"github.com/sgkit/sgkit/conformance"
	"github.com/sgkit/sgkit/micro"
)

// sgkitRun runs sgkit run with args and returns the exit code and output.
func sgkitRun(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := dispatch(append([]string{"run"}, args...), strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// startSeparateCollector starts an embedded collector on loopback, apart
// from the one sgkit run would start, and returns its URL.
func startSeparateCollector() string {
	ec, err := conformance.StartEmbeddedCollector(
		collector.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func(ctx context.Context) error { return ec.Stop(ctx) })
	return ec.URL()
}

var _ = Describe("sgkit run", func() {
	It("passes against a separately started collector", func() {
		url := startSeparateCollector()
		dir := GinkgoT().TempDir()
		jsonPath, junitPath := filepath.Join(dir, "report.json"), filepath.Join(dir, "junit.xml")

		code, stdout, stderr := sgkitRun("--collector", url, "--profile", "full", "--count", "3",
			"--timeout", "20s", "--report-json", jsonPath, "--junit", junitPath)
		Expect(code).To(Equal(exitOK), stdout+stderr)
		Expect(stdout).To(ContainSubstring("sent to " + url))
		Expect(stdout).To(ContainSubstring("\nPASS: "))

		var report conformance.Report
		raw, err := os.ReadFile(jsonPath)
		Expect(err).NotTo(HaveOccurred())
		Expect(json.Unmarshal(raw, &report)).To(Succeed())
		Expect(report.Collector).To(Equal(url))
		Expect(report.Profile).To(Equal(conformance.Full))
		Expect(report.Sent).To(BeNumerically(">", 9))
		Expect(report.Checks).NotTo(BeEmpty())

		var junit struct {
			Tests    int `xml:"tests,attr"`
			Failures int `xml:"failures,attr"`
		}
		raw, err = os.ReadFile(junitPath)
		Expect(err).NotTo(HaveOccurred())
		Expect(xml.Unmarshal(raw, &junit)).To(Succeed())
		Expect(junit.Failures).To(BeZero())
		total := 0
		for _, c := range report.Checks {
			total += c.Passed + c.Failed
		}
		Expect(junit.Tests).To(Equal(total))
	})

	It("starts the embedded collector without --collector", func() {
		code, stdout, stderr := sgkitRun("--profile", "smoke")
		Expect(code).To(Equal(exitOK), stdout+stderr)
		Expect(stdout).To(ContainSubstring("sent to http://127.0.0.1:"))
		Expect(stdout).To(ContainSubstring("\nPASS: "))
	})

	It("exits 1 naming the event when a check fails", func() {
		real := startSeparateCollector()
		target, err := http.NewRequest(http.MethodGet, real, nil)
		Expect(err).NotTo(HaveOccurred())
		// The proxy returns 500 for every tracking request and passes
		// everything else to the real collector.
		proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && !strings.HasPrefix(r.URL.Path, "/micro/") {
				http.Error(w, "internal server error", http.StatusInternalServerError)
				return
			}
			resp, err := http.Get(target.URL.String() + r.URL.RequestURI())
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			defer resp.Body.Close()
			w.WriteHeader(resp.StatusCode)
			_, _ = io.Copy(w, resp.Body)
		}))
		DeferCleanup(proxy.Close)

		code, stdout, stderr := sgkitRun("--collector", proxy.URL, "--timeout", "2s")
		Expect(code).To(Equal(exitFail), stdout+stderr)
		Expect(stdout).To(ContainSubstring("collector response: event "))
		Expect(stdout).To(ContainSubstring("actual:   500 Internal Server Error"))
		Expect(stdout).To(ContainSubstring("\nFAIL: "))
	})

	DescribeTable("exits 2 naming the flag",
		func(args []string, message string) {
			code, stdout, stderr := sgkitRun(args...)
			Expect(code).To(Equal(exitUsage), stdout+stderr)
			Expect(stderr).To(ContainSubstring(message))
			Expect(stdout).To(BeEmpty())
		},
		Entry("unknown profile", []string{"--profile", "nightly"}, `invalid --profile "nightly": use smoke or full`),
		Entry("zero count", []string{"--profile", "full", "--count", "0"}, "invalid --count 0"),
		Entry("count with the smoke profile", []string{"--count", "5"},
			"--count applies to --profile full only: smoke sends the public examples and no generated traffic; add --profile full or drop --count"),
		Entry("seed with the default smoke profile", []string{"--profile", "smoke", "--seed", "7"}, "--seed applies to --profile full only"),
		Entry("zero timeout", []string{"--timeout", "0s"}, "invalid --timeout 0s"),
		Entry("micro without collector", []string{"--micro", "http://127.0.0.1:9090"}, "--micro needs --collector"),
		Entry("positional argument", []string{"smoke"}, `unexpected argument "smoke"`),
		Entry("unknown flag", []string{"--colector", "http://127.0.0.1:9090"}, "flag provided but not defined: -colector"),
		Entry("collector URL without scheme", []string{"--collector", "127.0.0.1:9090"}, `invalid --collector "127.0.0.1:9090"`),
		Entry("unreachable collector", []string{"--collector", "http://127.0.0.1:1", "--timeout", "2s"},
			"cannot use --collector http://127.0.0.1:1"),
	)

	It("states the unit or form of every flag's value in -h", func() {
		code, stdout, stderr := sgkitRun("-h")
		Expect(code).To(Equal(exitOK))
		Expect(stdout).To(BeEmpty())
		for _, line := range []string{
			"-collector URL", "-micro URL", "-profile NAME", "-count N", "-seed S", "-timeout D",
			"-report-json FILE", "-junit FILE",
		} {
			Expect(stderr).To(ContainSubstring("  "+line+"\n"), line)
		}
		Expect(stderr).To(ContainSubstring("a Go duration D with its unit (ms, s, m, h)"))
		Expect(stderr).To(ContainSubstring("number of generated requests per payload format"))
	})

	It("exits 2 naming a Micro that does not answer", func() {
		url := startSeparateCollector()
		code, _, stderr := sgkitRun("--collector", url, "--micro", "http://127.0.0.1:1")
		Expect(code).To(Equal(exitUsage))
		Expect(stderr).To(ContainSubstring("cannot use --micro http://127.0.0.1:1"))
	})

	It("exits 2 naming --timeout when no read of Micro finishes in time", func() {
		url := startSeparateCollector()
		code, stdout, stderr := sgkitRun("--collector", url, "--timeout", "1ns")
		Expect(code).To(Equal(exitUsage), stdout+stderr)
		Expect(stderr).To(ContainSubstring("finished within --timeout 1ns"))
		Expect(stderr).To(ContainSubstring("raise --timeout above the time Micro needs to respond, e.g. --timeout 30s"))
		Expect(stderr).NotTo(ContainSubstring("<nil>"))
		Expect(stdout).To(BeEmpty())
	})

	DescribeTable("exits 2 before sending when a report file cannot be created",
		func(flagName string) {
			url := startSeparateCollector()
			path := filepath.Join(GinkgoT().TempDir(), "missing-dir", "report")
			code, stdout, stderr := sgkitRun("--collector", url, flagName, path)
			Expect(code).To(Equal(exitUsage), stdout+stderr)
			Expect(stderr).To(ContainSubstring(flagName + " " + path + ": "))
			Expect(stderr).To(ContainSubstring("give a file path in a directory you can write to"))
			Expect(stdout).To(BeEmpty())

			// Nothing reached the collector.
			mc, err := micro.NewClient(url)
			Expect(err).NotTo(HaveOccurred())
			sum, err := mc.All(context.Background())
			Expect(err).NotTo(HaveOccurred())
			Expect(sum.Total).To(BeZero())
		},
		Entry("--report-json", "--report-json"),
		Entry("--junit", "--junit"),
	)

	It("leaves no file behind from the check before sending", func() {
		url := startSeparateCollector()
		dir := GinkgoT().TempDir()
		path := filepath.Join(dir, "report.json")
		code, stdout, stderr := sgkitRun("--collector", url, "--report-json", path, "--junit", filepath.Join(dir, "missing", "j.xml"))
		Expect(code).To(Equal(exitUsage), stdout+stderr)
		Expect(path).NotTo(BeAnExistingFile())
	})

	It("prints the text report first when a report file fails at the end", func() {
		// /dev/full opens for writing, so the check before sending passes,
		// and every write to it fails with ENOSPC (Linux null(4)).
		Expect("/dev/full").To(BeAnExistingFile())
		url := startSeparateCollector()
		code, stdout, stderr := sgkitRun("--collector", url, "--report-json", "/dev/full")
		Expect(code).To(Equal(exitUsage), stdout+stderr)
		Expect(stdout).To(ContainSubstring("\nPASS: "))
		Expect(stderr).To(ContainSubstring("--report-json /dev/full: "))
		Expect(stderr).To(ContainSubstring("no space left on device"))
		Expect(stderr).To(ContainSubstring("the text report above is complete"))
	})
})
