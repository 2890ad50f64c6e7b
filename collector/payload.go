package collector

import (
	"net"
	"net/http"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/sgkit/sgkit/adapter"
)

// anonymousNUID is the network user id the collector records for a request
// with the SP-Anonymous header (Service.spAnonymousNuid).
const anonymousNUID = "00000000-0000-0000-0000-000000000000"

// unknownIP is the address stream collector 3.4.0 records when it cannot
// tell the client's (Service.ipAndPartitionKey).
const unknownIP = "unknown"

// buildPayload records one request as stream collector 3.4.0's
// Service.cookie does: path /vendor/version, the raw query string, the
// Content-Type header as sent (nil when absent), the body and the request
// metadata. The body is always set for POST, even when empty, and nil for
// GET.
func (h *Handler) buildPayload(r *http.Request, vendor, version string, body *string) adapter.CollectorPayload {
	cp := adapter.CollectorPayload{
		Path:        "/" + vendor + "/" + version,
		Collector:   h.src.name,
		QueryString: r.URL.RawQuery,
		Body:        body,
		Timestamp:   h.cfg.now().UTC().Truncate(1e6), // System.currentTimeMillis
		IPAddress:   unknownIP,
		UserAgent:   r.Header.Get("User-Agent"),
		RefererURI:  r.Header.Get("Referer"),
	}
	if values, ok := r.Header["Content-Type"]; ok && len(values) > 0 {
		ct := values[0]
		cp.ContentType = &ct
	}
	// SP-Anonymous (Service.cookie) hides the client: no IP address, the
	// all-zero network user id, and no X-Forwarded-For, X-Real-Ip or Cookie
	// header in the recorded list.
	anonymous := isAnonymous(r)
	if !anonymous {
		cp.IPAddress = clientIP(r)
	}
	cp.Headers = requestHeaders(r, anonymous)
	cp.NetworkUserID = anonymousNUID
	if !anonymous {
		cp.NetworkUserID = h.networkUserID(r)
	}
	return cp
}

func isAnonymous(r *http.Request) bool {
	_, ok := r.Header["Sp-Anonymous"]
	return ok
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
// NOTE: http4s keeps the order and spelling of the header names as sent,
// but net/http only has them canonicalised in a map. So sgkit lists Host
// first and the others sorted by name.
func requestHeaders(r *http.Request, anonymous bool) []string {
	out := []string{"Host: " + r.Host}
	names := make([]string, 0, len(r.Header))
	for name := range r.Header {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if anonymous && (name == "X-Forwarded-For" || name == "X-Real-Ip" || name == "Cookie") {
			continue
		}
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
// the spaces, then every ';'-separated part with a character outside
// RFC 6265's cookie-octet set.
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
