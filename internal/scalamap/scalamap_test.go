package scalamap_test

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sgkit/sgkit/internal/scalamap"
)

var _ = Describe("Order", func() {
	It("orders 35 keys as the Scala HashMap of CallrailAdapterSpec e1 does", func() {
		// enrich's CallrailAdapterSpec e1 (commit 607962e): the query keys in
		// request order, and the key order of its expected JSON string, which
		// comes from a Scala 2.12 HashMap after "cv" and "nuid" are removed.
		keys := strings.Fields(`answered callercity callercountry callername callernum callerstate
			callerzip callsource datetime destinationnum duration first_call ga gclid id ip keywords
			kissmetrics_id landingpage recording referrer referrermedium trackingnum transcription
			utm_campaign utm_content utm_medium utm_source utm_term utma utmb utmc utmv utmx utmz`)
		Expect(scalamap.Order(keys)).To(Equal(strings.Fields(`duration utm_source utmv ip utmx ga
			destinationnum datetime kissmetrics_id landingpage callerzip gclid callername utmb id
			callernum utm_content trackingnum referrermedium utm_campaign keywords transcription utmz
			utma referrer callerstate recording first_call utmc callercountry utm_medium callercity
			utm_term answered callsource`)))
	})

	It("orders seven keys as the Scala HashMap of StatusGatorAdapterSpec e1 does", func() {
		// snowplow/enrich StatusGatorAdapterSpec e1 (commit 607962e) expects
		// ue_pr's keys in the Scala 2.12 Map order of the body's field names.
		keys := []string{"service_name", "favicon_url", "status_page_url", "home_page_url", "current_status", "last_status", "occurred_at"}
		Expect(scalamap.Order(keys)).To(Equal([]string{
			"last_status", "status_page_url", "service_name", "favicon_url", "occurred_at", "home_page_url", "current_status",
		}))
	})

	It("keeps insertion order up to four keys", func() {
		// Scala 2.12's Map1 to Map4 iterate in insertion order.
		Expect(scalamap.Order([]string{"tv", "e", "p", "ue_pr"})).To(Equal([]string{"tv", "e", "p", "ue_pr"}))
	})

	It("does not depend on insertion order beyond four keys", func() {
		Expect(scalamap.Order([]string{"e", "d", "c", "b", "a"})).To(Equal(scalamap.Order([]string{"a", "b", "c", "d", "e"})))
	})
})
