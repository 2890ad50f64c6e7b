package adapter_test

import (
	"encoding/json"
	"fmt"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sgkit/sgkit/adapter"
)

// The size checks of stream collector 3.4.0 SplitBatch.splitAndSerializePayload.
// A serialized payload below maxBytes is sunk, and one above maxPayloadSize
// fails with "Payload exceeds max size of ...". One in between fails to
// split, because a form body is not JSON. The serialized size is ThriftSize,
// which the collector's Thrift tests check byte for byte.
var _ = Describe("collector size limits", func() {
	const nuid = "c5f3a09f-75f8-4309-bec5-fea560f78455"
	payload := func(body string) adapter.CollectorPayload {
		ct := adapter.FormContentType
		return adapter.CollectorPayload{Path: "/com.statusgator/v1", ContentType: &ct, Body: &body, NetworkUserID: nuid}
	}
	failure := func(pred adapter.Prediction) map[string]any {
		Expect(pred.Outcome).To(Equal(adapter.Bad))
		Expect(pred.RawEvent).To(BeNil())
		Expect(pred.BadRow.Schema).To(Equal(adapter.SizeViolationSchema))
		var data struct {
			Failure map[string]any `json:"failure"`
		}
		Expect(json.Unmarshal(pred.BadRow.Data, &data)).To(Succeed())
		return data.Failure
	}
	body := "service_name=" + strings.Repeat("a", 5000)

	It("sinks a payload one byte below maxBytes", func() {
		size := adapter.ThriftSize(payload(body))
		p := &adapter.Predictor{Now: fixedNow, MaxBytes: size + 1}
		pred, err := p.Predict(payload(body))
		Expect(err).NotTo(HaveOccurred())
		Expect(pred.Outcome).To(Equal(adapter.Good))
	})

	It("fails to split a form body of exactly maxBytes", func() {
		size := adapter.ThriftSize(payload(body))
		p := &adapter.Predictor{Now: fixedNow, MaxBytes: size, MaxPayloadSize: adapter.DefaultMaxPayloadSize}
		pred, err := p.Predict(payload(body))
		Expect(err).NotTo(HaveOccurred())
		f := failure(pred)
		Expect(f["maximumAllowedSizeBytes"]).To(BeNumerically("==", size))
		Expect(f["actualSizeBytes"]).To(BeNumerically("==", size))
		// jawn 1.x: "expected json value got" and six characters, then "...".
		Expect(f["expectation"]).To(Equal("oversized collector payload: cannot split POST requests which are not json " +
			"expected json value got 'servic...' (line 1, column 1)"))
	})

	It("names maxPayloadSize above it", func() {
		size := adapter.ThriftSize(payload(body))
		p := &adapter.Predictor{Now: fixedNow, MaxBytes: 100, MaxPayloadSize: int64(size - 1)}
		pred, err := p.Predict(payload(body))
		Expect(err).NotTo(HaveOccurred())
		f := failure(pred)
		Expect(f["maximumAllowedSizeBytes"]).To(BeNumerically("==", size-1))
		Expect(f["expectation"]).To(Equal(fmt.Sprintf(
			"oversized collector payload: Payload exceeds max size of %d. Actual length: %d", size-1, size)))
	})

	It("does not split a GET request", func() {
		cp := payload("")
		cp.Body = nil
		p := &adapter.Predictor{Now: fixedNow, MaxBytes: 10}
		pred, err := p.Predict(cp)
		Expect(err).NotTo(HaveOccurred())
		Expect(failure(pred)["expectation"]).To(Equal("oversized collector payload: GET requests cannot be split"))
	})

	It("counts a random UUID when no network user id is given", func() {
		size := adapter.ThriftSize(payload(body))
		cp := payload(body)
		cp.NetworkUserID = ""
		p := &adapter.Predictor{Now: fixedNow, MaxBytes: size}
		pred, err := p.Predict(cp)
		Expect(err).NotTo(HaveOccurred())
		Expect(failure(pred)["actualSizeBytes"]).To(BeNumerically("==", size))
	})

	It("quotes a short body whole, as circe's parse docs show for yolo", func() {
		p := &adapter.Predictor{Now: fixedNow, MaxBytes: 10}
		pred, err := p.Predict(payload("yolo"))
		Expect(err).NotTo(HaveOccurred())
		Expect(failure(pred)["expectation"]).To(HaveSuffix("expected json value got 'yolo' (line 1, column 1)"))
	})

	It("returns an error for a body that starts like JSON", func() {
		p := &adapter.Predictor{Now: fixedNow, MaxBytes: 10}
		_, err := p.Predict(payload(`{"service_name":"A"}`))
		Expect(err).To(MatchError(ContainSubstring("starts like JSON")))
	})

	It("turns a 1,000,000-byte body into a size_violation by default", func() {
		pred, err := adapter.Default().Predict(payload("service_name=" + strings.Repeat("a", 1000000)))
		Expect(err).NotTo(HaveOccurred())
		Expect(failure(pred)["maximumAllowedSizeBytes"]).To(BeNumerically("==", 1000000))
	})
})
