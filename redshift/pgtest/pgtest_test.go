package pgtest

import (
	"context"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("Start", func() {
	It("explains how to install PostgreSQL when no binaries exist", func() {
		GinkgoT().Setenv(EnvDatabaseURL, "")
		GinkgoT().Setenv("PATH", GinkgoT().TempDir())
		saved := debianBinGlob
		debianBinGlob = "/nonexistent/*/bin"
		DeferCleanup(func() { debianBinGlob = saved })

		_, err := Start(context.Background())
		Expect(err).To(MatchError(ContainSubstring("initdb and pg_ctl not found")))
		Expect(err).To(MatchError(ContainSubstring("make postgres")))
		Expect(err).To(MatchError(ContainSubstring(EnvDatabaseURL)))
	})

	It("rejects an invalid SGKIT_DATABASE_URL without echoing it", func() {
		GinkgoT().Setenv(EnvDatabaseURL, "postgres://user:s3cret@[::1")
		_, err := Start(context.Background())
		Expect(err).To(MatchError(ContainSubstring("is not a valid PostgreSQL connection URL")))
		Expect(err.Error()).NotTo(ContainSubstring("s3cret"))
	})

	It("takes host and database from SGKIT_DATABASE_URL", func() {
		GinkgoT().Setenv(EnvDatabaseURL, "postgres://user:s3cret@127.0.0.1:5439/warehouse")
		s, err := Start(context.Background())
		Expect(err).NotTo(HaveOccurred())
		Expect(s.External).To(BeTrue())
		Expect(s.Host).To(Equal("127.0.0.1"))
		Expect(s.Database).To(Equal("warehouse"))
		Expect(s.Stop()).To(Succeed())
	})
})
