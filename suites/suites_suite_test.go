// Package suites_test holds the Ginkgo suites users run against their
// pipeline: ginkgo ./suites -- --config FILE, or with SGKIT_COLLECTOR_URL
// and SGKIT_MICRO_URL set. Without either they start sgkit's embedded
// collector. The comparison itself lives in package conformance.
package suites_test

import (
	"flag"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sgkit/sgkit/suites/helpers"
)

var configPath string

func init() {
	flag.StringVar(&configPath, "config", "", "suite config `FILE` (JSON); when empty, SGKIT_COLLECTOR_URL and SGKIT_MICRO_URL are read, and without them the embedded collector is started")
}

// target is this suite process's pipeline; with ginkgo -p each process
// has its own.
var target *helpers.Target

func TestSuites(t *testing.T) {
	RegisterFailHandler(Fail)
	// Generous defaults for Eventually: CI runs the tests on 2 loaded cores,
	// where Gomega's 1 s default is too short.
	SetDefaultEventuallyTimeout(10 * time.Second)
	SetDefaultEventuallyPollingInterval(10 * time.Millisecond)
	RunSpecs(t, "sgkit conformance suites")
}

var _ = BeforeSuite(func() {
	var err error
	target, err = helpers.Setup(configPath)
	Expect(err).NotTo(HaveOccurred(), "sgkit suites cannot start")
	DeferCleanup(target.Close)
	By("running against the " + target.Describe())
})
