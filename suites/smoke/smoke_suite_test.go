// Package smoke_test is the suite that is safe against a production
// collector: it sends only the public StatusGator examples predicted as
// good events (the v1 ones), a handful of requests tagged with the run's
// aid, so it writes no bad rows and changes nothing else. Run it
// with ginkgo ./suites/smoke -- --config FILE.
package smoke_test

import (
	"flag"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sgkit/sgkit/conformance"
	"github.com/sgkit/sgkit/suites/helpers"
)

var configPath string

func init() {
	flag.StringVar(&configPath, "config", "", "suite config `FILE` (JSON); when empty, SGKIT_COLLECTOR_URL and SGKIT_MICRO_URL are read, and without them the embedded collector is started")
}

var target *helpers.Target

func TestSmoke(t *testing.T) {
	RegisterFailHandler(Fail)
	// Generous defaults for Eventually: CI runs the tests on 2 loaded cores,
	// where Gomega's 1 s default is too short.
	SetDefaultEventuallyTimeout(10 * time.Second)
	SetDefaultEventuallyPollingInterval(10 * time.Millisecond)
	RunSpecs(t, "sgkit smoke suite")
}

var _ = BeforeSuite(func() {
	var err error
	target, err = helpers.Setup(configPath)
	Expect(err).NotTo(HaveOccurred(), "sgkit smoke suite cannot start")
	DeferCleanup(target.Close)
	By("running against the " + target.Describe())
})

var _ = Describe("StatusGator smoke", Label("smoke"), func() {
	It("observes every public example as predicted", func(ctx SpecContext) {
		report, text, err := target.Run(ctx, conformance.Smoke)
		Expect(err).NotTo(HaveOccurred())
		AddReportEntry("sgkit run "+report.RunID, text)
		Expect(report.Sent).To(BeNumerically(">", 0), "no public example was sent")
		Expect(report.Passed()).To(BeTrue(), text)
	})
})
