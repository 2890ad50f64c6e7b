package micro_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sgkit/sgkit/fixtures"
	"github.com/sgkit/sgkit/micro"
)

// fixture returns one example response of Micro's REST API documentation;
// see fixtures/micro/README.md for the source of each file.
func fixture(name string) []byte {
	raw, err := fixtures.FS.ReadFile("micro/" + name)
	Expect(err).NotTo(HaveOccurred())
	return raw
}

// docServer is a loopback HTTP server that answers each Micro route with a
// documentation example. No real Micro can run in CI because it needs its
// Docker image or jar, so these bodies replace its responses. The
// collector's specs test the client against sgkit's embedded collector.
type docServer struct {
	*httptest.Server
	mu       sync.Mutex
	requests []recordedRequest
	bodies   map[string][]byte
	status   int
}

type recordedRequest struct {
	method, path, contentType, body string
}

func newDocServer() *docServer {
	d := &docServer{status: http.StatusOK, bodies: map[string][]byte{
		"/micro/all":   fixture("all.json"),
		"/micro/good":  fixture("good.json"),
		"/micro/bad":   fixture("bad.json"),
		"/micro/reset": fixture("reset.json"),
	}}
	d.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		d.mu.Lock()
		d.requests = append(d.requests, recordedRequest{r.Method, r.URL.Path, r.Header.Get("Content-Type"), string(body)})
		status, out, ok := d.status, d.bodies[r.URL.Path], d.bodies[r.URL.Path] != nil
		d.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write(out)
	}))
	return d
}

func (d *docServer) last() recordedRequest {
	d.mu.Lock()
	defer d.mu.Unlock()
	Expect(d.requests).NotTo(BeEmpty())
	return d.requests[len(d.requests)-1]
}

var _ = Describe("Client on the documentation examples", func() {
	var (
		server *docServer
		client *micro.Client
		ctx    context.Context
	)

	BeforeEach(func() {
		server = newDocServer()
		DeferCleanup(server.Close)
		var err error
		client, err = micro.NewClient(server.URL)
		Expect(err).NotTo(HaveOccurred())
		ctx = context.Background()
	})

	It("decodes the /micro/all summary", func() {
		s, err := client.All(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(s).To(Equal(micro.Summary{Total: 7, Good: 5, Bad: 2}))
		Expect(server.last().method).To(Equal(http.MethodGet))
	})

	It("decodes the /micro/good page view", func() {
		events, err := client.Good(ctx, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(events).To(HaveLen(1))
		g := events[0]
		Expect(g.EventType).To(HaveValue(Equal("page_view")))
		Expect(g.Schema).To(HaveValue(Equal("iglu:com.snowplowanalytics.snowplow/page_view/jsonschema/1-0-0")))
		Expect(g.Contexts).To(Equal([]string{"iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0"}))
		Expect(g.Incomplete).To(BeFalse())

		var event map[string]any
		Expect(json.Unmarshal(g.Event, &event)).To(Succeed())
		Expect(event).To(HaveKeyWithValue("event_id", "bee0a6d7-fc17-4392-b2bc-2208e8e944f3"))
		Expect(event).To(HaveKeyWithValue("collector_tstamp", "2021-08-29T12:01:05.787Z"))
		Expect(event).To(HaveKeyWithValue("unstruct_event", BeNil()))
		Expect(event).To(HaveKeyWithValue("derived_contexts", BeEmpty()))
		Expect(event).To(HaveLen(131))

		raw, err := g.DecodeRawEvent()
		Expect(err).NotTo(HaveOccurred())
		Expect(raw.API).To(Equal(micro.API{Vendor: "com.snowplowanalytics.snowplow", Version: "tp2"}))
		Expect(raw.Parameters).To(HaveKeyWithValue("eid", HaveValue(Equal("bee0a6d7-fc17-4392-b2bc-2208e8e944f3"))))
		Expect(raw.ContentType).To(HaveValue(Equal("application/json")))
		Expect(raw.Source.Name).To(Equal("ssc-2.3.1-stdout$"))
		Expect(raw.Source.Hostname).To(HaveValue(Equal("0.0.0.0")))
		Expect(raw.Context.Timestamp).To(Equal("2021-08-29T12:01:05.787Z"))
		Expect(raw.Context.UserID).To(HaveValue(Equal("3734601f-5c3d-47c5-b367-0883e1ed74e6")))
		Expect(raw.Context.Headers).To(HaveLen(11))
		Expect(raw.Context.Headers[10]).To(Equal("application/json"))
	})

	It("decodes the /micro/bad schema violation", func() {
		events, err := client.Bad(ctx, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(events).To(HaveLen(1))
		b := events[0]

		cp, err := b.DecodeCollectorPayload()
		Expect(err).NotTo(HaveOccurred())
		Expect(cp).NotTo(BeNil())
		Expect(cp.API.Version).To(Equal("tp2"))
		Expect(cp.Querystring).To(BeEmpty())
		Expect(cp.Body).To(HaveValue(ContainSubstring(`"eid":"36c39024-7b1b-4c2c-ae85-e95a8cb8340a"`)))
		Expect(cp.Context.RefererURI).To(HaveValue(Equal("http://localhost:8000/")))

		raw, err := b.DecodeRawEvent()
		Expect(err).NotTo(HaveOccurred())
		Expect(raw).NotTo(BeNil())
		Expect(raw.Parameters).To(HaveKeyWithValue("aid", HaveValue(Equal("sh0pspr33"))))

		Expect(b.Errors).To(HaveLen(2))
		Expect(b.Errors[0]).To(Equal("Error while validating the event"))
		row, err := b.BadRow()
		Expect(err).NotTo(HaveOccurred())
		var badRow struct {
			Schema string `json:"schema"`
			Data   struct {
				Processor struct{ Artifact, Version string } `json:"processor"`
			} `json:"data"`
		}
		Expect(json.Unmarshal(row, &badRow)).To(Succeed())
		Expect(badRow.Schema).To(Equal("iglu:com.snowplowanalytics.snowplow.badrows/schema_violations/jsonschema/2-0-0"))
		Expect(badRow.Data.Processor.Artifact).To(Equal("snowplow-micro"))
	})

	It("accepts the documented /micro/reset summary", func() {
		Expect(client.Reset(ctx)).To(Succeed())
		Expect(server.last().path).To(Equal("/micro/reset"))
	})

	It("accepts Micro 4's plain-text reset answer", func() {
		server.bodies["/micro/reset"] = []byte("Reset completed")
		Expect(client.Reset(ctx)).To(Succeed())
	})

	It("posts a good filter as JSON", func() {
		_, err := client.Good(ctx, &micro.GoodFilter{Schema: "iglu:com.acme/example/jsonschema/1-0-0", Limit: 10})
		Expect(err).NotTo(HaveOccurred())
		req := server.last()
		Expect(req.method).To(Equal(http.MethodPost))
		Expect(req.contentType).To(Equal("application/json"))
		Expect(req.body).To(MatchJSON(`{"schema":"iglu:com.acme/example/jsonschema/1-0-0","limit":10}`))
	})

	It("posts a bad filter as JSON", func() {
		_, err := client.Bad(ctx, &micro.BadFilter{Vendor: "com.statusgator", Version: "v1"})
		Expect(err).NotTo(HaveOccurred())
		Expect(server.last().body).To(MatchJSON(`{"vendor":"com.statusgator","version":"v1"}`))
	})

	It("names the path and status of a failed request", func() {
		server.status = http.StatusInternalServerError
		_, err := client.Good(ctx, nil)
		var statusErr *micro.StatusError
		Expect(errors.As(err, &statusErr)).To(BeTrue())
		Expect(statusErr.StatusCode).To(Equal(http.StatusInternalServerError))
		Expect(err.Error()).To(ContainSubstring("GET /micro/good"))
		Expect(err.Error()).To(ContainSubstring("500 Internal Server Error"))
	})

	It("names the path of an undecodable response", func() {
		server.bodies["/micro/all"] = []byte("<html>proxy error</html>")
		_, err := client.All(ctx)
		Expect(err).To(MatchError(ContainSubstring("GET /micro/all: decode")))
		Expect(err).To(MatchError(ContainSubstring("proxy error")))
	})
})

var _ = Describe("Documentation filter examples", func() {
	It("decode into GoodFilter", func() {
		var f micro.GoodFilter
		dec := json.NewDecoder(strings.NewReader(string(fixture("good-filter.json"))))
		dec.DisallowUnknownFields()
		Expect(dec.Decode(&f)).To(Succeed())
		Expect(f.Schema).To(Equal("iglu:com.acme/example/jsonschema/1-0-0"))
		Expect(f.Contexts).To(HaveLen(2))
		Expect(f.Limit).To(Equal(10))
	})

	It("decode into BadFilter", func() {
		var f micro.BadFilter
		dec := json.NewDecoder(strings.NewReader(string(fixture("bad-filter.json"))))
		dec.DisallowUnknownFields()
		Expect(dec.Decode(&f)).To(Succeed())
		Expect(f).To(Equal(micro.BadFilter{Vendor: "com.snowplowanalytics.snowplow", Version: "tp2", Limit: 10}))
	})

	It("decodes the iglu not-found example", func() {
		var v struct {
			Value map[string]struct {
				Errors   []map[string]string `json:"errors"`
				Attempts int                 `json:"attempts"`
			} `json:"value"`
		}
		Expect(json.Unmarshal(fixture("iglu-not-found.json"), &v)).To(Succeed())
		Expect(v.Value).To(HaveKey("Iglu Central"))
		Expect(v.Value["Iglu Central"].Errors).To(ContainElement(HaveKeyWithValue("error", "NotFound")))
	})
})

var _ = Describe("Client errors", func() {
	It("rejects a URL without scheme", func() {
		_, err := micro.NewClient("127.0.0.1:9090")
		Expect(err).To(MatchError(ContainSubstring(`"127.0.0.1:9090" is invalid`)))
	})

	It("names the host it cannot reach", func() {
		server := httptest.NewServer(http.NotFoundHandler())
		url := server.URL
		server.Close()
		client, err := micro.NewClient(url)
		Expect(err).NotTo(HaveOccurred())
		_, err = client.All(context.Background())
		Expect(err).To(MatchError(ContainSubstring(strings.TrimPrefix(url, "http://"))))
		Expect(err).To(MatchError(ContainSubstring("GET /micro/all")))
	})

	It("gives up after its timeout", func() {
		release := make(chan struct{})
		server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}))
		DeferCleanup(server.Close)
		DeferCleanup(func() { close(release) })
		client, err := micro.NewClient(server.URL, micro.WithTimeout(50*time.Millisecond))
		Expect(err).NotTo(HaveOccurred())
		_, err = client.Bad(context.Background(), nil)
		Expect(err).To(MatchError(context.DeadlineExceeded))
		Expect(err).To(MatchError(ContainSubstring("GET /micro/bad")))
	})
})
