// Package sender generates StatusGator webhook requests and sends them to a
// collector on vegeta's library.
//
// Contract for other packages (kept stable):
//
//   - Request is one planned HTTP request. Its fields are Name, Format (v1,
//     v2, v3, edge), Method, Path, Query (raw, without '?'), ContentType and
//     Body (nil means no header and no body), EventID (the eid tag, ""
//     when untagged) and Expected, the prediction of adapter.Default() for
//     Payload(). Index is the request's position in the whole plan, the
//     same in every shard. Duplicate and DuplicateOf tell natural and
//     synthetic duplicates apart. Timestamp is the collector timestamp
//     Expected assumes (the plan's start).
//   - Request.Payload returns the adapter.CollectorPayload the request
//     becomes at the collector; Request.HTTPRequest builds the
//     *http.Request for a collector base URL.
//   - Generate(Options) returns the plan as []Request, the same for the
//     same Options; NewGenerator streams it for long runs.
//   - Sender.Send fires a []Request and returns a Report with one
//     RequestResult per request, in input order; Sender.Run fires any
//     Source.
package sender

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unsafe"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/sgkit/sgkit/adapter"
)

// Format is the payload generation of a request.
type Format string

// Formats of generated requests. FormatMixed is an Options value only: each
// request then gets one of v1, v2 and v3.
const (
	FormatV1    Format = "v1"
	FormatV2    Format = "v2"
	FormatV3    Format = "v3"
	FormatEdge  Format = "edge"
	FormatMixed Format = "mixed"
)

// Duplicate is the kind of repetition of an earlier request, if any.
type Duplicate string

// Kinds of duplicates, as snowplow-event-generator names them.
const (
	// NotDuplicate is a fresh request.
	NotDuplicate Duplicate = ""
	// NaturalDuplicate is an earlier request sent again byte for byte, as
	// StatusGator does when it retries a delivery.
	NaturalDuplicate Duplicate = "natural"
	// SyntheticDuplicate reuses an earlier request's eid with a new body.
	SyntheticDuplicate Duplicate = "synthetic"
)

// StatusGatorPath is the collector path that selects enrich's StatusGator
// adapter. Every generated request uses it, except the edge case about an
// unknown version.
const StatusGatorPath = "/com.statusgator/v1"

// Request is one planned HTTP request to a collector.
type Request struct {
	// Index is the position in the whole plan, the same in every shard.
	Index int `json:"index"`
	// Name identifies the request in reports: format, service slug and
	// index for realistic requests, the rule name for edge cases.
	Name   string `json:"name"`
	Format Format `json:"format"`
	Method string `json:"method"`
	// Path is the request path, e.g. /com.statusgator/v1.
	Path string `json:"path"`
	// Query is the raw query string, without the leading '?'.
	Query string `json:"query"`
	// ContentType is the Content-Type header; nil sends none.
	ContentType *string `json:"contentType"`
	// Body is the request body; nil sends none.
	Body *string `json:"body"`
	// EventID is the eid tag in Query; "" when the request is untagged.
	EventID string `json:"eventId,omitempty"`
	// Service is the slug of the service the request reports on.
	Service     string    `json:"service,omitempty"`
	Duplicate   Duplicate `json:"duplicate,omitempty"`
	DuplicateOf int       `json:"duplicateOf,omitempty"`
	// Timestamp is the collector timestamp Expected assumes: the plan's
	// start instant, because the real receipt time is known only after
	// sending. Without one the prediction would have no collector_tstamp
	// and a NULL root_tstamp.
	Timestamp time.Time `json:"timestamp"`
	// Expected is adapter.Default()'s prediction for Payload(); left zero
	// when Options.SkipPredictions is set.
	Expected adapter.Prediction `json:"expected"`
}

// Payload returns the collector payload the request becomes: path, query,
// content type and body as the collector records them, and Timestamp. The
// collector fills in the other metadata, so it is left zero.
func (r Request) Payload() adapter.CollectorPayload {
	cp := adapter.CollectorPayload{
		Path:        r.Path,
		QueryString: r.Query,
		ContentType: r.ContentType,
		Body:        r.Body,
		Timestamp:   r.Timestamp,
	}
	// The stream collector's Routes.scala reads a POST body as text, so a
	// POST without a body is stored as "". It stores a GET or HEAD with
	// neither body nor content type.
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		cp.ContentType, cp.Body = nil, nil
	default:
		if cp.Body == nil {
			cp.Body = ptr("")
		}
	}
	return cp
}

// URL returns the request's URL on a collector base URL such as
// http://127.0.0.1:9090; a path in the base URL is kept as a prefix.
func (r Request) URL(base *url.URL) string {
	var b strings.Builder
	r.writeURL(&b, base)
	return b.String()
}

func (r Request) writeURL(b *strings.Builder, base *url.URL) {
	b.WriteString(base.Scheme)
	b.WriteString("://")
	b.WriteString(base.Host)
	b.WriteString(strings.TrimSuffix(base.EscapedPath(), "/"))
	b.WriteString(r.Path)
	if r.Query != "" {
		b.WriteByte('?')
		b.WriteString(r.Query)
	}
}

// HTTPRequest returns the *http.Request for a collector base URL.
func (r Request) HTTPRequest(ctx context.Context, base *url.URL) (*http.Request, error) {
	var body io.Reader
	if r.Body != nil {
		body = strings.NewReader(*r.Body)
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, r.URL(base), body)
	if err != nil {
		return nil, fmt.Errorf("build request %s: %w", r.Name, err)
	}
	if r.ContentType != nil {
		req.Header.Set("Content-Type", *r.ContentType)
	}
	return req, nil
}

// target returns the vegeta target of one attempt. The fragment
// "#seq.attempt" ties each vegeta Result back to the request and attempt.
// Go's client writes URL.RequestURI() on the request line, which has no
// fragment, so the collector receives exactly Path and Query.
func (r Request) target(base *url.URL, seq, attempt int) vegeta.Target {
	var u strings.Builder
	u.Grow(len(base.Scheme) + len(base.Host) + len(base.Path) + len(r.Path) + len(r.Query) + 32)
	r.writeURL(&u, base)
	u.WriteByte('#')
	u.WriteString(strconv.Itoa(seq))
	u.WriteByte('.')
	u.WriteString(strconv.Itoa(attempt))

	t := vegeta.Target{Method: r.Method, URL: u.String()}
	if r.Body != nil {
		// The target shares the body's memory instead of copying it:
		// vegeta (v12.13.0, Target.Request) only wraps it in a
		// bytes.Reader, so nothing writes to the bytes.
		t.Body = unsafe.Slice(unsafe.StringData(*r.Body), len(*r.Body))
	}
	if r.ContentType != nil {
		t.Header = contentTypeHeader(*r.ContentType)
	}
	return t
}

// Headers of the two content types StatusGator sends, shared by every
// target: vegeta copies a target's headers into each request and never
// writes to them.
var (
	formHeader = http.Header{"Content-Type": {ContentTypeForm}}
	jsonHeader = http.Header{"Content-Type": {ContentTypeJSON}}
)

func contentTypeHeader(contentType string) http.Header {
	switch contentType {
	case ContentTypeForm:
		return formHeader
	case ContentTypeJSON:
		return jsonHeader
	}
	return http.Header{"Content-Type": {contentType}}
}

// parseFragment returns the sequence number and attempt of a target URL
// built by target.
func parseFragment(rawURL string) (seq, attempt int, ok bool) {
	hash := strings.LastIndexByte(rawURL, '#')
	if hash < 0 {
		return 0, 0, false
	}
	s, a, found := strings.Cut(rawURL[hash+1:], ".")
	if !found {
		return 0, 0, false
	}
	seq, err1 := strconv.Atoi(s)
	attempt, err2 := strconv.Atoi(a)
	return seq, attempt, err1 == nil && err2 == nil
}

// ParseCollectorURL checks a collector base URL: http or https, a host,
// and no query or fragment.
func ParseCollectorURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("invalid collector URL %q: %v; give a URL such as http://127.0.0.1:9090", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("invalid collector URL %q: scheme must be http or https, as in http://127.0.0.1:9090", raw)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("invalid collector URL %q: missing host, as in http://127.0.0.1:9090", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("invalid collector URL %q: remove the query, fragment and user info; the sender adds the path and query itself", raw)
	}
	return u, nil
}

func ptr(s string) *string { return &s }
