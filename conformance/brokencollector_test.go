package conformance_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/gomega"

	"github.com/sgkit/sgkit/collector"
)

// fault is the one way a brokenCollector misbehaves.
type fault int

const (
	// dropOne responds 200 ok to the first tracking request and stores
	// nothing for it.
	dropOne fault = iota
	// acceptCharset strips a charset parameter from the Content-Type before
	// the request reaches the real collector, so the request is stored as a good event
	// although Snowplow's StatusGator adapter rejects such a content type.
	acceptCharset
	// changeField changes serviceName in one good event that /micro/good
	// returns.
	changeField
	// shiftOccurredAt moves occurredAt one hour later in one good event
	// that /micro/good returns.
	shiftOccurredAt
	// storeNothing responds 200 ok to every tracking request and stores none.
	storeNothing
	// answer500 responds 500 to every tracking request and stores none.
	answer500
	// rewriteAppID sets app_id to rewrittenAppID in every good event that
	// /micro/good returns, as a pipeline whose enrichment overwrites app_id
	// would.
	rewriteAppID
)

// rewrittenAppID is the app_id rewriteAppID writes.
const rewrittenAppID = "rewritten-by-a-broken-pipeline"

// changedServiceName is the value changeField writes.
const changedServiceName = "Changed by a broken pipeline"

// brokenCollector is a deliberate fake for tests only: sgkit's embedded
// collector behind a wrapper that breaks exactly one thing, so that a spec
// can show a conformance run catches that breakage. It is a real HTTP
// server on loopback; only the wrapper's fault is fake.
type brokenCollector struct {
	fault  fault
	server *httptest.Server
	inner  http.Handler

	mu sync.Mutex
	// victim is the eid of the request or event the fault hit.
	victim string
}

func newBrokenCollector(f fault) *brokenCollector {
	h, err := collector.NewHandler(collector.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	Expect(err).NotTo(HaveOccurred())
	b := &brokenCollector{fault: f, inner: h}
	b.server = httptest.NewServer(http.HandlerFunc(b.serve))
	return b
}

func (b *brokenCollector) URL() string { return b.server.URL }

func (b *brokenCollector) Close() { b.server.Close() }

// Victim returns the eid the fault hit, "" while it has hit nothing.
func (b *brokenCollector) Victim() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.victim
}

func (b *brokenCollector) serve(w http.ResponseWriter, r *http.Request) {
	tracking := r.Method == http.MethodPost && !strings.HasPrefix(r.URL.Path, "/micro/")
	switch {
	case tracking && b.fault == answer500:
		http.Error(w, "internal server error", http.StatusInternalServerError)
	case tracking && b.fault == storeNothing:
		writeOK(w)
	case tracking && b.fault == dropOne && b.claim(r.URL.Query().Get("eid")):
		writeOK(w)
	case tracking && b.fault == acceptCharset:
		if ct := r.Header.Get("Content-Type"); strings.Contains(strings.ToLower(ct), "charset") {
			mediaType, _, _ := strings.Cut(ct, ";")
			r.Header.Set("Content-Type", strings.TrimSpace(mediaType))
			b.claim(r.URL.Query().Get("eid"))
		}
		b.inner.ServeHTTP(w, r)
	case r.URL.Path == "/micro/good" && (b.fault == changeField || b.fault == shiftOccurredAt || b.fault == rewriteAppID):
		b.serveRewrittenGood(w, r)
	default:
		b.inner.ServeHTTP(w, r)
	}
}

// claim records eid as the victim unless one is recorded already, and
// reports whether eid is the victim.
func (b *brokenCollector) claim(eid string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.victim == "" {
		b.victim = eid
	}
	return b.victim == eid
}

// serveRewrittenGood returns /micro/good with one event's data changed,
// or with every event's app_id changed for rewriteAppID.
// The first status_change event becomes the victim; later reads change
// the same event again, so every poll returns the same broken store.
func (b *brokenCollector) serveRewrittenGood(w http.ResponseWriter, r *http.Request) {
	rec := httptest.NewRecorder()
	b.inner.ServeHTTP(rec, r)
	var events []map[string]any
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &events) != nil {
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		return
	}
	for _, ev := range events {
		enriched, _ := ev["event"].(map[string]any)
		if b.fault == rewriteAppID && enriched != nil {
			enriched["app_id"] = rewrittenAppID
			continue
		}
		data := statusChangeData(enriched)
		if data == nil {
			continue
		}
		eid, _ := enriched["event_id"].(string)
		if !b.claim(eid) {
			continue
		}
		switch b.fault {
		case changeField:
			data["serviceName"] = changedServiceName
		case shiftOccurredAt:
			data["occurredAt"] = shiftHour(data["occurredAt"])
		}
	}
	var buf bytes.Buffer
	Expect(json.NewEncoder(&buf).Encode(events)).To(Succeed())
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(buf.Bytes())
}

// statusChangeData returns the data object of an enriched event's
// unstruct event, nil when it has none.
func statusChangeData(enriched map[string]any) map[string]any {
	ue, _ := enriched["unstruct_event"].(map[string]any)
	inner, _ := ue["data"].(map[string]any)
	data, _ := inner["data"].(map[string]any)
	return data
}

// occurredAtLayout is the ISO 8601 form with offset StatusGator sends.
const occurredAtLayout = "2006-01-02T15:04:05-07:00"

func shiftHour(v any) any {
	s, _ := v.(string)
	t, err := time.Parse(occurredAtLayout, s)
	if err != nil {
		return s + " shifted"
	}
	return t.Add(time.Hour).Format(occurredAtLayout)
}

func writeOK(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/plain; charset=UTF-8")
	_, _ = io.WriteString(w, "ok")
}

// eidOf returns the eid query parameter of a raw query string.
func eidOf(query string) string {
	values, err := url.ParseQuery(query)
	if err != nil {
		return ""
	}
	return values.Get("eid")
}
