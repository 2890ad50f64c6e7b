package sender_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sgkit/sgkit/adapter"
	"github.com/sgkit/sgkit/sender"
)

// body-over-limit pads a form body past the sink's maxBytes; stream
// collector 3.4.0 SplitBatch.splitAndSerializePayload cannot split a body
// that is not JSON, so it writes a size_violation row and sinks nothing.
var _ = DescribeTable("body-over-limit is predicted as a size_violation",
	func(maxBodyBytes, wantLimit int) {
		var over *sender.Request
		for _, r := range generate(sender.Options{Seed: 1, Corpus: sender.CorpusEdge, MaxBodyBytes: maxBodyBytes}) {
			if r.Name == "body-over-limit" {
				over = &r
			}
		}
		Expect(over).NotTo(BeNil())
		Expect(over.Expected.Outcome).To(Equal(adapter.Bad))
		Expect(over.Expected.BadRow.Schema).To(Equal(adapter.SizeViolationSchema))
		Expect(string(over.Expected.BadRow.Data)).To(ContainSubstring(`"maximumAllowedSizeBytes":%d`, wantLimit))
	},
	Entry("the sinks' default maxBytes", 0, 1000000),
)
