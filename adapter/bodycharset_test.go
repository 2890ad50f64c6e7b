package adapter_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sgkit/sgkit/adapter"
)

// Stream collector 3.4.0 reads the body with http4s bodyText, which
// decodes with the Content-Type's charset; sgkit predicts only where that
// gives the text it read as UTF-8. Charsets that read ASCII otherwise were
// listed with OpenJDK 17 (UTF-16 and IBM037 among them).
var _ = Describe("body charset", func() {
	p := &adapter.Predictor{Now: fixedNow}
	predict := func(contentType, body string) (adapter.Prediction, error) {
		return p.Predict(adapter.CollectorPayload{Path: "/com.statusgator/v1", ContentType: &contentType, Body: &body})
	}

	DescribeTable("returns an error naming the charset",
		func(contentType, body, charset string) {
			_, err := predict(contentType, body)
			Expect(err).To(MatchError(ContainSubstring("charset " + charset)))
		},
		Entry("non-ASCII body in US-ASCII", "application/x-www-form-urlencoded; charset=US-ASCII", "service_name=Café", "US-ASCII"),
		Entry("non-ASCII body in ISO-8859-1", "application/x-www-form-urlencoded; charset=latin1", "service_name=Café", "ISO-8859-1"),
		Entry("ASCII body in UTF-16", "application/x-www-form-urlencoded; charset=UTF-16", "service_name=Cafe", "UTF-16"),
		Entry("ASCII body in EBCDIC", "application/x-www-form-urlencoded; charset=IBM037", "service_name=Cafe", "IBM037"),
	)

	DescribeTable("predicts where the charset reads the body as UTF-8 does",
		func(contentType, body string, want adapter.Outcome) {
			pred, err := predict(contentType, body)
			Expect(err).NotTo(HaveOccurred())
			Expect(pred.Outcome).To(Equal(want))
		},
		// A known charset parameter fails the adapter's content type check.
		Entry("ASCII body in ISO-8859-1", "application/x-www-form-urlencoded; charset=ISO-8859-1", "service_name=Cafe", adapter.Bad),
		Entry("non-ASCII body in UTF-8", "application/x-www-form-urlencoded; charset=UTF-8", "service_name=Café", adapter.Bad),
		// The collector drops an unknown charset, so the body is read as UTF-8.
		Entry("unknown charset", "application/x-www-form-urlencoded; charset=no-such", "service_name=Café", adapter.Good),
	)
})
