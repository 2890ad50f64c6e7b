// Package collector is sgkit's embedded collector. It reproduces the HTTP
// behaviour of a Snowplow stream collector (3.4.0) in front of sgkit's
// reference model of enrich. The results are kept in a bounded in-memory
// store and served through Snowplow Micro's REST API (4.5.2), so the same
// client and suites run against it or against a real Micro.
package collector

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sgkit/sgkit/adapter"
)

// cookieExpiration is the collector's cookie.expiration default.
const cookieExpiration = 365 * 24 * time.Hour

// corsMaxAge is the collector's cors.accessControlMaxAge default, in seconds.
const corsMaxAge = "3600"

// pixel is the 1x1 GIF the collector returns for GET requests
// (Service.pixel).
var pixel, _ = base64.StdEncoding.DecodeString("R0lGODlhAQABAPAAAP///wAAACH5BAUAAAAALAAAAAABAAEAAAICRAEAOw==")

// source names this collector and its enrich model in the events it stores,
// in the shapes Snowplow uses: "{shortName}-{version}-{sink}" for the
// collector and "{artifact}-{version}" for enrich's v_etl.
type source struct {
	name string
	etl  string
}

// defaultSource uses the adapter's names, so that the collector name in
// Micro's JSON and in the adapter's bad rows agree.
var defaultSource = source{name: adapter.DefaultCollectorName, etl: adapter.Artifact + "-" + adapter.Version}

// Stats are counters of a Handler since it was built.
type Stats struct {
	// Received is the number of good events and bad rows added to the store,
	// including those dropped later.
	Received uint64 `json:"received"`
	// Dropped is the number of stored events and bad rows that were
	// removed, oldest first, because the store was full.
	Dropped uint64 `json:"dropped"`
	// OutsideModel is the number of payloads the model could not predict.
	// They got a 200 response, as from a collector, and were logged but not
	// stored. LastOutsideModel is the latest reason.
	OutsideModel     uint64 `json:"outsideModel"`
	LastOutsideModel string `json:"lastOutsideModel,omitempty"`
	// Oversized is the number of requests rejected with 413 because their
	// body was above twice the maximum payload size.
	Oversized uint64 `json:"oversized"`
}

// Handler is the embedded collector as an http.Handler: collector routes,
// Micro's /micro API and sgkit's /sgkit/stats. It is safe for concurrent
// use.
type Handler struct {
	cfg       config
	log       *slog.Logger
	predictor Predictor
	src       source
	store     *store

	outsideModel atomic.Uint64
	oversized    atomic.Uint64
	lastMu       sync.Mutex
	lastOutside  string
}

// NewHandler returns a collector handler; see the Option functions for the
// defaults.
func NewHandler(opts ...Option) (*Handler, error) {
	cfg := defaultConfig()
	for _, opt := range opts {
		opt(&cfg)
	}
	if cfg.maxPayloadSize <= 0 || cfg.maxPayloadSize > MaxPayloadSizeLimit {
		return nil, fmt.Errorf("maximum payload size %d is invalid: want 1 to %d bytes", cfg.maxPayloadSize, int64(MaxPayloadSizeLimit))
	}
	if cfg.capacity <= 0 {
		return nil, fmt.Errorf("store capacity %d is invalid: want a positive number of events", cfg.capacity)
	}
	if cfg.requestTimeout <= 0 {
		return nil, fmt.Errorf("request timeout %s is invalid: want a positive duration", cfg.requestTimeout)
	}
	if cfg.cookieName == "" || strings.ContainsAny(cfg.cookieName, " ;=,\t\r\n") {
		return nil, fmt.Errorf("cookie name %q is invalid: want a non-empty token without spaces, ';', ',' or '='", cfg.cookieName)
	}
	if cfg.logger == nil {
		cfg.logger = slog.New(slog.DiscardHandler)
	}
	h := &Handler{cfg: cfg, log: cfg.logger, predictor: cfg.predictor, src: defaultSource, store: newStore(cfg.capacity)}
	if h.predictor == nil {
		// The limit is the sink's maxBytes; the model then writes the
		// size_violation the collector writes, message included.
		p := adapter.Default()
		p.MaxBytes = int(cfg.maxPayloadSize)
		p.MaxPayloadSize = max(p.MaxPayloadSize, cfg.maxPayloadSize)
		h.predictor = p
	}
	return h, nil
}

// Stats returns the handler's counters.
func (h *Handler) Stats() Stats {
	dropped, received := h.store.counters()
	h.lastMu.Lock()
	last := h.lastOutside
	h.lastMu.Unlock()
	return Stats{
		Received:         received,
		Dropped:          dropped,
		OutsideModel:     h.outsideModel.Load(),
		LastOutsideModel: last,
		Oversized:        h.oversized.Load(),
	}
}

// robotsTxt is the body of the collector's GET /robots.txt
// (Routes.health, stream collector 3.4.0).
const robotsTxt = "User-agent: *\nDisallow: /\n\nUser-agent: Googlebot\nDisallow: /\n\nUser-agent: AdsBot-Google\nDisallow: /"

// ServeHTTP routes a request the way Micro 4.5.2 combines its routes
// (Run.scala: microRoutes <+> collectorRoutes.value <+> collectorRoutes.health):
// /micro first, then the collector's Routes.value with the default
// enableDefaultRedirect = false (rejectRedirect, CORS, cookie routes),
// then the health routes.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	get := r.Method == http.MethodGet
	switch {
	case path == "/micro" || strings.HasPrefix(path, "/micro/"):
		h.serveMicro(w, r)
	case isRedirectPath(path):
		// Routes.rejectRedirect, for any method: redirects are disabled
		// by default (reference.conf enableDefaultRedirect = false).
		writeText(w, http.StatusNotFound, "redirects disabled")
	case r.Method == http.MethodOptions:
		h.servePreflight(w, r)
	case (path == "/i" || path == "/ice.png") && (get || r.Method == http.MethodHead):
		// Routes.cookieRoutes: the pixel routes record the request under
		// its own path, which enrich reads as the tracker protocol.
		h.serveTrack(w, r, path, "", "", false)
	case get && (path == "/health" || path == "/sink-health"):
		// Routes.health; Micro passes sinksHealthy = IO.pure(true), so
		// /sink-health is always "ok".
		writeText(w, http.StatusOK, "ok")
	case get && path == "/robots.txt":
		writeText(w, http.StatusOK, robotsTxt)
	case get && path == "/sgkit/stats":
		writeJSON(w, h.Stats())
	default:
		vendor, version, ok := vendorVersion(path)
		switch {
		case ok && r.Method == http.MethodPost:
			h.serveTrack(w, r, "", vendor, version, true)
		case ok && (get || r.Method == http.MethodHead):
			h.serveTrack(w, r, "", vendor, version, false)
		default:
			// http4s' orNotFound.
			writeText(w, http.StatusNotFound, "Not found")
		}
	}
}

// isRedirectPath matches Routes.rejectRedirect's Root / "r" / _: two
// path segments, the first "r".
func isRedirectPath(path string) bool {
	rest, ok := strings.CutPrefix(path, "/r/")
	return ok && rest != "" && !strings.Contains(rest, "/")
}

// vendorVersion matches the collector's POST Root / vendor / version route:
// exactly two non-empty path segments.
func vendorVersion(path string) (vendor, version string, ok bool) {
	rest, found := strings.CutPrefix(path, "/")
	if !found {
		return "", "", false
	}
	vendor, version, found = strings.Cut(rest, "/")
	if !found || vendor == "" || version == "" || strings.Contains(version, "/") {
		return "", "", false
	}
	return vendor, version, true
}

// serveTrack records one tracking request and responds as the collector
// does: 200 "ok" as text/plain for POST, the pixel for GET, and the
// network user id cookie and CORS headers for both. A non-empty path
// replaces /vendor/version as the recorded path.
func (h *Handler) serveTrack(w http.ResponseWriter, r *http.Request, path, vendor, version string, post bool) {
	var body *string
	if post {
		// The collector's EntityLimiter rejects a body past dropPayloadSize
		// with 413, and dropPayloadSize defaults to twice maxPayloadSize.
		limit := 2 * h.cfg.maxPayloadSize
		// Stream collector's HttpServer.timeoutMiddleware (http4s Timeout
		// around the tracking routes, networking.responseHeaderTimeout)
		// responds 408 with http4s' Response.timeout body to a request
		// still unfinished after the timeout, e.g. one whose body stalls.
		// Micro 4.5.2 uses Timeout without the 408 mapping (503).
		rc := http.NewResponseController(w)
		deadlineSet := rc.SetReadDeadline(time.Now().Add(h.cfg.requestTimeout)) == nil
		raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
		// On an error the deadline stays, so net/http stops reading the
		// rest of the body and closes the connection after the response.
		if deadlineSet && err == nil {
			rc.SetReadDeadline(time.Time{})
		}
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				h.log.Warn("request body not received in time: responded 408, not stored",
					"path", r.URL.Path, "timeout", h.cfg.requestTimeout, "remote", r.RemoteAddr)
				writeText(w, http.StatusRequestTimeout, "Response timed out")
				return
			}
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				h.oversized.Add(1)
				h.log.Warn("request body too large: responded 413, not stored",
					"path", r.URL.Path, "limit_bytes", limit, "remote", r.RemoteAddr)
				w.WriteHeader(http.StatusRequestEntityTooLarge)
				return
			}
			h.log.Error("read request body", "path", r.URL.Path, "remote", r.RemoteAddr, "err", err)
			writeText(w, http.StatusBadRequest, "could not read the request body")
			return
		}
		s := adapter.DecodeBody(raw)
		body = &s
	}

	cp := h.buildPayload(r, vendor, version, body)
	if path != "" {
		cp.Path = path
	}
	_, cookieErr := r.Cookie(h.cfg.cookieName)
	h.process(cp, cookieErr == nil)

	header := w.Header()
	if cookie := h.setCookie(r, cp.NetworkUserID); cookie != "" {
		header.Add("Set-Cookie", cookie)
	}
	header.Set("Access-Control-Allow-Origin", allowOrigin(r))
	header.Set("Access-Control-Allow-Credentials", "true")
	if post {
		header.Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, "ok")
		return
	}
	header.Set("Cache-Control", "no-cache, no-store, must-revalidate")
	header.Set("Content-Type", "image/gif")
	w.WriteHeader(http.StatusOK)
	w.Write(pixel)
}

// setCookie renders the network user id cookie with the collector's cookie
// defaults (secure, httpOnly, SameSite=None, 365 days, no domain) in the
// attribute order of http4s 0.23 ResponseCookie.render. For a request with
// SP-Anonymous, Service.cookieHeader expires the request's cookie, or sets
// none when the request had none, and "" is returned.
func (h *Handler) setCookie(r *http.Request, nuid string) string {
	expires := h.cfg.now().Add(cookieExpiration)
	if isAnonymous(r) {
		if _, err := r.Cookie(h.cfg.cookieName); err != nil {
			return ""
		}
		nuid = ""
		expires = h.cfg.now().Add(-cookieExpiration)
	}
	return h.cfg.cookieName + "=" + nuid + "; Expires=" + expires.UTC().Format(http.TimeFormat) +
		"; Path=/; SameSite=None; Secure; HttpOnly"
}

// servePreflight is Service.preflightResponse.
func (h *Handler) servePreflight(w http.ResponseWriter, r *http.Request) {
	header := w.Header()
	header.Set("Access-Control-Allow-Origin", allowOrigin(r))
	header.Set("Access-Control-Allow-Credentials", "true")
	header.Set("Access-Control-Allow-Headers", "Content-Type, SP-Anonymous")
	header.Set("Access-Control-Max-Age", corsMaxAge)
	w.WriteHeader(http.StatusOK)
}

// allowOrigin is Service.accessControlAllowOriginHeader: the first host of
// the Origin header (its values split at spaces, "null" skipped) rendered
// as scheme://host[:port], else "*".
func allowOrigin(r *http.Request) string {
	for _, o := range strings.Split(r.Header.Get("Origin"), " ") {
		u, err := url.Parse(o)
		if err != nil || u.Scheme == "" || u.Host == "" || u.Opaque != "" {
			continue
		}
		if u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			continue
		}
		return strings.ToLower(u.Scheme) + "://" + u.Host
	}
	return "*"
}

func writeText(w http.ResponseWriter, status int, text string) {
	// http4s' String entity encoder.
	w.Header().Set("Content-Type", "text/plain; charset=UTF-8")
	w.WriteHeader(status)
	io.WriteString(w, text)
}
