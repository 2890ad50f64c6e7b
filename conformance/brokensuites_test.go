package conformance_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// These specs run the Ginkgo suites in suites/ as users do, compiled with
// `go test -c` and given a config file and a label filter, against each
// brokenCollector. Each asserts that the suite process fails and that its
// output names the check, the event and the field.
var _ = Describe("The Ginkgo suites against a broken pipeline", Ordered, func() {
	var suitesBinary string

	BeforeAll(func() {
		goTool, err := exec.LookPath("go")
		if err != nil {
			// Fall back to the go command of the toolchain that built this test.
			goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
		}
		dir, err := os.MkdirTemp("", "sgkit-suites-")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(os.RemoveAll, dir)
		suitesBinary = filepath.Join(dir, "suites.test")
		build := exec.Command(goTool, "test", "-c", "-o", suitesBinary, "github.com/sgkit/sgkit/suites")
		out, err := build.CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), "build the suites test binary: %s", out)
	})

	// runSuites runs the suites with label filter label against the broken
	// collector f and returns their output, asserting that they failed.
	runSuites := func(f fault, label string, config map[string]any) (string, *brokenCollector) {
		broken := newBrokenCollector(f)
		DeferCleanup(broken.Close)
		config["collector_url"] = broken.URL()
		raw, err := json.Marshal(config)
		Expect(err).NotTo(HaveOccurred())
		configFile := filepath.Join(GinkgoT().TempDir(), "suite.json")
		Expect(os.WriteFile(configFile, raw, 0o600)).To(Succeed())

		var out bytes.Buffer
		cmd := exec.Command(suitesBinary, "-ginkgo.no-color", "-ginkgo.label-filter="+label, "-config", configFile)
		cmd.Stdout, cmd.Stderr = &out, &out
		err = cmd.Run()
		var exitErr *exec.ExitError
		Expect(errors.As(err, &exitErr)).To(BeTrue(), "the suites passed against a broken pipeline (%v):\n%s", err, out.String())
		Expect(exitErr.ExitCode()).To(Equal(1), out.String())
		Expect(out.String()).To(ContainSubstring("[FAIL] StatusGator conformance"))
		return out.String(), broken
	}
	smoke := func(timeout string) map[string]any {
		return map[string]any{"groups": map[string]bool{"full": false}, "timeout": timeout}
	}

	It("fail naming the dropped event", func() {
		out, broken := runSuites(dropOne, "smoke", smoke("1s"))
		Expect(broken.Victim()).NotTo(BeEmpty())
		Expect(out).To(ContainSubstring("accounted for: event " + broken.Victim()))
		Expect(out).To(ContainSubstring("actual:   none within 1s"))
	})

	It("fail naming the charset request stored as good", func() {
		// Only the full profile sends a content type with a charset: the
		// sender's edge cases content-type-charset and
		// content-type-charset-no-space.
		out, broken := runSuites(acceptCharset, "full",
			map[string]any{"groups": map[string]bool{"smoke": false}, "timeout": "10s", "count": 1})
		Expect(broken.Victim()).NotTo(BeEmpty())
		Expect(out).To(ContainSubstring("outcome: event " + broken.Victim()))
		Expect(out).To(MatchRegexp(`expected: bad adapter_failures\s+actual:   good`))
	})

	It("fail naming the changed field", func() {
		out, broken := runSuites(changeField, "smoke", smoke("10s"))
		Expect(broken.Victim()).NotTo(BeEmpty())
		Expect(out).To(ContainSubstring("unstruct event: event " + broken.Victim()))
		Expect(out).To(ContainSubstring("field:    unstruct_event.data.data.serviceName"))
		Expect(out).To(ContainSubstring(`actual:   "` + changedServiceName + `"`))
	})

	It("fail naming the shifted occurredAt", func() {
		out, broken := runSuites(shiftOccurredAt, "smoke", smoke("10s"))
		Expect(broken.Victim()).NotTo(BeEmpty())
		Expect(out).To(ContainSubstring("unstruct event: event " + broken.Victim()))
		Expect(out).To(ContainSubstring("field:    unstruct_event.data.data.occurredAt"))
		Expect(out).To(ContainSubstring("field:    row.occurred_at"))
	})

	It("fail naming app_id when the pipeline rewrites it", func() {
		out, _ := runSuites(rewriteAppID, "smoke", smoke("10s"))
		Expect(out).To(ContainSubstring("field:    app_id"))
		Expect(out).To(ContainSubstring(`actual:   "` + rewrittenAppID + `"`))
	})

	It("fail on every event when the collector stores nothing", func() {
		out, _ := runSuites(storeNothing, "smoke", smoke("1s"))
		examples := goodPublicExamples()
		Expect(strings.Count(out, "actual:   none within 1s")).To(BeNumerically(">=", len(examples)))
		for _, name := range examples {
			Expect(out).To(MatchRegexp(`accounted for: event [0-9a-f-]{36} \(` + name + `\)`))
		}
	})

	It("fail on every event when the collector responds 500", func() {
		out, _ := runSuites(answer500, "smoke", smoke("10s"))
		for _, name := range goodPublicExamples() {
			Expect(out).To(MatchRegexp(`collector response: event [0-9a-f-]{36} \(` + name + `\)`))
		}
		Expect(out).To(ContainSubstring("actual:   500 Internal Server Error"))
	})
})

// goodPublicExamples returns the names of the public StatusGator examples
// whose fixture expects a good event: the ones the smoke profile sends.
func goodPublicExamples() []string {
	var names []string
	for name, outcome := range fixtureOutcomes() {
		if outcome == "good" {
			names = append(names, name)
		}
	}
	Expect(names).NotTo(BeEmpty())
	return names
}
