package suites_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sgkit/sgkit/conformance"
)

var _ = Describe("StatusGator conformance", func() {
	// runProfile runs one profile as its own run, with its own run id, and
	// fails with the whole text report when any check fails.
	runProfile := func(ctx SpecContext, group string, profile conformance.Profile) {
		if !target.File.GroupOn(group) {
			Skip("group " + group + " is switched off in " + target.File.File)
		}
		report, text, err := target.Run(ctx, profile)
		Expect(err).NotTo(HaveOccurred())
		AddReportEntry("sgkit run "+report.RunID, text)
		Expect(report.Sent).To(BeNumerically(">", 0), "the %s profile sent nothing", profile)
		Expect(report.Passed()).To(BeTrue(), text)
	}

	It("passes the smoke profile: the public StatusGator examples", Label("smoke", "e2e"), func(ctx SpecContext) {
		runProfile(ctx, conformance.GroupSmoke, conformance.Smoke)
	})

	It("passes the full profile: generated v1, v2, v3 traffic and edge cases", Label("full", "e2e"), func(ctx SpecContext) {
		runProfile(ctx, conformance.GroupFull, conformance.Full)
	})
})
