package adapter_test

import (
	"encoding/json"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sgkit/sgkit/adapter"
)

// A network user id from the collector's cookie (CollectorPayload.NetworkUserID)
// goes through enrich 6.10 ThriftLoader.parseNetworkUserId: UUID.fromString
// or a collector_payload_format_violation row, and raw.context.userId keeps
// the UUID's toString (OpenJDK 17 values: "1-2-3-4-5" reads as
// 00000001-0002-0003-0004-000000000005, upper case prints lower case).
var _ = Describe("network user id from the cookie", func() {
	p := &adapter.Predictor{Now: fixedNow}
	payload := func(nuid, body string) adapter.CollectorPayload {
		ct := adapter.FormContentType
		return adapter.CollectorPayload{Path: "/com.statusgator/v1", ContentType: &ct, Body: &body, NetworkUserID: nuid}
	}

	DescribeTable("network_userid of a good event is the UUID's toString",
		func(cookie, want string) {
			pred, err := p.Predict(payload(cookie, "service_name=A"))
			Expect(err).NotTo(HaveOccurred())
			Expect(pred.Outcome).To(Equal(adapter.Good))
			Expect(pred.Event).To(HaveKeyWithValue("network_userid", want))
		},
		Entry("upper case", "C5F3A09F-75F8-4309-BEC5-FEA560F78455", "c5f3a09f-75f8-4309-bec5-fea560f78455"),
		Entry("short fields", "1-2-3-4-5", "00000001-0002-0003-0004-000000000005"),
	)

	It("fails the payload for a cookie that is not a UUID", func() {
		pred, err := p.Predict(payload("not-a-uuid", "service_name=A"))
		Expect(err).NotTo(HaveOccurred())
		Expect(pred.Outcome).To(Equal(adapter.Bad))
		Expect(pred.RawEvent).To(BeNil())
		Expect(pred.BadRow.Schema).To(Equal(adapter.CPFormatViolationSchema))
		Expect(string(pred.BadRow.Data)).To(ContainSubstring(
			`"message":{"payloadField":"networkUserId","value":"not-a-uuid","expectation":"not valid UUID"}`))
	})

	It("writes the UUID's toString as the bad row payload's networkUserId", func() {
		pred, err := p.Predict(payload("1-2-3-4-5", ""))
		Expect(err).NotTo(HaveOccurred())
		Expect(pred.BadRow.Schema).To(Equal(adapter.AdapterFailuresSchema))
		var row struct {
			Payload struct {
				NetworkUserID string `json:"networkUserId"`
			} `json:"payload"`
		}
		Expect(json.Unmarshal(pred.BadRow.Data, &row)).To(Succeed())
		Expect(row.Payload.NetworkUserID).To(Equal("00000001-0002-0003-0004-000000000005"))
	})

	It("prefers the nuid query parameter to the cookie, as the collector does", func() {
		cp := payload("not-a-uuid", "service_name=A")
		cp.QueryString = "nuid=c5f3a09f-75f8-4309-bec5-fea560f78455"
		pred, err := p.Predict(cp)
		Expect(err).NotTo(HaveOccurred())
		Expect(pred.Outcome).To(Equal(adapter.Good))
	})
})
