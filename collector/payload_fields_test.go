package collector_test

import (
	"encoding/json"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sgkit/sgkit/adapter"
	"github.com/sgkit/sgkit/collector"
	"github.com/sgkit/sgkit/micro"
)

// The collector payload fields the adapter reads, checked through the
// loopback collector and Micro's API.
var _ = Describe("Collector payload fields", func() {
	var (
		srv    *collector.Server
		client *micro.Client
	)

	BeforeEach(func() {
		srv, client = startCollector()
	})

	It("names the collector in the bad row's loaderName", func() {
		// RawEvent.toRawEvent copies CollectorPayload.source.name, which the
		// collector sets (Service.buildEvent), into loaderName.
		post(srv, "/com.statusgator/v1", ptr(formType), "service_name=CloudFlare&favicon_url=not+a+uri")
		be := oneBadEvent(client)
		var payload struct {
			Raw struct {
				LoaderName string `json:"loaderName"`
			} `json:"raw"`
		}
		Expect(json.Unmarshal(badRowOf(be).Data.Payload, &payload)).To(Succeed())
		Expect(payload.Raw.LoaderName).To(Equal(adapter.DefaultCollectorName))
	})

	It("lists Host first and the content type last", func() {
		// Service.headers renders every request header as "Name: value",
		// Cookie reduced by Rfc6265Cookie.parse, and Service.buildEvent
		// appends the content type (headers ++ contentType).
		post(srv, "/com.statusgator/v1", ptr("Application/X-WWW-Form-Urlencoded"), cloudFlareBody,
			"Cookie", "sp=6b1b2c8e-93c0-4c2e-8d1f-1b2c3d4e5f60; bad=a b\"c")
		raw, err := oneGoodEvent(client).DecodeRawEvent()
		Expect(err).NotTo(HaveOccurred())
		headers := raw.Context.Headers
		Expect(headers[0]).To(Equal("Host: " + strings.TrimPrefix(srv.URL(), "http://")))
		Expect(headers).To(ContainElement("Content-Type: Application/X-WWW-Form-Urlencoded"))
		// Spaces are dropped first, then the part with '"' (not a cookie-octet).
		Expect(headers).To(ContainElement("Cookie: sp=6b1b2c8e-93c0-4c2e-8d1f-1b2c3d4e5f60"))
		// The appended content type is http4s' rendering, lowercased.
		Expect(headers[len(headers)-1]).To(Equal("application/x-www-form-urlencoded"))
	})

	It("decodes the body bytes as Java's UTF-8 decoder does", func() {
		// new String(bytes, UTF_8) (OpenJDK 17) replaces the invalid byte
		// 0xFF with U+FFFD, and the adapter keeps it in ue_pr.
		post(srv, "/com.statusgator/v1", ptr(formType), "service_name=Cloud\xffFlare")
		raw, err := oneGoodEvent(client).DecodeRawEvent()
		Expect(err).NotTo(HaveOccurred())
		Expect(raw.Parameters).To(HaveKeyWithValue("ue_pr", HaveValue(ContainSubstring(`"serviceName":"Cloud`+"\uFFFD"+`Flare"`))))
	})
})
