package iglu

import (
	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"
)

// The ginkgo and gomega names stay qualified here because ginkgo's Report
// type would clash with this package's.

var _ = ginkgo.Describe("scalaMapOrder", func() {
	// snowplow/enrich StatusGatorAdapterSpec e1 (commit 607962e) expects
	// ue_pr's keys in the Scala 2.12 Map order of the body's field names.
	ginkgo.It("matches enrich's StatusGator key order", func() {
		body := []string{"service_name", "favicon_url", "status_page_url", "home_page_url", "current_status", "last_status", "occurred_at"}
		gomega.Expect(scalaMapOrder(body)).To(gomega.Equal([]string{
			"last_status", "status_page_url", "service_name", "favicon_url", "occurred_at", "home_page_url", "current_status",
		}))
	})

	ginkgo.It("keeps insertion order up to four keys", func() {
		gomega.Expect(scalaMapOrder([]string{"tv", "e", "p", "ue_pr"})).To(gomega.Equal([]string{"tv", "e", "p", "ue_pr"}))
	})

	ginkgo.It("does not depend on insertion order beyond four keys", func() {
		gomega.Expect(scalaMapOrder([]string{"e", "d", "c", "b", "a"})).To(gomega.Equal(scalaMapOrder([]string{"a", "b", "c", "d", "e"})))
	})
})
