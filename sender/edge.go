package sender

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/brianvoe/gofakeit/v6"
)

// edgeCase is one request of the edge corpus: a v1 webhook bent to hit
// exactly one collector, adapter, validation or warehouse rule.
type edgeCase struct {
	// name is short and stable; reports and fixtures refer to it.
	name string
	// rule is the behaviour the case exercises.
	rule string
	// method is POST unless set.
	method      string
	path        string
	query       string
	contentType *string
	body        *string
	// eid replaces the generated eid tag, for the cases about eid itself.
	eid *string
}

// formField is one name=value token of a form body. raw is the value as it
// appears in the body, already escaped or deliberately not; bare writes
// the name without '='.
type formField struct {
	name, raw string
	bare      bool
}

type form []formField

func (f form) String() string {
	var b strings.Builder
	for i, field := range f {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(field.name)
		if !field.bare {
			b.WriteByte('=')
			b.WriteString(field.raw)
		}
	}
	return b.String()
}

// set returns a copy of f with the field's raw value replaced.
func (f form) set(name, raw string) form {
	out := append(form(nil), f...)
	for i := range out {
		if out[i].name == name {
			out[i].raw = raw
		}
	}
	return out
}

// without returns a copy of f without the named fields.
func (f form) without(names ...string) form {
	var out form
	for _, field := range f {
		drop := false
		for _, n := range names {
			drop = drop || field.name == n
		}
		if !drop {
			out = append(out, field)
		}
	}
	return out
}

// edgeBase is the valid v1 change every edge case starts from: Cloudflare
// going from warn to up at the plan's start, as in enrich's spec body.
func edgeBase(start time.Time) form {
	change := StatusChange{
		Service: Service{
			Name:          "Cloudflare",
			Slug:          "cloudflare",
			HomePageURL:   "http://www.cloudflare.com",
			StatusPageURL: "https://www.cloudflarestatus.com/",
		},
		Last:       StatusWarn,
		Current:    StatusUp,
		OccurredAt: start.UTC().Truncate(time.Second),
	}
	body := EncodeV1(change)
	var f form
	for _, token := range strings.Split(body, "&") {
		name, raw, _ := strings.Cut(token, "=")
		f = append(f, formField{name: name, raw: raw})
	}
	return f
}

// edgeCases returns one case per rule of the collector (stream collector
// 3.x), enrich's StatusGator adapter and loader, Iglu validation
// (networknt 1.0.76 formats) and the Redshift table.
func edgeCases(opts Options) []edgeCase {
	base := edgeBase(opts.Start)
	formType := ContentTypeForm
	at := opts.Start.UTC().Truncate(time.Second)

	// pad fills a field so the body exceeds the collector's limit.
	pad := strings.Repeat("a", opts.MaxBodyBytes)

	cases := []edgeCase{
		// Collector.
		{name: "content-type-charset", rule: "a charset parameter is stored lowercased and fails the adapter's exact content type check",
			contentType: ptr("application/x-www-form-urlencoded; charset=UTF-8"), body: ptr(base.String())},
		{name: "content-type-charset-no-space", rule: "http4s renders ;charset=UTF-8 as '; charset=utf-8' before the adapter sees it",
			contentType: ptr("application/x-www-form-urlencoded;charset=UTF-8"), body: ptr(base.String())},
		{name: "content-type-upper-case", rule: "the collector lowercases the media type, so an upper-case one passes",
			contentType: ptr("Application/X-WWW-Form-Urlencoded"), body: ptr(base.String())},
		{name: "content-type-unparseable", rule: "a content type http4s cannot parse counts as none",
			contentType: ptr("form-urlencoded"), body: ptr(base.String())},
		{name: "body-over-limit", rule: "a payload of at least the sink's maxBytes that the collector cannot split (a form body is not JSON) becomes a size_violation bad row",
			contentType: &formType, body: ptr(base.String() + "&padding=" + pad)},

		// Adapter checks, in enrich's order.
		{name: "body-absent", rule: "check 1: no body; only a GET reaches the adapter without one, as the collector stores a POST's body even when empty",
			method: http.MethodGet},
		{name: "body-empty", rule: "check 1: empty body", contentType: &formType, body: ptr("")},
		{name: "content-type-absent", rule: "check 2: no content type", body: ptr(base.String())},
		{name: "content-type-json", rule: "check 3: any other content type",
			contentType: ptr(ContentTypeJSON), body: ptr(base.String())},
		{name: "body-json", rule: "check 4: '{' is illegal in a URI query (index 18 is the body's first character)",
			contentType: &formType, body: ptr(`{"service_name":"Cloudflare","current_status":"up"}`)},
		{name: "body-raw-space", rule: "check 4: an unencoded space is illegal",
			contentType: &formType, body: ptr(base.set("service_name", "Amazon Web Services").String())},
		{name: "body-nbsp", rule: "check 4: U+00A0, a Unicode space separator, is illegal",
			contentType: &formType, body: ptr(base.set("service_name", "Amazon\u00a0Web").String())},
		{name: "body-tab", rule: "check 4: a tab is illegal; the bad row message shows it as four spaces",
			contentType: &formType, body: ptr(base.set("service_name", "Cloud\tflare").String())},
		{name: "body-pipe", rule: "check 4: '|' is illegal",
			contentType: &formType, body: ptr(base.set("service_name", "Cloud|flare").String())},
		{name: "body-malformed-escape", rule: "check 4: '%' without two hex digits is a malformed escape pair",
			contentType: &formType, body: ptr(base.set("service_name", "Uptime+100%").String())},

		// Decoding.
		{name: "body-hash", rule: "'#' starts the URI fragment, so every field after it is dropped",
			contentType: &formType, body: ptr(base.set("service_name", "C#Cloud").String())},
		{name: "body-semicolon", rule: "';' separates fields as '&' does",
			contentType: &formType, body: ptr(base.set("service_name", "Cloud;flare").String())},
		{name: "body-raw-non-ascii", rule: "an unencoded non-ASCII character is cut to one byte and decodes to U+FFFD",
			contentType: &formType, body: ptr(base.set("service_name", "Café").String())},
		{name: "body-encoded-non-ascii", rule: "percent-encoded UTF-8 decodes to the character",
			contentType: &formType, body: ptr(base.set("service_name", "Caf%C3%A9").String())},
		{name: "field-valueless", rule: "a token without '=' gives null",
			contentType: &formType, body: ptr(append(base.without("last_status"), formField{name: "last_status", bare: true}).String())},
		{name: "field-missing", rule: "no field is required",
			contentType: &formType, body: ptr(base.without("favicon_url", "last_status").String())},
		{name: "field-empty-name", rule: "a token with an empty name is skipped",
			contentType: &formType, body: ptr(append(base, formField{name: "", raw: "orphan"}).String())},
		{name: "field-repeated", rule: "a repeated name keeps its last value",
			contentType: &formType, body: ptr(append(base, formField{name: "current_status", raw: "down"}).String())},
		{name: "field-unknown", rule: "an extra field is camelCased and allowed by the schema",
			contentType: &formType, body: ptr(append(base, formField{name: "incident_id-ref", raw: "42"}).String())},

		// Query string and path.
		{name: "query-platform", rule: "p in the query string overrides the srv platform", query: "p=web",
			contentType: &formType, body: ptr(base.String())},
		{name: "query-platform-invalid", rule: "p must be one of enrich's platform codes", query: "p=watch",
			contentType: &formType, body: ptr(base.String())},
		{name: "query-extra-parameter", rule: "query parameters other than nuid, aid, cv, eid, ttm and url are dropped",
			query: "source=statusgator&cv=sgkit-edge", contentType: &formType, body: ptr(base.String())},
		{name: "query-illegal-character", rule: "an illegal query character fails the loader: collector_payload_format_violation",
			query: "source=a|b", contentType: &formType, body: ptr(base.String())},
		{name: "query-eid-upper-case", rule: "an upper-case UUID is accepted and lowercased",
			contentType: &formType, body: ptr(base.String()), eid: ptr("0F1E2D3C-4B5A-4978-8796-A5B4C3D2E1F0")},
		{name: "query-eid-invalid", rule: "an eid that is not a canonical UUID fails enrich",
			contentType: &formType, body: ptr(base.String()), eid: ptr("not-a-uuid")},
		{name: "path-unknown-version", rule: "no adapter serves com.statusgator/v2", path: "/com.statusgator/v2",
			contentType: &formType, body: ptr(base.String())},

		// Iglu validation.
		{name: "service-name-129-chars", rule: "maxLength 128 counts characters",
			contentType: &formType, body: ptr(base.set("service_name", strings.Repeat("a", 129)).String())},
		{name: "favicon-empty", rule: "the empty string is not a URI",
			contentType: &formType, body: ptr(base.set("favicon_url", "").String())},
		{name: "favicon-non-ascii", rule: "format uri accepts ASCII only",
			contentType: &formType, body: ptr(base.set("favicon_url", url.QueryEscape("https://exämple.com/favicon.ico")).String())},
		{name: "occurred-at-space", rule: "ethlo accepts a space as the date-time separator",
			contentType: &formType, body: ptr(base.set("occurred_at", url.QueryEscape(at.Format("2006-01-02 15:04:05-07:00"))).String())},
		{name: "occurred-at-no-seconds", rule: "seconds are required",
			contentType: &formType, body: ptr(base.set("occurred_at", url.QueryEscape(at.Format("2006-01-02T15:04-07:00"))).String())},
		{name: "occurred-at-negative-zero", rule: "the offset -00:00 is rejected",
			contentType: &formType, body: ptr(base.set("occurred_at", url.QueryEscape(at.Format("2006-01-02T15:04:05")+"-00:00")).String())},
		{name: "occurred-at-z", rule: "a Z suffix is a valid offset",
			contentType: &formType, body: ptr(base.set("occurred_at", url.QueryEscape(at.Format("2006-01-02T15:04:05Z"))).String())},

		// Warehouse.
		{name: "service-name-128-multibyte", rule: "128 two-byte characters pass maxLength but exceed VARCHAR(128) bytes",
			contentType: &formType, body: ptr(base.set("service_name", strings.Repeat("%C3%A9", 128)).String())},
		{name: "occurred-at-non-utc", rule: "TIMESTAMP without time zone drops the offset, shifting the instant",
			contentType: &formType, body: ptr(base.set("occurred_at", url.QueryEscape(at.In(time.FixedZone("", -4*3600)).Format(occurredAtLayout))).String())},
	}
	for i := range cases {
		if cases[i].path == "" {
			cases[i].path = StatusGatorPath
		}
		if cases[i].method == "" {
			cases[i].method = http.MethodPost
		}
	}
	return cases
}

// EdgeCaseNames returns the names of the edge corpus in plan order.
func EdgeCaseNames() []string {
	cases := edgeCases(Options{Start: time.Unix(0, 0), MaxBodyBytes: 1})
	names := make([]string, len(cases))
	for i, c := range cases {
		names[i] = c.name
	}
	return names
}

// nextEdge returns the shard's next edge request. A Count beyond the number
// of rules repeats them in order with fresh eids.
func (g *Generator) nextEdge() (Request, error) {
	count := g.opts.Count
	if count == 0 {
		count = len(g.edge)
	}
	for {
		if g.position >= count {
			return Request{}, ErrPlanDone
		}
		index := g.position
		g.position++
		if !g.opts.Shard.owns(index) {
			continue
		}
		return g.edgeRequest(index)
	}
}

func (g *Generator) edgeRequest(index int) (Request, error) {
	c := g.edge[index%len(g.edge)]
	// Each position has its own faker, so a shard's eids match the whole plan's.
	eid := newUUID(gofakeit.NewUnlocked(mix(g.opts.Seed, -1-int64(index))).Rand)

	r := Request{
		Index:       index,
		Name:        c.name,
		Format:      FormatEdge,
		Method:      c.method,
		Path:        c.path,
		Timestamp:   g.timestamp,
		ContentType: c.contentType,
		Body:        c.body,
	}
	if index >= len(g.edge) {
		r.Name = fmt.Sprintf("%s-%d", c.name, index/len(g.edge))
	}
	if c.eid != nil {
		// The case is about eid itself: it is sent even with tagging off.
		query := "eid=" + *c.eid
		if c.query != "" {
			query = c.query + "&" + query
		}
		r.Query = query
		r.EventID = *c.eid
		if !g.opts.NoTag {
			r.Query += "&aid=" + g.aid
		}
	} else {
		g.tag(&r, c.query, eid)
	}
	if err := g.predict(&r); err != nil {
		return Request{}, err
	}
	return r, nil
}
