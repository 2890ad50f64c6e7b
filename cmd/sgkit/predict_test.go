package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sgkit/sgkit/fixtures"
)

// predictCmd runs `sgkit predict` with stdin and returns the exit code,
// stdout and stderr.
func predictCmd(stdin string, args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := dispatch(append([]string{"predict"}, args...), strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

var _ = Describe("sgkit predict", func() {
	const cloudflare = "service_name=CloudFlare&favicon_url=https%3A%2F%2Fdwxjd9cd6rwno.cloudfront.net%2Ffavicons%2Fcloudflare.ico&status_page_url=https%3A%2F%2Fwww.cloudflarestatus.com%2F&home_page_url=http%3A%2F%2Fwww.cloudflare.com&current_status=up&last_status=warn&occurred_at=2016-05-19T09%3A26%3A31%2B00%3A00"

	// decode parses the printed prediction.
	decode := func(out string) map[string]any {
		var pred map[string]any
		Expect(json.Unmarshal([]byte(out), &pred)).To(Succeed(), out)
		return pred
	}

	// The six cases of enrich's StatusGatorAdapterSpec, through the command.
	DescribeTable("reproduces StatusGatorAdapterSpec",
		func(file string, args []string, stdin string, outcome, field string, value any, expectation string) {
			c := loadCase(file)
			code, out, stderr := predictCmd(stdin, args...)
			Expect(code).To(Equal(exitOK), stderr)
			pred := decode(out)
			Expect(pred["outcome"]).To(Equal(outcome), c.Source)
			if outcome == "good" {
				params := pred["rawEvent"].(map[string]any)["parameters"].(map[string]any)
				var want map[string]any
				Expect(json.Unmarshal(c.Expected, &want)).To(Succeed())
				wantParams := want["rawEvent"].(map[string]any)["parameters"].(map[string]any)
				Expect(params["ue_pr"]).To(Equal(wantParams["ue_pr"]))
				return
			}
			msg := pred["badRow"].(map[string]any)["data"].(map[string]any)["failure"].(map[string]any)["messages"].([]any)[0].(map[string]any)
			Expect(msg["field"]).To(Equal(field))
			if value == nil {
				Expect(msg["value"]).To(BeNil())
			} else {
				Expect(msg["value"]).To(Equal(value))
			}
			Expect(msg["expectation"]).To(Equal(expectation))
		},
		Entry("e1 CloudFlare", "adapter/spec-e1-cloudflare.json", []string{"-"}, cloudflare, "good", "", nil, ""),
		Entry("e2 body missing", "adapter/spec-e2-body-missing.json", []string{"--no-body"}, "", "bad", "body", nil, "empty body: no events to process"),
		Entry("e3 no content type", "adapter/spec-e3-no-content-type.json", []string{"--no-content-type", "-"}, cloudflare, "bad", "contentType", nil, "no content type: expected application/x-www-form-urlencoded"),
		Entry("e4 JSON content type", "adapter/spec-e4-json-content-type.json", []string{"--content-type", "application/json", "-"}, cloudflare, "bad", "contentType", "application/json", "expected application/x-www-form-urlencoded"),
		Entry("e5 empty body", "adapter/spec-e5-empty-body.json", []string{"-"}, "", "bad", "body", nil, "empty body: no events to process"),
		Entry("e6 unparsable body", "adapter/spec-e6-unparsable-body.json", []string{"-"}, "{"+cloudflare, "bad", "body", "{"+cloudflare,
			"could not parse body: Illegal character in query at index 18: http://localhost/?{"+cloudflare),
	)

	It("reads the body from a file and takes flags after it", func() {
		file := filepath.Join(GinkgoT().TempDir(), "body.txt")
		Expect(os.WriteFile(file, []byte(cloudflare), 0o600)).To(Succeed())
		code, out, stderr := predictCmd("", file, "--query", "p=web")
		Expect(code).To(Equal(exitOK), stderr)
		event := decode(out)["event"].(map[string]any)
		Expect(event["platform"]).To(Equal("web"))
	})

	It("exits 2 naming the file when it cannot be read", func() {
		code, out, stderr := predictCmd("", "/nonexistent/body.txt")
		Expect(code).To(Equal(exitUsage))
		Expect(out).To(BeEmpty())
		Expect(stderr).To(ContainSubstring("/nonexistent/body.txt"))
	})

	It("exits 2 for an unknown flag", func() {
		code, _, stderr := predictCmd("", "--bogus", "-")
		Expect(code).To(Equal(exitUsage))
		Expect(stderr).To(ContainSubstring("-bogus"))
	})

	It("exits 2 without a body argument", func() {
		code, _, stderr := predictCmd("")
		Expect(code).To(Equal(exitUsage))
		Expect(stderr).To(ContainSubstring("missing body"))
	})

	It("exits 2 naming the path of another enrich adapter", func() {
		code, _, stderr := predictCmd(cloudflare, "--path", "/com.mailchimp/v1", "-")
		Expect(code).To(Equal(exitUsage))
		Expect(stderr).To(ContainSubstring(`"/com.mailchimp/v1"`))
	})

	DescribeTable("exits 2 for a path the collector rejects",
		func(path, want string) {
			code, out, stderr := predictCmd(cloudflare, "--path", path, "-")
			Expect(code).To(Equal(exitUsage))
			Expect(out).To(BeEmpty())
			Expect(stderr).To(ContainSubstring(want))
		},
		// http4s dsl: Root / vendor / version matches no trailing slash.
		Entry("trailing slash", "/com.statusgator/v1/", `"/com.statusgator/v1/"`),
		Entry("query in the path", "/com.statusgator/v1?aid=x", "--query"),
		Entry("three segments", "/com.statusgator/v1/x", "404"),
	)

	It("predicts for a percent-encoded path as the collector decodes it", func() {
		// Service.determinePath rebuilds /com.statusgator/v1 from the
		// segments http4s decoded (stream collector 3.4.0).
		code, out, stderr := predictCmd(cloudflare, "--path", "/com%2Estatusgator/v%31", "-")
		Expect(code).To(Equal(exitOK), stderr)
		Expect(decode(out)["outcome"]).To(Equal("good"))
	})

	It("exits 2 for the zero time as --timestamp", func() {
		code, out, stderr := predictCmd(cloudflare, "--timestamp", "0001-01-01T00:00:00Z", "-")
		Expect(code).To(Equal(exitUsage))
		Expect(out).To(BeEmpty())
		Expect(stderr).To(ContainSubstring(`"0001-01-01T00:00:00Z"`))
	})

	It("exits 2 naming a charset the body cannot be read in", func() {
		code, out, stderr := predictCmd("service_name=Caf\xc3\xa9",
			"--content-type", "application/x-www-form-urlencoded; charset=US-ASCII", "-")
		Expect(code).To(Equal(exitUsage))
		Expect(out).To(BeEmpty())
		Expect(stderr).To(ContainSubstring("charset US-ASCII"))
	})

	It("exits 2 for contradicting content-type flags", func() {
		code, _, stderr := predictCmd(cloudflare, "--no-content-type", "--content-type", "text/plain", "-")
		Expect(code).To(Equal(exitUsage))
		Expect(stderr).To(ContainSubstring("--no-content-type"))
	})

	Describe("--registry", func() {
		// countingRegistry serves 404 for every schema and counts the requests.
		countingRegistry := func() (string, *atomic.Int32) {
			var hits atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				w.WriteHeader(http.StatusNotFound)
			}))
			DeferCleanup(srv.Close)
			return srv.URL, &hits
		}

		It("consults no registry for an embedded schema", func() {
			url, hits := countingRegistry()
			code, out, stderr := predictCmd(cloudflare, "--registry", url, "-")
			Expect(code).To(Equal(exitOK), stderr)
			Expect(decode(out)["outcome"]).To(Equal("good"))
			Expect(hits.Load()).To(BeZero())
		})

		It("predicts with an unreachable registry", func() {
			srv := httptest.NewServer(http.NotFoundHandler())
			url := srv.URL
			srv.Close()
			code, out, stderr := predictCmd(cloudflare, "--registry", url, "--api-key", "k", "-")
			Expect(code).To(Equal(exitOK), stderr)
			Expect(decode(out)["outcome"]).To(Equal("good"))
		})

		It("exits 2 for a URL without scheme", func() {
			code, _, stderr := predictCmd(cloudflare, "--registry", "iglucentral.com", "-")
			Expect(code).To(Equal(exitUsage))
			Expect(stderr).To(ContainSubstring(`"iglucentral.com"`))
		})

		It("exits 2 for --api-key alone", func() {
			code, _, stderr := predictCmd(cloudflare, "--api-key", "k", "-")
			Expect(code).To(Equal(exitUsage))
			Expect(stderr).To(ContainSubstring("--api-key needs --registry"))
		})
	})
})

// loadCase returns one embedded fixture by its path, e.g. "adapter/x.json".
func loadCase(file string) fixtures.Case {
	group, _, _ := strings.Cut(file, "/")
	cases, err := fixtures.Load(group)
	Expect(err).NotTo(HaveOccurred())
	for _, c := range cases {
		if c.File == file {
			return c
		}
	}
	Fail("no fixture " + file)
	return fixtures.Case{}
}
