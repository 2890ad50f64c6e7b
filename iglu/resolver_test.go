package iglu_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sgkit/sgkit/iglu"
)

const vendorSchema = `{
	"$schema": "http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#",
	"self": {"vendor": "com.acme", "name": "ping", "format": "jsonschema", "version": "1-0-0"},
	"type": "object",
	"properties": {"id": {"type": "string", "maxLength": 3}},
	"required": ["id"]
}`

var pingKey = iglu.MustParseURI("iglu:com.acme/ping/jsonschema/1-0-0")

// registry is a loopback HTTP server that serves an Iglu static repository
// under /schemas/ and an Iglu Server API under /api/schemas/, the latter
// only to requests with the apikey header "secret".
type registry struct {
	server   *httptest.Server
	requests atomic.Int32
	// release, when set, holds every request until it is closed.
	release chan struct{}
}

func newRegistry() *registry {
	r := &registry{}
	r.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.requests.Add(1)
		if r.release != nil {
			select {
			case <-r.release:
			case <-req.Context().Done():
				return
			}
		}
		path := req.URL.Path
		if strings.HasPrefix(path, "/api/") {
			if req.Header.Get("apikey") != "secret" {
				http.Error(w, `{"message":"Not authorized"}`, http.StatusUnauthorized)
				return
			}
			path = strings.TrimPrefix(path, "/api")
		}
		if path != "/schemas/"+pingKey.Path() {
			http.NotFound(w, req)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(vendorSchema))
	}))
	DeferCleanup(func() {
		if r.release != nil {
			close(r.release)
		}
		r.server.Close()
	})
	return r
}

var _ = Describe("Resolver", func() {
	ctx := context.Background()

	It("resolves the embedded status_change schema", func() {
		schema, err := iglu.NewResolver(iglu.Embedded()).Resolve(ctx, iglu.MustParseURI("iglu:com.statusgator/status_change/jsonschema/1-0-0"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(schema)).To(ContainSubstring(`"occurredAt"`))
	})

	It("falls back from the embedded repository to a static registry", func() {
		reg := newRegistry()
		schema, err := iglu.NewResolver(iglu.Embedded(), iglu.StaticRegistry(reg.server.URL)).Resolve(ctx, pingKey)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(schema)).To(Equal(vendorSchema))
	})

	It("prefers the embedded repository", func() {
		reg := newRegistry()
		r := iglu.NewResolver(iglu.Embedded(), iglu.StaticRegistry(reg.server.URL))
		_, err := r.Resolve(ctx, iglu.MustParseURI("iglu:com.statusgator/status_change/jsonschema/1-0-0"))
		Expect(err).NotTo(HaveOccurred())
		Expect(reg.requests.Load()).To(BeZero())
	})

	It("sends the API key to an Iglu Server", func() {
		reg := newRegistry()
		schema, err := iglu.NewResolver(iglu.ServerRegistry(reg.server.URL, "secret")).Resolve(ctx, pingKey)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(schema)).To(Equal(vendorSchema))
	})

	It("does not send the API key to another host on a redirect", func() {
		// Two loopback servers: localhost and 127.0.0.1 are different hosts
		// to Go's client, as two registries would be.
		var leaked atomic.Value
		other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			leaked.Store(req.Header.Get("apikey"))
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(vendorSchema))
		}))
		DeferCleanup(other.Close)
		redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			http.Redirect(w, req, strings.Replace(other.URL, "127.0.0.1", "localhost", 1)+req.URL.Path, http.StatusFound)
		}))
		DeferCleanup(redirector.Close)

		_, err := iglu.NewResolver(iglu.ServerRegistry(redirector.URL, "secret")).Resolve(ctx, pingKey)
		Expect(err).To(MatchError(ContainSubstring("redirected to http://localhost:")))
		Expect(err).To(MatchError(ContainSubstring("another host")))
		Expect(leaked.Load()).To(BeNil(), "the other host got a request")
	})

	It("follows a redirect on the same host with the API key", func() {
		reg := newRegistry()
		moved := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if !strings.HasPrefix(req.URL.Path, "/old/") {
				reg.server.Config.Handler.ServeHTTP(w, req)
				return
			}
			http.Redirect(w, req, strings.TrimPrefix(req.URL.Path, "/old"), http.StatusMovedPermanently)
		}))
		DeferCleanup(moved.Close)
		schema, err := iglu.NewResolver(iglu.ServerRegistry(moved.URL+"/old", "secret")).Resolve(ctx, pingKey)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(schema)).To(Equal(vendorSchema))
	})

	It("reports a rejected API key", func() {
		reg := newRegistry()
		_, err := iglu.NewResolver(iglu.ServerRegistry(reg.server.URL, "wrong")).Resolve(ctx, pingKey)
		var resolution *iglu.ResolutionError
		Expect(errors.As(err, &resolution)).To(BeTrue())
		Expect(resolution.NotFound()).To(BeFalse())
		Expect(err).To(MatchError(ContainSubstring("HTTP 401")))
		Expect(err).To(MatchError(ContainSubstring("API key")))
	})

	It("names the URI and every place it looked when a schema is missing", func() {
		reg := newRegistry()
		missing := iglu.MustParseURI("iglu:com.acme/missing/jsonschema/1-0-0")
		_, err := iglu.NewResolver(iglu.Embedded(), iglu.StaticRegistry(reg.server.URL)).Resolve(ctx, missing)
		var resolution *iglu.ResolutionError
		Expect(errors.As(err, &resolution)).To(BeTrue())
		Expect(resolution.NotFound()).To(BeTrue())
		Expect(err).To(MatchError(ContainSubstring("iglu:com.acme/missing/jsonschema/1-0-0")))
		Expect(err).To(MatchError(ContainSubstring("schemas/com.acme/missing/jsonschema/1-0-0")))
		Expect(err).To(MatchError(ContainSubstring(reg.server.URL + "/schemas/com.acme/missing/jsonschema/1-0-0")))
		Expect(err).To(MatchError(ContainSubstring("HTTP 404")))
	})

	It("times out on a registry that does not answer", func() {
		reg := newRegistry()
		reg.release = make(chan struct{})
		repo := iglu.StaticRegistry(reg.server.URL)
		repo.Timeout = 50 * time.Millisecond
		_, err := iglu.NewResolver(repo).Resolve(ctx, pingKey)
		Expect(err).To(MatchError(ContainSubstring("timed out after 50ms")))
		Expect(errors.Is(err, iglu.ErrNotFound)).To(BeFalse())
	})

	It("caches a resolved schema", func() {
		reg := newRegistry()
		r := iglu.NewResolver(iglu.StaticRegistry(reg.server.URL))
		for range 3 {
			_, err := r.Resolve(ctx, pingKey)
			Expect(err).NotTo(HaveOccurred())
		}
		Expect(reg.requests.Load()).To(BeEquivalentTo(1))
	})
})
