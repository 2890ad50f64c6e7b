package collector

import (
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/sgkit/sgkit/adapter"
)

// collectorPayloadSchema is the Iglu URI the collector writes into every
// Thrift CollectorPayload.
const collectorPayloadSchema = "iglu:com.snowplowanalytics.snowplow/CollectorPayload/thrift/1-0-0"

// unknownIP is what stream collector 3.4.0 (Service.ipAndPartitionKey)
// records when it cannot tell the client address.
const unknownIP = "unknown"

// buildPayload records one request as stream collector 3.4.0's
// Service.cookie does: path /vendor/version, the raw query string, the
// Content-Type header as sent (nil when absent), the body (always set for
// POST, even when empty; nil for GET), and the request metadata.
func (h *Handler) buildPayload(r *http.Request, vendor, version string, body *string) adapter.CollectorPayload {
	cp := adapter.CollectorPayload{
		Path:        "/" + vendor + "/" + version,
		QueryString: r.URL.RawQuery,
		Body:        body,
		Timestamp:   h.cfg.now().UTC().Truncate(1e6), // System.currentTimeMillis
		IPAddress:   clientIP(r),
		UserAgent:   r.Header.Get("User-Agent"),
		RefererURI:  r.Header.Get("Referer"),
	}
	if values, ok := r.Header["Content-Type"]; ok && len(values) > 0 {
		ct := values[0]
		cp.ContentType = &ct
	}
	cp.Headers = requestHeaders(r)
	cp.NetworkUserID = h.networkUserID(r)
	return cp
}

// networkUserID is Service.networkUserId: the nuid query parameter, else
// the collector cookie, else a new random UUID.
func (h *Handler) networkUserID(r *http.Request) string {
	if nuid, ok := r.URL.Query()["nuid"]; ok && len(nuid) > 0 {
		return nuid[0]
	}
	if c, err := r.Cookie(h.cfg.cookieName); err == nil {
		return c.Value
	}
	return uuid.NewString()
}

// clientIP is http4s' Request.from, which the collector records: the first
// X-Forwarded-For address when the header is present, else the peer.
func clientIP(r *http.Request) string {
	if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
		first, _, _ := strings.Cut(xff, ",")
		if ip := strings.TrimSpace(first); net.ParseIP(ip) != nil {
			return ip
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil || host == "" {
		return unknownIP
	}
	return host
}

// requestHeaders renders the request headers as "Name: value" strings, as
// Service.headers does, with a Cookie header reduced by Rfc6265Cookie.parse.
//
// NOTE: http4s keeps the order and spelling of the header names as sent;
// net/http only has them canonicalised in a map, so sgkit lists Host first
// and the others sorted by name.
func requestHeaders(r *http.Request) []string {
	out := []string{"Host: " + r.Host}
	names := make([]string, 0, len(r.Header))
	for name := range r.Header {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		for _, value := range r.Header[name] {
			if name == "Cookie" {
				if parsed, ok := parseRFC6265Cookie(value); ok {
					out = append(out, "Cookie: "+parsed)
				}
				continue
			}
			out = append(out, name+": "+value)
		}
	}
	return out
}

// parseRFC6265Cookie is stream collector 3.4.0's Rfc6265Cookie.parse: drop
// the spaces, then every ';'-separated part holding a character outside
// RFC 6265's cookie-octet set or '='.
func parseRFC6265Cookie(raw string) (string, bool) {
	parts := strings.Split(strings.ReplaceAll(raw, " ", ""), ";")
	// Java's String.split drops trailing empty strings.
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	kept := parts[:0]
	for _, p := range parts {
		if strings.IndexFunc(p, func(c rune) bool { return !cookieChar(c) }) < 0 {
			kept = append(kept, p)
		}
	}
	s := strings.Join(kept, ";")
	return s, s != ""
}

func cookieChar(c rune) bool {
	return c == 0x21 || (c >= 0x23 && c <= 0x2b) || (c >= 0x2d && c <= 0x3a) ||
		(c >= 0x3c && c <= 0x5b) || (c >= 0x5d && c <= 0x7e)
}

// thriftFields lists a payload's fields as the collector's Thrift
// CollectorPayload holds them (Service.buildEvent), in IDL order. Optional
// fields the collector leaves unset are nil.
type thriftFields struct {
	ipAddress     string
	timestamp     int64
	collector     string
	userAgent     *string
	refererURI    *string
	path          string
	querystring   string
	body          *string
	headers       []string
	contentType   *string
	hostname      *string
	networkUserID string
}

// thriftSize returns the length of the payload serialised with Thrift's
// binary protocol (TSerializer's default), the size that stream collector
// 3.4.0's SplitBatch compares with maxPayloadSize. Each field costs a 3-byte
// header; a string a 4-byte length plus its UTF-8 bytes; an i64 8 bytes; a
// list 5 bytes plus its strings; the struct ends with a 1-byte stop.
func (f thriftFields) thriftSize() int {
	str := func(s string) int { return 3 + 4 + len(s) }
	opt := func(s *string) int {
		if s == nil {
			return 0
		}
		return str(*s)
	}
	n := str(collectorPayloadSchema) + str(f.ipAddress) + (3 + 8) + str("UTF-8") + str(f.collector)
	n += opt(f.userAgent) + opt(f.refererURI) + str(f.path) + str(f.querystring) + opt(f.body)
	n += 3 + 1 + 4
	for _, h := range f.headers {
		n += 4 + len(h)
	}
	n += opt(f.contentType) + opt(f.hostname) + str(f.networkUserID)
	return n + 1
}

// String is the Thrift-generated CollectorPayload.toString, which the
// collector cuts to a tenth of the limit and stores in a size_violation
// bad row.
func (f thriftFields) String() string {
	var b strings.Builder
	field := func(name, value string) {
		if b.Len() > len("CollectorPayload(") {
			b.WriteString(", ")
		}
		b.WriteString(name + ":" + value)
	}
	optField := func(name string, value *string) {
		if value != nil {
			field(name, *value)
		}
	}
	b.WriteString("CollectorPayload(")
	field("schema", collectorPayloadSchema)
	field("ipAddress", f.ipAddress)
	field("timestamp", strconv.FormatInt(f.timestamp, 10))
	field("encoding", "UTF-8")
	field("collector", f.collector)
	optField("userAgent", f.userAgent)
	optField("refererUri", f.refererURI)
	field("path", f.path)
	field("querystring", f.querystring)
	optField("body", f.body)
	// java.util.List.toString
	field("headers", "["+strings.Join(f.headers, ", ")+"]")
	optField("contentType", f.contentType)
	optField("hostname", f.hostname)
	field("networkUserId", f.networkUserID)
	b.WriteString(")")
	return b.String()
}

// thriftOf returns the Thrift fields of cp as the collector fills them:
// the stored content type also ends the header list, because
// Service.buildEvent appends it there.
func thriftOf(cp adapter.CollectorPayload, collectorName string, storedContentType *string) thriftFields {
	f := thriftFields{
		ipAddress:     cp.IPAddress,
		timestamp:     cp.Timestamp.UnixMilli(),
		collector:     collectorName,
		path:          cp.Path,
		querystring:   cp.QueryString,
		body:          cp.Body,
		headers:       cp.Headers,
		contentType:   storedContentType,
		networkUserID: cp.NetworkUserID,
	}
	if storedContentType != nil {
		f.headers = append(slices.Clip(cp.Headers), *storedContentType)
	}
	if cp.UserAgent != "" {
		f.userAgent = &cp.UserAgent
	}
	if cp.RefererURI != "" {
		f.refererURI = &cp.RefererURI
	}
	if cp.Hostname != "" {
		f.hostname = &cp.Hostname
	}
	return f
}
