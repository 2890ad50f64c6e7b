package conformance_test

import (
	"bytes"
	"context"
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	gtypes "github.com/onsi/gomega/types"

	"github.com/sgkit/sgkit/adapter"
	"github.com/sgkit/sgkit/conformance"
)

// These specs show that a run fails, naming the event and the field, when
// the pipeline breaks in one way; brokenCollector supplies each breakage.
var _ = Describe("Run against a broken pipeline", func() {
	var broken *brokenCollector

	// runAgainst runs the smoke profile plus extra against the broken
	// collector and returns the report, which must fail.
	runAgainst := func(f fault, timeout time.Duration, extra func(runID string) []conformance.Case) (conformance.Report, string) {
		broken = newBrokenCollector(f)
		DeferCleanup(broken.Close)
		runID := conformance.NewRunID()
		cfg := conformance.Config{CollectorURL: broken.URL(), Profile: conformance.Smoke,
			RunID: runID, Timeout: timeout}
		if extra != nil {
			cfg.Extra = extra(runID)
		}
		report, err := conformance.Run(context.Background(), cfg)
		Expect(err).NotTo(HaveOccurred())
		var text bytes.Buffer
		Expect(conformance.WriteText(&text, report)).To(Succeed())
		Expect(report.Passed()).To(BeFalse(), text.String())
		Expect(text.String()).To(ContainSubstring("\nFAIL: "))
		return report, text.String()
	}

	It("catches a dropped event", func() {
		report, text := runAgainst(dropOne, time.Second, nil)

		Expect(broken.Victim()).NotTo(BeEmpty())
		Expect(report.Mismatches).To(ConsistOf(mismatch(conformance.CheckAccounted, broken.Victim(),
			"observations", Equal("1 good event or bad row"), Equal("none within 1s"))))
		Expect(text).To(ContainSubstring("accounted for: event " + broken.Victim()))
	})

	It("catches a charset content type stored as good", func() {
		report, text := runAgainst(acceptCharset, 10*time.Second, charsetCase)

		Expect(broken.Victim()).NotTo(BeEmpty())
		// FACTS: enrich's StatusGator adapter compares the whole stored content
		// type with application/x-www-form-urlencoded, so a charset parameter
		// gives an adapter_failures bad row (StatusGatorAdapter.scala).
		Expect(report.Mismatches).To(ConsistOf(mismatch(conformance.CheckOutcome, broken.Victim(),
			"outcome", Equal("bad adapter_failures"), Equal("good"))))
		Expect(text).To(ContainSubstring("outcome: event " + broken.Victim() + " (v1 with charset)"))
	})

	It("catches a changed field value", func() {
		report, text := runAgainst(changeField, 10*time.Second, nil)

		Expect(broken.Victim()).NotTo(BeEmpty())
		Expect(report.Mismatches).To(ContainElement(mismatch(conformance.CheckUnstruct, broken.Victim(),
			"unstruct_event.data.data.serviceName", Not(BeEmpty()), Equal(fmt.Sprintf("%q", changedServiceName)))))
		Expect(report.Mismatches).To(ContainElement(mismatch(conformance.CheckRow, broken.Victim(),
			"row.service_name", Not(BeEmpty()), Equal(fmt.Sprintf("%q", changedServiceName)))))
		Expect(text).To(ContainSubstring("field:    unstruct_event.data.data.serviceName"))
	})

	It("catches a shifted occurred_at", func() {
		report, text := runAgainst(shiftOccurredAt, 10*time.Second, nil)

		Expect(broken.Victim()).NotTo(BeEmpty())
		Expect(report.Mismatches).To(ContainElement(mismatch(conformance.CheckUnstruct, broken.Victim(),
			"unstruct_event.data.data.occurredAt", Not(BeEmpty()), Not(BeEmpty()))))
		Expect(report.Mismatches).To(ContainElement(mismatch(conformance.CheckRow, broken.Victim(),
			"row.occurred_at", Not(BeEmpty()), Not(BeEmpty()))))
		Expect(text).To(ContainSubstring("field:    unstruct_event.data.data.occurredAt"))
	})

	It("catches a pipeline that rewrites app_id as a changed field", func() {
		report, text := runAgainst(rewriteAppID, 10*time.Second, nil)

		// The smoke eids are fresh UUIDs, so each good event is this run's
		// even though its app_id is not the run id, and the difference is
		// reported on the field.
		good := 0
		for _, ev := range report.Events {
			if ev.Expected != "good" {
				continue
			}
			good++
			Expect(report.Mismatches).To(ContainElement(mismatch(conformance.CheckEnriched, ev.Event,
				"app_id", Equal(fmt.Sprintf("%q", report.RunID)), Equal(fmt.Sprintf("%q", rewrittenAppID)))))
			Expect(report.Mismatches).NotTo(ContainElement(HaveField("Check", conformance.CheckAccounted)))
		}
		Expect(good).To(BeNumerically(">", 0))
		Expect(text).To(ContainSubstring("field:    app_id"))
	})

	It("catches a collector that stores nothing", func() {
		report, text := runAgainst(storeNothing, time.Second, nil)

		Expect(report.Sent).To(BeNumerically(">", 0))
		Expect(report.Mismatches).To(HaveLen(report.Sent))
		for _, ev := range report.Events {
			Expect(report.Mismatches).To(ContainElement(mismatch(conformance.CheckAccounted, ev.Event,
				"observations", Equal("1 good event or bad row"), Equal("none within 1s"))))
		}
		Expect(text).To(ContainSubstring("actual:   none within 1s"))
	})

	It("catches a collector that answers 500", func() {
		report, text := runAgainst(answer500, 10*time.Second, nil)

		Expect(report.Mismatches).To(HaveLen(report.Sent))
		for _, ev := range report.Events {
			Expect(report.Mismatches).To(ContainElement(mismatch(conformance.CheckResponse, ev.Event,
				"response", Equal("200 OK"), Equal("500 Internal Server Error"))))
		}
		Expect(text).To(ContainSubstring("collector response: event "))
	})
})

// mismatch matches a conformance.Mismatch field by field.
func mismatch(check, event, field string, expected, actual gtypes.GomegaMatcher) gtypes.GomegaMatcher {
	return SatisfyAll(
		HaveField("Check", check),
		HaveField("Event", event),
		HaveField("Field", field),
		HaveField("Expected", expected),
		HaveField("Actual", actual),
	)
}

// charsetCase returns the first public v1 example sent with
// "; charset=UTF-8" appended to its content type.
func charsetCase(runID string) []conformance.Case {
	examples, err := conformance.SmokeExamples()
	Expect(err).NotTo(HaveOccurred())
	for _, ex := range examples {
		if ex.Request.ContentType == nil || *ex.Request.ContentType != "application/x-www-form-urlencoded" {
			continue
		}
		req := ex.Request
		ct := "application/x-www-form-urlencoded; charset=UTF-8"
		req.ContentType = &ct
		c, err := conformance.NewCase(adapter.Default(), "v1 with charset", ex.File+" with a charset", req, runID)
		Expect(err).NotTo(HaveOccurred())
		return []conformance.Case{c}
	}
	Fail("no public v1 example with content type application/x-www-form-urlencoded in fixtures/statusgator")
	return nil
}
