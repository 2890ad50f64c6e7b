package conformance_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/google/uuid"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sgkit/sgkit/adapter"
	"github.com/sgkit/sgkit/collector"
	"github.com/sgkit/sgkit/conformance"
	"github.com/sgkit/sgkit/fixtures"
)

// startCollector starts an embedded collector for one spec.
func startCollector() string {
	ec, err := conformance.StartEmbeddedCollector(
		collector.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func(ctx context.Context) error { return ec.Stop(ctx) })
	return ec.URL()
}

// fixtureOutcomes returns each public StatusGator example's expected
// outcome as the fixture states it ("good", or "bad" and the bad row
// type), by fixture name.
func fixtureOutcomes() map[string]string {
	examples, err := conformance.SmokeExamples()
	Expect(err).NotTo(HaveOccurred())
	out := map[string]string{}
	for _, ex := range examples {
		var expected struct {
			Outcome string `json:"outcome"`
			BadRow  *struct {
				Schema string `json:"schema"`
			} `json:"badRow"`
		}
		Expect(json.Unmarshal(ex.Expected, &expected)).To(Succeed(), ex.File)
		out[ex.Name] = expected.Outcome
		if expected.BadRow != nil {
			// e.g. iglu:com.snowplowanalytics.snowplow.badrows/adapter_failures/jsonschema/1-0-0
			parts := strings.Split(expected.BadRow.Schema, "/")
			Expect(len(parts)).To(BeNumerically(">=", 2), ex.File)
			out[ex.Name] += " " + parts[1]
		}
	}
	return out
}

// textOf renders a report for a failure message.
func textOf(r conformance.Report) string {
	var buf bytes.Buffer
	Expect(conformance.WriteText(&buf, r)).To(Succeed())
	return buf.String()
}

var _ = Describe("Run", func() {
	It("passes the full profile against the embedded collector", func(ctx SpecContext) {
		report, err := conformance.Run(ctx, conformance.Config{
			CollectorURL: startCollector(), Profile: conformance.Full, Count: 5, Seed: 7})
		Expect(err).NotTo(HaveOccurred())
		Expect(report.Passed()).To(BeTrue(), textOf(report))

		public, err := conformance.PublicCorpus(report.RunID)
		Expect(err).NotTo(HaveOccurred())
		Expect(report.Sent).To(BeNumerically(">", len(public)+3*5))
		Expect(report.Events).To(HaveLen(report.Sent))
		for _, c := range report.Checks {
			Expect(c.Failed).To(BeZero(), c.Name)
		}

		// The full profile shows the v2 and v3 JSON examples predicted and
		// observed as adapter failures. The fixtures' expected outcomes come
		// from enrich's StatusGatorAdapterSpec.
		for name, want := range fixtureOutcomes() {
			Expect(report.Events).To(ContainElement(SatisfyAll(
				HaveField("Case", name), HaveField("Expected", want), HaveField("Observed", want))), name)
		}
		Expect(fixtureOutcomes()).To(HaveKeyWithValue("v2-heroku-json", "bad adapter_failures"))
		Expect(fixtureOutcomes()).To(HaveKeyWithValue("v3-openai-json", "bad adapter_failures"))
	})

	It("sends only the public examples expected as good events in the smoke profile", func(ctx SpecContext) {
		report, err := conformance.Run(ctx, conformance.Config{CollectorURL: startCollector()})
		Expect(err).NotTo(HaveOccurred())
		Expect(report.Passed()).To(BeTrue(), textOf(report))

		var good []string
		for name, outcome := range fixtureOutcomes() {
			if outcome == "good" {
				good = append(good, name)
			}
		}
		Expect(good).NotTo(BeEmpty())
		var sent []string
		for _, ev := range report.Events {
			Expect(ev.Observed).To(Equal("good"), ev.Case)
			sent = append(sent, ev.Case)
		}
		Expect(sent).To(ConsistOf(good))
	})

	It("counts only its own run in a shared Micro", func(ctx SpecContext) {
		url := startCollector()
		first, err := conformance.Run(ctx, conformance.Config{CollectorURL: url})
		Expect(err).NotTo(HaveOccurred())
		second, err := conformance.Run(ctx, conformance.Config{CollectorURL: url})
		Expect(err).NotTo(HaveOccurred())

		Expect(second.Passed()).To(BeTrue(), textOf(second))
		Expect(second.Sent).To(Equal(first.Sent))
		Expect(second.RunID).NotTo(Equal(first.RunID))
	})

	It("matches a size_violation bad row to its request", func(ctx SpecContext) {
		// Stream collector's SplitBatch turns a payload over the size limit
		// into a size_violation bad row (schema size_violation 1-0-0) whose
		// maximumAllowedSizeBytes is the limit. The body stays under twice
		// the limit, above which the embedded collector rejects the request.
		const limit = 4096
		ec, err := conformance.StartEmbeddedCollector(collector.WithMaxPayloadSize(limit),
			collector.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func(ctx context.Context) error { return ec.Stop(ctx) })

		runID := conformance.NewRunID()
		eid := uuid.NewString()
		form := "application/x-www-form-urlencoded"
		body := "service_name=" + strings.Repeat("a", limit)
		tooBig := conformance.Case{
			Name:    "over the size limit",
			Request: fixtures.Request{Path: "/com.statusgator/v1", Query: "eid=" + eid + "&aid=" + runID, ContentType: &form, Body: &body},
			EventID: eid,
			Prediction: adapter.Prediction{Outcome: adapter.Bad, BadRow: &adapter.BadRow{
				Schema: "iglu:com.snowplowanalytics.snowplow.badrows/size_violation/jsonschema/1-0-0",
				Data:   json.RawMessage(`{"failure":{"maximumAllowedSizeBytes":4096}}`),
			}},
		}

		report, err := conformance.Run(ctx, conformance.Config{CollectorURL: ec.URL(), RunID: runID,
			Extra: []conformance.Case{tooBig}})
		Expect(err).NotTo(HaveOccurred())
		Expect(report.Passed()).To(BeTrue(), textOf(report))
		Expect(report.Events).To(ContainElement(SatisfyAll(
			HaveField("Event", eid),
			HaveField("Observed", "bad size_violation"),
			HaveField("Checks", HaveKeyWithValue(conformance.CheckBadRow, true)),
		)))
	})

	Describe("reports", func() {
		var report conformance.Report

		BeforeEach(func(ctx SpecContext) {
			broken := newBrokenCollector(changeField)
			DeferCleanup(broken.Close)
			var err error
			report, err = conformance.Run(ctx, conformance.Config{CollectorURL: broken.URL()})
			Expect(err).NotTo(HaveOccurred())
			Expect(report.Passed()).To(BeFalse())
		})

		It("writes JSON with the counts", func() {
			var buf bytes.Buffer
			Expect(conformance.WriteJSON(&buf, report)).To(Succeed())

			var decoded struct {
				RunID  string `json:"runId"`
				Sent   int    `json:"sent"`
				Checks []struct {
					Name   string `json:"name"`
					Passed int    `json:"passed"`
					Failed int    `json:"failed"`
				} `json:"checks"`
				Mismatches []struct {
					Check, Event, Field, Expected, Actual string
				} `json:"mismatches"`
			}
			Expect(json.Unmarshal(buf.Bytes(), &decoded)).To(Succeed())
			Expect(decoded.RunID).To(Equal(report.RunID))
			Expect(decoded.Sent).To(Equal(report.Sent))
			Expect(decoded.Checks).To(HaveLen(len(report.Checks)))
			for i, c := range report.Checks {
				Expect(decoded.Checks[i].Name).To(Equal(c.Name))
				Expect(decoded.Checks[i].Passed).To(Equal(c.Passed))
				Expect(decoded.Checks[i].Failed).To(Equal(c.Failed))
			}
			Expect(decoded.Mismatches).To(HaveLen(len(report.Mismatches)))
			Expect(decoded.Mismatches[0].Field).To(Equal(report.Mismatches[0].Field))
		})

		It("writes JUnit XML with the counts", func() {
			var buf bytes.Buffer
			Expect(conformance.WriteJUnit(&buf, report)).To(Succeed())

			var decoded struct {
				Tests    int `xml:"tests,attr"`
				Failures int `xml:"failures,attr"`
				Suites   []struct {
					Name     string `xml:"name,attr"`
					Tests    int    `xml:"tests,attr"`
					Failures int    `xml:"failures,attr"`
					Cases    []struct {
						Name    string `xml:"name,attr"`
						Failure *struct {
							Message string `xml:"message,attr"`
						} `xml:"failure"`
					} `xml:"testcase"`
				} `xml:"testsuite"`
			}
			Expect(xml.Unmarshal(buf.Bytes(), &decoded)).To(Succeed())
			Expect(decoded.Suites).To(HaveLen(len(report.Checks)))
			tests, failures := 0, 0
			for i, c := range report.Checks {
				Expect(decoded.Suites[i].Name).To(Equal(c.Name))
				Expect(decoded.Suites[i].Tests).To(Equal(c.Passed+c.Failed), c.Name)
				Expect(decoded.Suites[i].Failures).To(Equal(c.Failed), c.Name)
				Expect(decoded.Suites[i].Cases).To(HaveLen(c.Passed + c.Failed))
				tests += c.Passed + c.Failed
				failures += c.Failed
			}
			Expect(decoded.Tests).To(Equal(tests))
			Expect(decoded.Failures).To(Equal(failures))
			Expect(failures).To(BeNumerically(">", 0))
		})
	})

	Describe("errors", func() {
		DescribeTable("rejects an invalid config",
			func(cfg conformance.Config, field string) {
				_, err := conformance.Run(context.Background(), cfg)
				var cfgErr *conformance.ConfigError
				Expect(errors.As(err, &cfgErr)).To(BeTrue(), "%v", err)
				Expect(cfgErr.Field).To(Equal(field))
			},
			Entry("no collector", conformance.Config{}, "CollectorURL"),
			Entry("relative collector URL", conformance.Config{CollectorURL: "127.0.0.1:9090"}, "CollectorURL"),
			Entry("micro URL with query", conformance.Config{CollectorURL: "http://127.0.0.1:1",
				MicroURL: "http://127.0.0.1:1/?x=1"}, "MicroURL"),
			Entry("unknown profile", conformance.Config{CollectorURL: "http://127.0.0.1:1", Profile: "nightly"}, "Profile"),
			Entry("negative count", conformance.Config{CollectorURL: "http://127.0.0.1:1", Count: -1}, "Count"),
			Entry("negative timeout", conformance.Config{CollectorURL: "http://127.0.0.1:1", Timeout: -time.Second}, "Timeout"),
		)

		It("names an unreachable collector", func(ctx SpecContext) {
			url := startCollector()
			_, err := conformance.Run(ctx, conformance.Config{CollectorURL: "http://127.0.0.1:1", MicroURL: url})
			var connErr *conformance.ConnectionError
			Expect(errors.As(err, &connErr)).To(BeTrue(), "%v", err)
			Expect(connErr.Flag).To(Equal("collector"))
			Expect(connErr.URL).To(Equal("http://127.0.0.1:1"))
		})

		It("names the read a too short timeout cut off", func(ctx SpecContext) {
			// A Micro whose /micro/good responds only when the client gives up:
			// the embedded collector with that one path held open.
			h, err := collector.NewHandler(collector.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
			Expect(err).NotTo(HaveOccurred())
			slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/micro/good" {
					<-r.Context().Done()
					return
				}
				h.ServeHTTP(w, r)
			}))
			DeferCleanup(slow.Close)

			_, err = conformance.Run(ctx, conformance.Config{CollectorURL: slow.URL, Timeout: 300 * time.Millisecond})
			var timeoutErr *conformance.TimeoutError
			Expect(errors.As(err, &timeoutErr)).To(BeTrue(), "%v", err)
			Expect(timeoutErr.Read).To(Equal("/micro/good"))
			Expect(timeoutErr.Timeout).To(Equal(300 * time.Millisecond))
			Expect(err.Error()).To(ContainSubstring("the read of /micro/good was cut off by the deadline; raise the timeout"))
			Expect(err.Error()).NotTo(ContainSubstring("<nil>"))
		})

		It("names a Micro that is not one", func(ctx SpecContext) {
			url := startCollector()
			_, err := conformance.Run(ctx, conformance.Config{CollectorURL: url, MicroURL: url + "/nothing-here"})
			var connErr *conformance.ConnectionError
			Expect(errors.As(err, &connErr)).To(BeTrue(), "%v", err)
			Expect(connErr.Flag).To(Equal("micro"))
		})
	})
})
