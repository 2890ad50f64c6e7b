package conformance_test

import (
	"errors"
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sgkit/sgkit/conformance"
)

var _ = Describe("Suite config file", func() {
	It("reads every key", func() {
		fc, err := conformance.ParseFileConfig("suite.json", []byte(`{
			"collector_url": "https://collector.example.com",
			"micro_url": "http://127.0.0.1:9090",
			"groups": {"smoke": true, "full": false},
			"count": 7, "seed": 42, "timeout": "45s"}`))
		Expect(err).NotTo(HaveOccurred())

		cfg := fc.Config(conformance.Full)
		Expect(cfg.CollectorURL).To(Equal("https://collector.example.com"))
		Expect(cfg.MicroURL).To(Equal("http://127.0.0.1:9090"))
		Expect(cfg.Profile).To(Equal(conformance.Full))
		Expect(cfg.Count).To(Equal(7))
		Expect(cfg.Seed).To(Equal(int64(42)))
		Expect(cfg.Timeout).To(Equal(45 * time.Second))
		Expect(fc.GroupOn(conformance.GroupSmoke)).To(BeTrue())
		Expect(fc.GroupOn(conformance.GroupFull)).To(BeFalse())
	})

	It("turns on a group the file leaves out", func() {
		fc, err := conformance.ParseFileConfig("suite.json", []byte(`{}`))
		Expect(err).NotTo(HaveOccurred())
		Expect(fc.GroupOn(conformance.GroupFull)).To(BeTrue())
		Expect(fc.Config(conformance.Smoke).CollectorURL).To(BeEmpty())
	})

	DescribeTable("names the file and the field of an invalid config",
		func(text, field string) {
			_, err := conformance.ParseFileConfig("suite.json", []byte(text))
			var fileErr *conformance.FileConfigError
			Expect(errors.As(err, &fileErr)).To(BeTrue(), "%v", err)
			Expect(fileErr.File).To(Equal("suite.json"))
			Expect(fileErr.Field).To(Equal(field))
			Expect(err.Error()).To(HavePrefix("config file suite.json: "))
		},
		Entry("unknown key", `{"colector_url": "http://127.0.0.1:9090"}`, "colector_url"),
		Entry("count as a string", `{"count": "ten"}`, "count"),
		Entry("negative count", `{"count": -1}`, "count"),
		Entry("timeout without unit", `{"timeout": "30"}`, "timeout"),
		Entry("unknown group", `{"groups": {"nightly": true}}`, "groups.nightly"),
		Entry("collector URL without scheme", `{"collector_url": "127.0.0.1:9090"}`, "collector_url"),
		Entry("micro URL without collector URL", `{"micro_url": "http://127.0.0.1:9090"}`, "micro_url"),
		Entry("not JSON", `{"count": 1`, ""),
	)

	It("names a file that cannot be read", func() {
		path := filepath.Join(GinkgoT().TempDir(), "missing.json")
		_, err := conformance.LoadFileConfig(path)
		Expect(err).To(MatchError(ContainSubstring("config file " + path)))
		Expect(errors.Is(err, os.ErrNotExist)).To(BeTrue())
	})
})

var _ = Describe("Suite environment", func() {
	setenv := func(name, value string) {
		old, had := os.LookupEnv(name)
		Expect(os.Setenv(name, value)).To(Succeed())
		DeferCleanup(func() {
			if had {
				Expect(os.Setenv(name, old)).To(Succeed())
			} else {
				Expect(os.Unsetenv(name)).To(Succeed())
			}
		})
	}

	It("reads both URLs", func() {
		setenv(conformance.EnvCollectorURL, "http://127.0.0.1:9090")
		setenv(conformance.EnvMicroURL, "http://127.0.0.1:9091")
		fc, err := conformance.FileConfigFromEnv()
		Expect(err).NotTo(HaveOccurred())
		Expect(fc.Config(conformance.Smoke).CollectorURL).To(Equal("http://127.0.0.1:9090"))
		Expect(fc.Config(conformance.Smoke).MicroURL).To(Equal("http://127.0.0.1:9091"))
		Expect(fc.GroupOn(conformance.GroupFull)).To(BeTrue())
	})

	It("rejects a Micro URL without a collector URL", func() {
		setenv(conformance.EnvCollectorURL, "")
		setenv(conformance.EnvMicroURL, "http://127.0.0.1:9091")
		_, err := conformance.FileConfigFromEnv()
		Expect(err).To(MatchError(ContainSubstring("SGKIT_MICRO_URL is set but SGKIT_COLLECTOR_URL is not")))
	})

	It("names the variable with an invalid URL", func() {
		setenv(conformance.EnvCollectorURL, "127.0.0.1:9090")
		setenv(conformance.EnvMicroURL, "")
		_, err := conformance.FileConfigFromEnv()
		Expect(err).To(MatchError(ContainSubstring(`environment variable SGKIT_COLLECTOR_URL="127.0.0.1:9090"`)))
	})
})
