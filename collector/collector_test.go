package collector_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/http/cookiejar"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"

	"github.com/sgkit/sgkit/adapter"
	"github.com/sgkit/sgkit/collector"
	"github.com/sgkit/sgkit/fixtures"
	"github.com/sgkit/sgkit/micro"
	"github.com/sgkit/sgkit/schemas"
)

// cloudFlareBody is the first body of enrich's StatusGatorAdapterSpec (e1),
// snowplow/enrich commit 607962e.
const cloudFlareBody = "service_name=CloudFlare&favicon_url=https%3A%2F%2Fdwxjd9cd6rwno.cloudfront.net%2Ffavicons%2Fcloudflare.ico&status_page_url=https%3A%2F%2Fwww.cloudflarestatus.com%2F&home_page_url=http%3A%2F%2Fwww.cloudflare.com&current_status=up&last_status=warn&occurred_at=2016-05-19T09%3A26%3A31%2B00%3A00"

// cloudFlareUnstruct is the ue_pr that StatusGatorAdapterSpec e1 expects
// for cloudFlareBody.
const cloudFlareUnstruct = `{"schema":"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0","data":{"schema":"iglu:com.statusgator/status_change/jsonschema/1-0-0","data":{"lastStatus":"warn","statusPageUrl":"https://www.cloudflarestatus.com/","serviceName":"CloudFlare","faviconUrl":"https://dwxjd9cd6rwno.cloudfront.net/favicons/cloudflare.ico","occurredAt":"2016-05-19T09:26:31+00:00","homePageUrl":"http://www.cloudflare.com","currentStatus":"up"}}}`

const formType = "application/x-www-form-urlencoded"

// Micro 4.5.2 EventSink.scala's errors[0] sentence for adapter failures.
const adapterSentence = "Error while extracting event(s) from collector payload and validating it/them."

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// fixedNow is the collector clock in the specs that check timestamps.
var fixedNow = time.Date(2021, 8, 29, 12, 1, 5, 787_000_000, time.UTC)

// startCollector starts an embedded collector on a free loopback port and
// returns it with a Micro client for it.
func startCollector(opts ...collector.Option) (*collector.Server, *micro.Client) {
	opts = append([]collector.Option{collector.WithLogger(slog.New(slog.DiscardHandler))}, opts...)
	srv, err := collector.New(opts...)
	Expect(err).NotTo(HaveOccurred())
	Expect(srv.Start()).To(Succeed())
	DeferCleanup(srv.Close)
	client, err := micro.NewClient(srv.URL())
	Expect(err).NotTo(HaveOccurred())
	return srv, client
}

// post sends one tracking request; a nil contentType sends no header.
func post(srv *collector.Server, path string, contentType *string, body string, header ...string) *http.Response {
	req, err := http.NewRequest(http.MethodPost, srv.URL()+path, strings.NewReader(body))
	Expect(err).NotTo(HaveOccurred())
	if contentType != nil {
		req.Header.Set("Content-Type", *contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(resp.Body.Close)
	return resp
}

func readBody(resp *http.Response) string {
	raw, err := io.ReadAll(resp.Body)
	Expect(err).NotTo(HaveOccurred())
	return string(raw)
}

func ptr(s string) *string { return &s }

// decodeEvent decodes a good event's enriched event.
func decodeEvent(g micro.GoodEvent) map[string]any {
	var event map[string]any
	Expect(json.Unmarshal(g.Event, &event)).To(Succeed())
	return event
}

// badRowOf decodes errors[1] of a bad event.
type badRowJSON struct {
	Schema string `json:"schema"`
	Data   struct {
		Failure struct {
			Vendor   string `json:"vendor"`
			Version  string `json:"version"`
			Messages []struct {
				Field       string  `json:"field"`
				Value       *string `json:"value"`
				Expectation string  `json:"expectation"`
			} `json:"messages"`
			MaximumAllowedSizeBytes int    `json:"maximumAllowedSizeBytes"`
			ActualSizeBytes         int    `json:"actualSizeBytes"`
			Expectation             string `json:"expectation"`
		} `json:"failure"`
		Payload json.RawMessage `json:"payload"`
	} `json:"data"`
}

func badRowOf(b micro.BadEvent) badRowJSON {
	raw, err := b.BadRow()
	Expect(err).NotTo(HaveOccurred())
	var row badRowJSON
	Expect(json.Unmarshal(raw, &row)).To(Succeed())
	return row
}

func eventually(f func(g Gomega)) {
	Eventually(f).WithTimeout(5 * time.Second).WithPolling(20 * time.Millisecond).Should(Succeed())
}

// oneGoodEvent waits until Micro's API lists exactly one good event and
// returns it.
func oneGoodEvent(client *micro.Client) micro.GoodEvent {
	var events []micro.GoodEvent
	eventually(func(g Gomega) {
		var err error
		events, err = client.Good(context.Background(), nil)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(events).To(HaveLen(1))
	})
	return events[0]
}

// oneBadEvent waits until Micro's API lists exactly one bad event and
// returns it.
func oneBadEvent(client *micro.Client) micro.BadEvent {
	var events []micro.BadEvent
	eventually(func(g Gomega) {
		var err error
		events, err = client.Bad(context.Background(), nil)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(events).To(HaveLen(1))
	})
	return events[0]
}

var _ = Describe("Collector HTTP behaviour", func() {
	var srv *collector.Server

	BeforeEach(func() {
		srv, _ = startCollector(collector.WithClock(func() time.Time { return fixedNow }))
	})

	It("answers a POST 200 ok as text/plain", func() {
		resp := post(srv, "/com.statusgator/v1", ptr(formType), cloudFlareBody)
		Expect(resp.StatusCode).To(Equal(http.StatusOK))
		Expect(resp.Header.Get("Content-Type")).To(Equal("text/plain"))
		Expect(readBody(resp)).To(Equal("ok"))
	})

	It("sets the sp cookie with the collector's default attributes", func() {
		resp := post(srv, "/com.statusgator/v1", ptr(formType), cloudFlareBody)
		cookies := resp.Header.Values("Set-Cookie")
		Expect(cookies).To(HaveLen(1))
		// http4s ResponseCookie.render order; expiry is now + 365 days
		// (cookie.expiration), written as an HTTP date.
		m := regexp.MustCompile(`^sp=([0-9a-f-]{36}); Expires=Mon, 29 Aug 2022 12:01:05 GMT; Path=/; SameSite=None; Secure; HttpOnly$`).
			FindStringSubmatch(cookies[0])
		Expect(m).NotTo(BeNil(), cookies[0])
		Expect(m[1]).To(MatchRegexp(uuidPattern.String()))
	})

	It("keeps the network user id of the request cookie", func() {
		resp := post(srv, "/com.statusgator/v1", ptr(formType), cloudFlareBody,
			"Cookie", "sp=6b1b2c8e-93c0-4c2e-8d1f-1b2c3d4e5f60")
		Expect(resp.Header.Get("Set-Cookie")).To(HavePrefix("sp=6b1b2c8e-93c0-4c2e-8d1f-1b2c3d4e5f60; "))
	})

	It("prefers the nuid query parameter to the cookie", func() {
		resp := post(srv, "/com.statusgator/v1?nuid=0f0e0d0c-0b0a-4909-8807-060504030201", ptr(formType), cloudFlareBody,
			"Cookie", "sp=6b1b2c8e-93c0-4c2e-8d1f-1b2c3d4e5f60")
		Expect(resp.Header.Get("Set-Cookie")).To(HavePrefix("sp=0f0e0d0c-0b0a-4909-8807-060504030201; "))
	})

	It("allows any origin without an Origin header", func() {
		resp := post(srv, "/com.statusgator/v1", ptr(formType), cloudFlareBody)
		Expect(resp.Header.Get("Access-Control-Allow-Origin")).To(Equal("*"))
		Expect(resp.Header.Get("Access-Control-Allow-Credentials")).To(Equal("true"))
	})

	It("echoes the request's origin", func() {
		resp := post(srv, "/com.statusgator/v1", ptr(formType), cloudFlareBody, "Origin", "https://statusgator.com")
		Expect(resp.Header.Get("Access-Control-Allow-Origin")).To(Equal("https://statusgator.com"))
	})

	It("answers the CORS preflight on any path", func() {
		req, err := http.NewRequest(http.MethodOptions, srv.URL()+"/com.statusgator/v1", nil)
		Expect(err).NotTo(HaveOccurred())
		req.Header.Set("Origin", "http://localhost:8000")
		resp, err := http.DefaultClient.Do(req)
		Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		Expect(resp.StatusCode).To(Equal(http.StatusOK))
		Expect(resp.Header.Get("Access-Control-Allow-Origin")).To(Equal("http://localhost:8000"))
		Expect(resp.Header.Get("Access-Control-Allow-Credentials")).To(Equal("true"))
		Expect(resp.Header.Get("Access-Control-Allow-Headers")).To(Equal("Content-Type, SP-Anonymous"))
		// cors.accessControlMaxAge = 60 minutes.
		Expect(resp.Header.Get("Access-Control-Max-Age")).To(Equal("3600"))
		Expect(readBody(resp)).To(BeEmpty())
	})

	It("answers GET /health with ok", func() {
		resp, err := http.Get(srv.URL() + "/health")
		Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		Expect(resp.StatusCode).To(Equal(http.StatusOK))
		Expect(readBody(resp)).To(Equal("ok"))
	})

	It("responds 404 outside its routes", func() {
		resp := post(srv, "/com.statusgator/v1/extra", ptr(formType), cloudFlareBody)
		Expect(resp.StatusCode).To(Equal(http.StatusNotFound))
	})

	It("answers a GET with the pixel", func() {
		resp, err := http.Get(srv.URL() + "/com.statusgator/v1")
		Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		Expect(resp.StatusCode).To(Equal(http.StatusOK))
		Expect(resp.Header.Get("Content-Type")).To(Equal("image/gif"))
		Expect(resp.Header.Get("Cache-Control")).To(Equal("no-cache, no-store, must-revalidate"))
		Expect(readBody(resp)).To(HavePrefix("GIF89a"))
	})
})

var _ = Describe("SP-Anonymous requests", func() {
	var (
		srv    *collector.Server
		client *micro.Client
	)

	BeforeEach(func() {
		srv, client = startCollector(collector.WithClock(func() time.Time { return fixedNow }))
	})

	It("set no cookie when the request had none", func() {
		resp := post(srv, "/com.statusgator/v1", ptr(formType), cloudFlareBody, "SP-Anonymous", "*")
		Expect(resp.StatusCode).To(Equal(http.StatusOK))
		Expect(resp.Header.Values("Set-Cookie")).To(BeEmpty())
	})

	It("expire the request's cookie", func() {
		resp := post(srv, "/com.statusgator/v1", ptr(formType), cloudFlareBody,
			"SP-Anonymous", "*", "Cookie", "sp=6b1b2c8e-93c0-4c2e-8d1f-1b2c3d4e5f60")
		// Service.cookieHeader: empty content, expiry one cookie lifetime ago.
		Expect(resp.Header.Get("Set-Cookie")).To(Equal("sp=; Expires=Sat, 29 Aug 2020 12:01:05 GMT; Path=/; SameSite=None; Secure; HttpOnly"))
	})

	It("record no address, user id or identifying header", func() {
		post(srv, "/com.statusgator/v1", ptr(formType), cloudFlareBody,
			"SP-Anonymous", "*", "X-Forwarded-For", "203.0.113.9", "Cookie", "sp=6b1b2c8e-93c0-4c2e-8d1f-1b2c3d4e5f60")
		ge := oneGoodEvent(client)
		raw, err := ge.DecodeRawEvent()
		Expect(err).NotTo(HaveOccurred())
		Expect(raw.Context.UserID).To(HaveValue(Equal("00000000-0000-0000-0000-000000000000")))
		Expect(raw.Context.IPAddress).To(HaveValue(Equal("unknown")))
		for _, h := range raw.Context.Headers {
			Expect(h).NotTo(HavePrefix("Cookie:"))
			Expect(h).NotTo(HavePrefix("X-Forwarded-For:"))
		}
		Expect(raw.Context.Headers).To(ContainElement("Sp-Anonymous: *"))
	})
})

var _ = Describe("Custom cookie name", func() {
	It("names the cookie it sets and reads", func() {
		srv, _ := startCollector(collector.WithCookieName("micro"))
		resp := post(srv, "/com.statusgator/v1", ptr(formType), cloudFlareBody,
			"Cookie", "micro=6b1b2c8e-93c0-4c2e-8d1f-1b2c3d4e5f60")
		Expect(resp.Header.Get("Set-Cookie")).To(HavePrefix("micro=6b1b2c8e-93c0-4c2e-8d1f-1b2c3d4e5f60; "))
	})

	It("rejects a name with a separator", func() {
		_, err := collector.New(collector.WithCookieName("a;b"))
		Expect(err).To(MatchError(ContainSubstring(`cookie name "a;b" is invalid`)))
	})
})

var _ = DescribeTable("Maximum payload size out of range",
	func(size int64, message string) {
		_, err := collector.New(collector.WithMaxPayloadSize(size))
		Expect(err).To(MatchError(message))
	},
	Entry("zero", int64(0), "maximum payload size 0 is invalid: want 1 to 4611686018427387903 bytes"),
	// 2^62: the collector's dropPayloadSize, twice it, overflows int64.
	Entry("2^62", int64(1)<<62, "maximum payload size 4611686018427387904 is invalid: want 1 to 4611686018427387903 bytes"),
)

var _ = Describe("Good events in /micro/good", func() {
	var (
		srv    *collector.Server
		client *micro.Client
		ctx    = context.Background()
	)

	BeforeEach(func() {
		srv, client = startCollector(collector.WithClock(func() time.Time { return fixedNow }))
	})

	It("stores the CloudFlare example with its enriched fields", func() {
		post(srv, "/com.statusgator/v1?aid=sgkit-test&eid=5A6B7C8D-1E2F-4A3B-9C4D-5E6F7A8B9C0D", ptr(formType), cloudFlareBody,
			"User-Agent", "StatusGator", "Cookie", "sp=6b1b2c8e-93c0-4c2e-8d1f-1b2c3d4e5f60")

		ge := oneGoodEvent(client)
		Expect(ge.EventType).To(HaveValue(Equal("unstruct")))
		Expect(ge.Schema).To(HaveValue(Equal("iglu:com.statusgator/status_change/jsonschema/1-0-0")))
		Expect(ge.Contexts).To(BeEmpty())

		raw, err := ge.DecodeRawEvent()
		Expect(err).NotTo(HaveOccurred())
		Expect(raw.API).To(Equal(micro.API{Vendor: "com.statusgator", Version: "v1"}))
		Expect(raw.Parameters).To(HaveKeyWithValue("tv", HaveValue(Equal("com.statusgator-v1"))))
		Expect(raw.Parameters).To(HaveKeyWithValue("e", HaveValue(Equal("ue"))))
		Expect(raw.Parameters).To(HaveKeyWithValue("p", HaveValue(Equal("srv"))))
		Expect(raw.Parameters).To(HaveKeyWithValue("ue_pr", HaveValue(MatchJSON(cloudFlareUnstruct))))
		Expect(raw.ContentType).To(HaveValue(Equal(formType)))
		Expect(raw.Context.Timestamp).To(Equal("2021-08-29T12:01:05.787Z"))
		Expect(raw.Context.IPAddress).To(HaveValue(Equal("127.0.0.1")))
		Expect(raw.Context.UserID).To(HaveValue(Equal("6b1b2c8e-93c0-4c2e-8d1f-1b2c3d4e5f60")))
		// Service.buildEvent appends the content type to the headers.
		Expect(raw.Context.Headers[len(raw.Context.Headers)-1]).To(Equal(formType))

		event := decodeEvent(ge)
		Expect(event).To(HaveKeyWithValue("app_id", "sgkit-test"))
		Expect(event).To(HaveKeyWithValue("platform", "srv"))
		Expect(event).To(HaveKeyWithValue("event", "unstruct"))
		Expect(event).To(HaveKeyWithValue("event_id", "5a6b7c8d-1e2f-4a3b-9c4d-5e6f7a8b9c0d"))
		Expect(event).To(HaveKeyWithValue("v_tracker", "com.statusgator-v1"))
		Expect(event).To(HaveKeyWithValue("event_vendor", "com.statusgator"))
		Expect(event).To(HaveKeyWithValue("event_name", "status_change"))
		Expect(event).To(HaveKeyWithValue("event_format", "jsonschema"))
		Expect(event).To(HaveKeyWithValue("event_version", "1-0-0"))
		Expect(event).To(HaveKeyWithValue("collector_tstamp", "2021-08-29T12:01:05.787Z"))
		Expect(event).To(HaveKeyWithValue("etl_tstamp", "2021-08-29T12:01:05.787Z"))
		Expect(event).To(HaveKeyWithValue("derived_tstamp", "2021-08-29T12:01:05.787Z"))
		Expect(event).To(HaveKeyWithValue("network_userid", "6b1b2c8e-93c0-4c2e-8d1f-1b2c3d4e5f60"))
		Expect(event).To(HaveKeyWithValue("user_ipaddress", "127.0.0.1"))
		Expect(event).To(HaveKeyWithValue("useragent", "StatusGator"))
		Expect(event).To(HaveKeyWithValue("true_tstamp", BeNil()))
		unstruct, err := json.Marshal(event["unstruct_event"])
		Expect(err).NotTo(HaveOccurred())
		Expect(unstruct).To(MatchJSON(cloudFlareUnstruct))
	})

	It("writes every Analytics SDK field, like Micro's documentation example", func() {
		post(srv, "/com.statusgator/v1", ptr(formType), cloudFlareBody)
		ge := oneGoodEvent(client)
		Expect(keysOf(decodeEvent(ge))).To(Equal(keysOf(documentedEvent())))
		Expect(string(ge.Event)).To(ContainSubstring(`"contexts":{},`))
		Expect(string(ge.Event)).To(ContainSubstring(`"derived_contexts":{},`))
		Expect(string(ge.Event)).To(HavePrefix(`{"app_id":null,"platform":"srv",`))
	})

	It("records the first X-Forwarded-For address", func() {
		// http4s Request.from, which Service.extractIp reads.
		post(srv, "/com.statusgator/v1", ptr(formType), cloudFlareBody, "X-Forwarded-For", "203.0.113.9, 10.0.0.1")
		ge := oneGoodEvent(client)
		raw, err := ge.DecodeRawEvent()
		Expect(err).NotTo(HaveOccurred())
		Expect(raw.Context.IPAddress).To(HaveValue(Equal("203.0.113.9")))
	})

	It("escapes control characters and U+2028 as circe does", func() {
		// circe's Printer.PrintingFolder.onString (circe/circe
		// modules/core/shared/src/main/scala/io/circe/Printer.scala) escapes
		// Character.isISOControl characters (DEL, U+0085) as \u00xx and
		// writes U+2028 unescaped. app_id loses the DEL to enrich's
		// ConversionUtils.makeTsvSafe, which removes \p{Cntrl} (ASCII only).
		post(srv, "/com.statusgator/v1?aid=a%7Fb%C2%85c%E2%80%A8d", ptr(formType), cloudFlareBody)
		ge := oneGoodEvent(client)
		Expect(string(ge.Event)).To(HavePrefix("{\"app_id\":\"ab\\u0085c\u2028d\","))
		Expect(string(ge.RawEvent)).To(ContainSubstring("\"aid\":\"a\\u007fb\\u0085c\u2028d\""))
	})

	It("generates an event_id when no eid was sent", func() {
		post(srv, "/com.statusgator/v1", ptr(formType), cloudFlareBody)
		eventually(func(g Gomega) {
			events, err := client.Good(ctx, nil)
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(events).To(HaveLen(1))
			g.Expect(decodeEvent(events[0])["event_id"]).To(MatchRegexp(uuidPattern.String()))
		})
	})
})

// documentedEvent is the enriched event of the /micro/good example in
// Micro's REST API documentation.
func documentedEvent() map[string]any {
	raw, err := fixtures.FS.ReadFile("micro/good.json")
	Expect(err).NotTo(HaveOccurred())
	var events []micro.GoodEvent
	Expect(json.Unmarshal(raw, &events)).To(Succeed())
	var event map[string]any
	Expect(json.Unmarshal(events[0].Event, &event)).To(Succeed())
	return event
}

func keysOf(m map[string]any) []string {
	return slices.Sorted(maps.Keys(m))
}

var _ = Describe("Bad rows in /micro/bad", func() {
	var (
		srv    *collector.Server
		client *micro.Client
	)

	BeforeEach(func() {
		srv, client = startCollector()
	})

	It("stores an application/json request as the adapter failure", func() {
		// StatusGatorAdapterSpec e4: the body of e1 sent as application/json.
		post(srv, "/com.statusgator/v1", ptr("application/json"), cloudFlareBody)
		be := oneBadEvent(client)
		Expect(be.Errors[0]).To(Equal(adapterSentence))
		Expect(be.RawEvent).To(MatchJSON("null"))

		row := badRowOf(be)
		Expect(row.Schema).To(Equal("iglu:com.snowplowanalytics.snowplow.badrows/adapter_failures/jsonschema/1-0-0"))
		Expect(row.Data.Failure.Vendor).To(Equal("com.statusgator"))
		Expect(row.Data.Failure.Version).To(Equal("v1"))
		Expect(row.Data.Failure.Messages).To(HaveLen(1))
		Expect(row.Data.Failure.Messages[0].Field).To(Equal("contentType"))
		Expect(row.Data.Failure.Messages[0].Value).To(HaveValue(Equal("application/json")))
		Expect(row.Data.Failure.Messages[0].Expectation).To(Equal("expected application/x-www-form-urlencoded"))

		cp, err := be.DecodeCollectorPayload()
		Expect(err).NotTo(HaveOccurred())
		Expect(cp).NotTo(BeNil())
		Expect(cp.API).To(Equal(micro.API{Vendor: "com.statusgator", Version: "v1"}))
		Expect(cp.ContentType).To(HaveValue(Equal("application/json")))
		Expect(cp.Body).To(HaveValue(Equal(cloudFlareBody)))
	})

	It("stores another vendor as enrich's unknown-vendor failure", func() {
		post(srv, "/com.acme/v9?eid=5a6b7c8d-1e2f-4a3b-9c4d-5e6f7a8b9c0d", ptr(formType), cloudFlareBody)
		be := oneBadEvent(client)
		Expect(be.Errors[0]).To(Equal(adapterSentence))
		row := badRowOf(be)
		Expect(row.Schema).To(Equal("iglu:com.snowplowanalytics.snowplow.badrows/adapter_failures/jsonschema/1-0-0"))
		Expect(row.Data.Failure.Messages).To(HaveLen(1))
		// AdapterRegistry.toRawEvents in enrich.
		Expect(row.Data.Failure.Messages[0].Field).To(Equal("vendor/version"))
		Expect(row.Data.Failure.Messages[0].Value).To(HaveValue(Equal("com.acme/v9")))
		Expect(row.Data.Failure.Messages[0].Expectation).To(Equal("vendor/version combination is not supported"))

		cp, err := be.DecodeCollectorPayload()
		Expect(err).NotTo(HaveOccurred())
		Expect(cp.Querystring).To(Equal([]string{"eid=5a6b7c8d-1e2f-4a3b-9c4d-5e6f7a8b9c0d"}))
	})
})

var _ = Describe("Bad rows after the adapter", func() {
	var (
		srv    *collector.Server
		client *micro.Client
		ctx    = context.Background()
	)

	BeforeEach(func() {
		srv, client = startCollector()
	})

	It("keeps the raw event of a schema violation", func() {
		// favicon_url is not a URI, which the status_change schema requires.
		post(srv, "/com.statusgator/v1", ptr(formType), "service_name=CloudFlare&favicon_url=not+a+uri")
		be := oneBadEvent(client)
		// EventSink.scala, snowplow-micro 4.5.2.
		Expect(be.Errors[0]).To(Equal("Error while validating the event."))
		Expect(badRowOf(be).Schema).To(Equal("iglu:com.snowplowanalytics.snowplow.badrows/schema_violations/jsonschema/2-0-0"))
		raw, err := be.DecodeRawEvent()
		Expect(err).NotTo(HaveOccurred())
		Expect(raw).NotTo(BeNil())
		Expect(raw.Parameters).To(HaveKeyWithValue("tv", HaveValue(Equal("com.statusgator-v1"))))
		cp, err := be.DecodeCollectorPayload()
		Expect(err).NotTo(HaveOccurred())
		Expect(cp).NotTo(BeNil())

		all, err := client.All(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(all).To(Equal(micro.Summary{Total: 1, Good: 0, Bad: 1}))
	})

	It("has no collector payload for a malformed query string", func() {
		// Enrich's loader cannot parse the query, so Micro's ThriftLoader
		// step fails and the bad event carries neither payload nor raw event.
		post(srv, "/com.statusgator/v1?aid=%zz", ptr(formType), cloudFlareBody)
		be := oneBadEvent(client)
		Expect(be.Errors[0]).To(Equal("Can't deserialize Thrift bytes."))
		Expect(badRowOf(be).Schema).To(Equal("iglu:com.snowplowanalytics.snowplow.badrows/collector_payload_format_violation/jsonschema/1-0-0"))
		Expect(be.CollectorPayload).To(MatchJSON("null"))
		Expect(be.RawEvent).To(MatchJSON("null"))

		// InMemoryStorage.keepBadEvent keeps an event without a payload
		// under any vendor filter (Option.forall on None).
		events, err := client.Bad(ctx, &micro.BadFilter{Vendor: "com.acme"})
		Expect(err).NotTo(HaveOccurred())
		Expect(events).To(HaveLen(1))
	})
})

var _ = Describe("Size limit", func() {
	var (
		srv    *collector.Server
		client *micro.Client
		ctx    = context.Background()
	)

	BeforeEach(func() {
		srv, client = startCollector(collector.WithMaxPayloadSize(1000))
	})

	It("stores an oversized payload as a size_violation and answers 200", func() {
		body := cloudFlareBody + "&padding=" + strings.Repeat("a", 1000)
		resp := post(srv, "/com.statusgator/v1", ptr(formType), body)
		Expect(resp.StatusCode).To(Equal(http.StatusOK))
		Expect(readBody(resp)).To(Equal("ok"))

		be := oneBadEvent(client)
		row := badRowOf(be)
		Expect(row.Schema).To(Equal("iglu:com.snowplowanalytics.snowplow.badrows/size_violation/jsonschema/1-0-0"))
		Expect(row.Data.Failure.MaximumAllowedSizeBytes).To(Equal(1000))
		Expect(row.Data.Failure.ActualSizeBytes).To(BeNumerically(">", len(body)))
		// SplitBatch.splitAndSerializePayload, stream collector 3.4.0: a
		// payload of at least maxBytes but within maxPayloadSize is split
		// only when its body is JSON, and a form body fails circe's parser.
		Expect(row.Data.Failure.Expectation).To(Equal(
			"oversized collector payload: cannot split POST requests which are not json expected json value got 'servic...' (line 1, column 1)"))
		var payload string
		Expect(json.Unmarshal(row.Data.Payload, &payload)).To(Succeed())
		// The payload's Thrift toString, cut to a tenth of the limit.
		Expect(payload).To(Equal("CollectorPayload(schema:iglu:com.snowplowanalytics.snowplow/CollectorPayload/thrift/1-0-0, ipAddress"))

		all, err := client.All(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(all).To(Equal(micro.Summary{Total: 1, Good: 0, Bad: 1}))
	})

	It("answers 413 and stores nothing past twice the limit", func() {
		resp := post(srv, "/com.statusgator/v1", ptr(formType), strings.Repeat("a", 2001))
		Expect(resp.StatusCode).To(Equal(http.StatusRequestEntityTooLarge))
		Expect(srv.Handler().Stats().Oversized).To(Equal(uint64(1)))
		all, err := client.All(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(all.Total).To(Equal(0))
	})
})

var _ = Describe("Micro API", func() {
	var (
		srv    *collector.Server
		client *micro.Client
		ctx    = context.Background()
	)

	// send posts n good CloudFlare events with eids good-0.. and m bad
	// requests to /com.acme/v9, and waits until all are stored.
	send := func(goodN, badN int) {
		for i := range goodN {
			post(srv, fmt.Sprintf("/com.statusgator/v1?eid=00000000-0000-4000-8000-%012d", i), ptr(formType), cloudFlareBody)
		}
		for range badN {
			post(srv, "/com.acme/v9", ptr(formType), cloudFlareBody)
		}
		eventually(func(g Gomega) {
			all, err := client.All(ctx)
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(all).To(Equal(micro.Summary{Total: goodN + badN, Good: goodN, Bad: badN}))
		})
	}

	BeforeEach(func() {
		srv, client = startCollector()
	})

	It("filters good events by schema and event type", func() {
		send(2, 1)
		events, err := client.Good(ctx, &micro.GoodFilter{Schema: "iglu:com.statusgator/status_change/jsonschema/1-0-0"})
		Expect(err).NotTo(HaveOccurred())
		Expect(events).To(HaveLen(2))
		events, err = client.Good(ctx, &micro.GoodFilter{EventType: "unstruct"})
		Expect(err).NotTo(HaveOccurred())
		Expect(events).To(HaveLen(2))
		events, err = client.Good(ctx, &micro.GoodFilter{Schema: "iglu:com.acme/other/jsonschema/1-0-0"})
		Expect(err).NotTo(HaveOccurred())
		Expect(events).To(BeEmpty())
		events, err = client.Good(ctx, &micro.GoodFilter{Contexts: []string{"iglu:com.acme/ctx/jsonschema/1-0-0"}})
		Expect(err).NotTo(HaveOccurred())
		Expect(events).To(BeEmpty())
	})

	It("returns the newest events first under a limit", func() {
		send(3, 0)
		events, err := client.Good(ctx, &micro.GoodFilter{Limit: 1})
		Expect(err).NotTo(HaveOccurred())
		Expect(events).To(HaveLen(1))
		Expect(decodeEvent(events[0])["event_id"]).To(Equal("00000000-0000-4000-8000-000000000002"))
	})

	It("filters bad rows by vendor, version and limit", func() {
		send(0, 3)
		post(srv, "/com.statusgator/v1", ptr("application/json"), cloudFlareBody)
		eventually(func(g Gomega) {
			all, err := client.All(ctx)
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(all.Bad).To(Equal(4))
		})
		events, err := client.Bad(ctx, &micro.BadFilter{Vendor: "com.acme"})
		Expect(err).NotTo(HaveOccurred())
		Expect(events).To(HaveLen(3))
		events, err = client.Bad(ctx, &micro.BadFilter{Version: "v1"})
		Expect(err).NotTo(HaveOccurred())
		Expect(events).To(HaveLen(1))
		events, err = client.Bad(ctx, &micro.BadFilter{Vendor: "com.acme", Limit: 2})
		Expect(err).NotTo(HaveOccurred())
		Expect(events).To(HaveLen(2))
	})

	It("treats limit 0 as Scala's take(0)", func() {
		send(1, 0)
		resp, err := http.Post(srv.URL()+"/micro/good", "application/json", strings.NewReader(`{"limit":0}`))
		Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		Expect(readBody(resp)).To(Equal("[]"))
	})

	It("answers a malformed filter 400 and a mistyped one 422", func() {
		resp, err := http.Post(srv.URL()+"/micro/good", "application/json", strings.NewReader(`{"limit":`))
		Expect(err).NotTo(HaveOccurred())
		resp.Body.Close()
		Expect(resp.StatusCode).To(Equal(http.StatusBadRequest))
		resp, err = http.Post(srv.URL()+"/micro/bad", "application/json", strings.NewReader(`{"limit":"ten"}`))
		Expect(err).NotTo(HaveOccurred())
		resp.Body.Close()
		Expect(resp.StatusCode).To(Equal(http.StatusUnprocessableEntity))
	})

	// Micro decodes filters with circe's derived decoders
	// (Routing.scala deriveDecoder[FiltersGood]); the Int rules are circe
	// Decoder.decodeInt: a whole JSON number within 32 bits, or a string
	// holding one (JsonNumber.toInt, JsonNumber.fromString).
	DescribeTable("decodes a /micro/good filter as circe does",
		func(body string, status, events int) {
			send(2, 0)
			resp, err := http.Post(srv.URL()+"/micro/good", "application/json", strings.NewReader(body))
			Expect(err).NotTo(HaveOccurred())
			defer resp.Body.Close()
			Expect(resp.StatusCode).To(Equal(status))
			if status != http.StatusOK {
				return
			}
			var got []json.RawMessage
			Expect(json.Unmarshal([]byte(readBody(resp)), &got)).To(Succeed())
			Expect(got).To(HaveLen(events))
		},
		Entry("an empty object: no filter", `{}`, http.StatusOK, 2),
		Entry("null fields: absent", `{"event_type":null,"schema":null,"contexts":null,"limit":null}`, http.StatusOK, 2),
		Entry("unknown fields: ignored", `{"other":1}`, http.StatusOK, 2),
		Entry("a whole decimal limit", `{"limit":1.0}`, http.StatusOK, 1),
		Entry("a limit with an exponent", `{"limit":1e0}`, http.StatusOK, 1),
		Entry("a limit in a string", `{"limit":"1"}`, http.StatusOK, 1),
		Entry("Int's largest limit", `{"limit":2147483647}`, http.StatusOK, 2),
		Entry("the top-level null", `null`, http.StatusUnprocessableEntity, 0),
		Entry("an array", `[]`, http.StatusUnprocessableEntity, 0),
		Entry("a limit above Int", `{"limit":2147483648}`, http.StatusUnprocessableEntity, 0),
		Entry("a limit below Int", `{"limit":-2147483649}`, http.StatusUnprocessableEntity, 0),
		Entry("a fractional limit", `{"limit":1.5}`, http.StatusUnprocessableEntity, 0),
		Entry("a huge exponent", `{"limit":1e999999999999}`, http.StatusUnprocessableEntity, 0),
		Entry("a boolean limit", `{"limit":true}`, http.StatusUnprocessableEntity, 0),
		Entry("a number as event_type", `{"event_type":1}`, http.StatusUnprocessableEntity, 0),
		Entry("a null context", `{"contexts":[null]}`, http.StatusUnprocessableEntity, 0),
	)

	It("empties the store on reset", func() {
		send(1, 1)
		resp, err := http.Post(srv.URL()+"/micro/reset", "application/json", nil)
		Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		Expect(resp.StatusCode).To(Equal(http.StatusOK))
		// Routing.scala: Ok("Reset completed").
		Expect(readBody(resp)).To(Equal("Reset completed"))
		all, err := client.All(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(all).To(Equal(micro.Summary{}))
		Expect(client.Reset(ctx)).To(Succeed())
	})

	It("answers an unknown /micro path with Micro's endpoint list", func() {
		for _, path := range []string{"/micro/nothing", "/micro", "/micro/all/extra"} {
			resp, err := http.Get(srv.URL() + path)
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.StatusCode).To(Equal(http.StatusNotFound), path)
			// Routing.scala, InMemoryRoutes, snowplow-micro 4.5.2.
			Expect(readBody(resp)).To(Equal("Supported endpoints: /micro/all, /micro/good, /micro/bad, /micro/events, " +
				"/micro/reset, /micro/columns, /micro/columnStats, /micro/timeline, /micro/iglu, /micro/ui"))
			resp.Body.Close()
		}
	})

	It("serves the embedded schema on the iglu route", func() {
		resp, err := http.Get(srv.URL() + "/micro/iglu/com.statusgator/status_change/jsonschema/1-0-0")
		Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		Expect(resp.StatusCode).To(Equal(http.StatusOK))
		Expect(resp.Header.Get("Content-Type")).To(Equal("application/json"))
		want, err := schemas.FS.ReadFile("com.statusgator/status_change/jsonschema/1-0-0")
		Expect(err).NotTo(HaveOccurred())
		Expect(readBody(resp)).To(MatchJSON(want))
	})

	It("answers an unknown schema with the resolver's not-found JSON", func() {
		resp, err := http.Get(srv.URL() + "/micro/iglu/com.acme/nothing/jsonschema/1-0-0")
		Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		Expect(resp.StatusCode).To(Equal(http.StatusNotFound))
		var v struct {
			Value map[string]struct {
				Errors   []map[string]string `json:"errors"`
				Attempts int                 `json:"attempts"`
			} `json:"value"`
		}
		Expect(json.Unmarshal([]byte(readBody(resp)), &v)).To(Succeed())
		Expect(v.Value).To(HaveLen(1))
		for _, repo := range v.Value {
			Expect(repo.Errors).To(Equal([]map[string]string{{"error": "NotFound"}}))
			Expect(repo.Attempts).To(Equal(1))
		}
	})

	It("answers a malformed schema version with Micro's format hint", func() {
		resp, err := http.Get(srv.URL() + "/micro/iglu/com.statusgator/status_change/jsonschema/1-0")
		Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		Expect(resp.StatusCode).To(Equal(http.StatusNotFound))
		Expect(readBody(resp)).To(Equal("Schema lookup should be in format iglu/{vendor}/{schemaName}/jsonschema/{model}-{revision}-{addition}"))
	})
})

var _ = Describe("Bounded store", func() {
	It("drops the oldest past its capacity and counts them", func() {
		srv, client := startCollector(collector.WithStoreCapacity(3))
		ctx := context.Background()
		for i := range 5 {
			post(srv, fmt.Sprintf("/com.statusgator/v1?eid=00000000-0000-4000-8000-%012d", i), ptr(formType), cloudFlareBody)
		}
		eventually(func(g Gomega) {
			g.Expect(srv.Handler().Stats().Received).To(Equal(uint64(5)))
		})
		Expect(srv.Handler().Stats().Dropped).To(Equal(uint64(2)))

		events, err := client.Good(ctx, nil)
		Expect(err).NotTo(HaveOccurred())
		var ids []any
		for _, e := range events {
			ids = append(ids, decodeEvent(e)["event_id"])
		}
		Expect(ids).To(Equal([]any{
			"00000000-0000-4000-8000-000000000004",
			"00000000-0000-4000-8000-000000000003",
			"00000000-0000-4000-8000-000000000002",
		}))

		resp, err := http.Get(srv.URL() + "/sgkit/stats")
		Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		Expect(readBody(resp)).To(MatchJSON(`{"received":5,"dropped":2,"outsideModel":0,"oversized":0}`))
	})
})

var _ = Describe("Concurrent posts", func() {
	It("lose nothing", func() {
		srv, client := startCollector()
		const workers, perWorker = 16, 25
		jar, err := cookiejar.New(nil)
		Expect(err).NotTo(HaveOccurred())
		httpClient := &http.Client{Jar: jar}

		var wg sync.WaitGroup
		errs := make(chan error, workers*perWorker)
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range perWorker {
					url := fmt.Sprintf("%s/com.statusgator/v1?eid=00000000-0000-4000-8000-%06d%06d", srv.URL(), w, i)
					resp, err := httpClient.Post(url, formType, strings.NewReader(cloudFlareBody))
					if err != nil {
						errs <- err
						continue
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						errs <- fmt.Errorf("POST %s: status %s", url, resp.Status)
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			Expect(err).NotTo(HaveOccurred())
		}

		eventually(func(g Gomega) {
			all, err := client.All(context.Background())
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(all).To(Equal(micro.Summary{Total: workers * perWorker, Good: workers * perWorker}))
		})
		events, err := client.Good(context.Background(), nil)
		Expect(err).NotTo(HaveOccurred())
		seen := map[any]bool{}
		for _, e := range events {
			seen[decodeEvent(e)["event_id"]] = true
		}
		Expect(seen).To(HaveLen(workers * perWorker))
	})
})

// unmodelledPredictor simulates a model gap. The reference adapter returns
// an error for a payload it does not model, and this wrapper returns one on
// demand, so the spec does not depend on which payloads the adapter leaves
// out.
type unmodelledPredictor struct{ inner collector.Predictor }

func (p unmodelledPredictor) Predict(cp adapter.CollectorPayload) (adapter.Prediction, error) {
	if cp.Path == "/com.example/unmodelled" {
		return adapter.Prediction{}, fmt.Errorf("no model for %s", cp.Path)
	}
	return p.inner.Predict(cp)
}

var _ = Describe("Payload outside the model", func() {
	It("is answered 200, not stored, and counted", func() {
		srv, client := startCollector(collector.WithPredictor(unmodelledPredictor{adapter.Default()}))
		resp := post(srv, "/com.example/unmodelled", ptr(formType), cloudFlareBody)
		Expect(resp.StatusCode).To(Equal(http.StatusOK))
		Expect(readBody(resp)).To(Equal("ok"))

		stats := srv.Handler().Stats()
		Expect(stats.OutsideModel).To(Equal(uint64(1)))
		Expect(stats.LastOutsideModel).To(Equal("/com.example/unmodelled: no model for /com.example/unmodelled"))
		all, err := client.All(context.Background())
		Expect(err).NotTo(HaveOccurred())
		Expect(all.Total).To(Equal(0))
	})

	It("logs that a cookie was sent, not its value", func() {
		logs := gbytes.NewBuffer()
		srv, _ := startCollector(collector.WithPredictor(unmodelledPredictor{adapter.Default()}),
			collector.WithLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
		const nuid = "6b1b2c8e-93c0-4c2e-8d1f-1b2c3d4e5f60"
		post(srv, "/com.example/unmodelled", ptr(formType), cloudFlareBody, "Cookie", "sp="+nuid)
		post(srv, "/com.statusgator/v1", ptr(formType), cloudFlareBody, "Cookie", "sp="+nuid)
		Expect(string(logs.Contents())).To(ContainSubstring(`msg="payload outside the model: responded 200, not stored" path=/com.example/unmodelled cookie_sent=true`))
		Expect(string(logs.Contents())).To(ContainSubstring(`msg="payload stored" path=/com.statusgator/v1 outcome=good cookie_sent=true`))
		Expect(string(logs.Contents())).NotTo(ContainSubstring(nuid))
	})
})

var _ = Describe("Shutdown", func() {
	It("does not wait for a connection that never sent a request", func() {
		srv, err := collector.New(collector.WithLogger(slog.New(slog.DiscardHandler)))
		Expect(err).NotTo(HaveOccurred())
		Expect(srv.Start()).To(Succeed())
		DeferCleanup(srv.Close)

		// A spare connection such as http.Transport or a browser opens
		// and may never use.
		idle, err := net.Dial("tcp", strings.TrimPrefix(srv.URL(), "http://"))
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(idle.Close)
		// The server accepts in order, so once a later connection is
		// served, the idle one has been accepted too.
		client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
		resp, err := client.Get(srv.URL() + "/health")
		Expect(err).NotTo(HaveOccurred())
		resp.Body.Close()

		// net/http alone counts the idle connection as busy for 5 s, so
		// a shorter deadline fails without the fix.
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		Expect(srv.Shutdown(ctx)).To(Succeed())
		Expect(io.ReadAll(idle)).To(BeEmpty())
	})
})

var _ = Describe("A stalled request body", func() {
	It("is answered 408 after the request timeout and not stored", func() {
		srv, client := startCollector(collector.WithRequestTimeout(200 * time.Millisecond))
		conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL(), "http://"))
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(conn.Close)
		// Bounds the read below when no response arrives.
		Expect(conn.SetDeadline(time.Now().Add(10 * time.Second))).To(Succeed())
		_, err = io.WriteString(conn, "POST /com.statusgator/v1 HTTP/1.1\r\nHost: localhost\r\n"+
			"Content-Type: "+formType+"\r\nContent-Length: 100\r\n\r\nservice_name=Cloud")
		Expect(err).NotTo(HaveOccurred())

		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		// Stream collector HttpServer.timeoutMiddleware maps http4s'
		// Response.timeout (503, "Response timed out") to 408.
		Expect(resp.StatusCode).To(Equal(http.StatusRequestTimeout))
		Expect(resp.Header.Get("Content-Type")).To(Equal("text/plain; charset=UTF-8"))
		Expect(readBody(resp)).To(Equal("Response timed out"))

		all, err := client.All(context.Background())
		Expect(err).NotTo(HaveOccurred())
		Expect(all).To(Equal(micro.Summary{}))
	})
})

// Routes of stream collector 3.4.0's Routes.scala beyond /{vendor}/{version},
// with the reference.conf defaults Micro 4.5.2 keeps.
var _ = Describe("Collector routes", func() {
	var srv *collector.Server

	BeforeEach(func() {
		srv, _ = startCollector()
	})

	do := func(method, path string) (*http.Response, string) {
		req, err := http.NewRequest(method, srv.URL()+path, strings.NewReader(cloudFlareBody))
		Expect(err).NotTo(HaveOccurred())
		req.Header.Set("Content-Type", formType)
		resp, err := http.DefaultClient.Do(req)
		Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		return resp, readBody(resp)
	}

	DescribeTable("rejects redirects, as enableDefaultRedirect = false does (Routes.rejectRedirect)",
		func(method string) {
			resp, body := do(method, "/r/tp2")
			Expect(resp.StatusCode).To(Equal(http.StatusNotFound))
			Expect(resp.Header.Get("Content-Type")).To(Equal("text/plain; charset=UTF-8"))
			Expect(body).To(Equal("redirects disabled"))
			Expect(srv.Handler().Stats()).To(Equal(collector.Stats{}))
		},
		Entry("POST", http.MethodPost),
		Entry("GET", http.MethodGet),
		Entry("OPTIONS, before the CORS route", http.MethodOptions),
	)

	DescribeTable("answers the pixel routes with the pixel and the cookie (Routes.cookieRoutes)",
		func(path string) {
			resp, body := do(http.MethodGet, path)
			Expect(resp.StatusCode).To(Equal(http.StatusOK))
			Expect(resp.Header.Get("Content-Type")).To(Equal("image/gif"))
			Expect(resp.Header.Get("Set-Cookie")).To(HavePrefix("sp="))
			// Service.pixel, base64 R0lGODlhAQABAPAAAP///wAAACH5BAUAAAAALAAAAAABAAEAAAICRAEAOw==.
			Expect(body).To(HavePrefix("GIF89a\x01\x00\x01\x00"))
			// Enrich sends pixel payloads to its tracker protocol adapter,
			// which sgkit does not model: counted, not stored.
			Expect(srv.Handler().Stats().OutsideModel).To(Equal(uint64(1)))
			Expect(srv.Handler().Stats().LastOutsideModel).To(ContainSubstring("tracking pixel"))
		},
		Entry("/i", "/i"),
		Entry("/ice.png", "/ice.png"),
	)

	DescribeTable("answers the health routes (Routes.health)",
		func(path, want string) {
			resp, body := do(http.MethodGet, path)
			Expect(resp.StatusCode).To(Equal(http.StatusOK))
			Expect(resp.Header.Get("Content-Type")).To(Equal("text/plain; charset=UTF-8"))
			Expect(body).To(Equal(want))
		},
		Entry("/health", "/health", "ok"),
		// Micro builds Routes with sinksHealthy = IO.pure(true).
		Entry("/sink-health", "/sink-health", "ok"),
		Entry("/robots.txt", "/robots.txt",
			"User-agent: *\nDisallow: /\n\nUser-agent: Googlebot\nDisallow: /\n\nUser-agent: AdsBot-Google\nDisallow: /"),
	)
})
