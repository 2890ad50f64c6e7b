package adapter_test

import (
	"encoding/json"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sgkit/sgkit/adapter"
)

var _ = Describe("NewSizeViolation", func() {
	// The shape the stream collector 3.4.0 writes (SplitBatch.oversizedPayload):
	// failure {timestamp, maximumAllowedSizeBytes, actualSizeBytes,
	// expectation "oversized collector payload: " + message}, and the payload
	// as the first maxSize/10 characters of the Thrift payload's toString.
	decode := func(row *adapter.BadRow) map[string]any {
		var data map[string]any
		Expect(json.Unmarshal(row.Data, &data)).To(Succeed())
		return data
	}

	It("prefixes the message and cuts the payload to a tenth of the limit", func() {
		ct, body := adapter.FormContentType, strings.Repeat("x", 500)
		cp := adapter.CollectorPayload{Path: "/com.statusgator/v1", ContentType: &ct, Body: &body}
		size := adapter.ThriftSize(cp)
		msg := "Payload exceeds max size of 100. Actual length: " + string(rune('0'+size%10))
		row := adapter.NewSizeViolation(adapter.SgkitProcessor(), fixedNow(), 100, size, msg, adapter.ThriftString(cp))

		Expect(row.Schema).To(Equal(adapter.SizeViolationSchema))
		data := decode(row)
		failure := data["failure"].(map[string]any)
		Expect(failure["maximumAllowedSizeBytes"]).To(BeNumerically("==", 100))
		Expect(failure["actualSizeBytes"]).To(BeNumerically("==", size))
		Expect(failure["expectation"]).To(Equal("oversized collector payload: " + msg))
		Expect(failure["timestamp"]).To(Equal("2016-05-19T09:26:32Z"))
		Expect(data["payload"]).To(Equal("CollectorP"))
	})

	It("counts the cut in UTF-16 units, as Scala's take does", func() {
		row := adapter.NewSizeViolation(adapter.SgkitProcessor(), time.Unix(0, 0), 30, 31, "m", "ab\U0001F600cd")
		// take(3) keeps "ab" and the high surrogate, which String.getBytes(UTF_8)
		// writes as '?' (OpenJDK 17).
		Expect(decode(row)["payload"]).To(Equal("ab?"))
	})
})
