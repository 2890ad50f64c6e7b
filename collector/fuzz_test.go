package collector_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/sgkit/sgkit/collector"
)

// FuzzTrack posts arbitrary queries, content types and bodies to the
// StatusGator path. Each one must get 200 ok and be either stored or
// counted as outside the model, so nothing is lost and nothing panics.
func FuzzTrack(f *testing.F) {
	f.Add("aid=x&eid=5a6b7c8d-1e2f-4a3b-9c4d-5e6f7a8b9c0d", formType, cloudFlareBody)
	f.Add("", "application/json", `{"service_name":"CloudFlare"}`)
	f.Add("aid=%zz", "Application/X-WWW-Form-Urlencoded; charset=UTF-8", "service_name=Caf\xe9")
	f.Add("nuid=not-a-uuid", "", "")
	f.Add("ttm=abc&p=nope", "text/plain;", "a=b#c")

	h, err := collector.NewHandler(collector.WithLogger(slog.New(slog.DiscardHandler)), collector.WithStoreCapacity(8))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, query, contentType, body string) {
		before := h.Stats()
		target := "/com.statusgator/v1"
		if query != "" {
			target += "?" + url.PathEscape(query)
		}
		req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)

		if rec.Code != http.StatusOK || rec.Body.String() != "ok" {
			t.Fatalf("POST %s with %q returned %d %q, want 200 ok", target, contentType, rec.Code, rec.Body.String())
		}
		after := h.Stats()
		accounted := (after.Received - before.Received) + (after.OutsideModel - before.OutsideModel)
		if accounted != 1 {
			t.Fatalf("POST %s with %q: %d outcomes recorded, want 1 (stats before %+v, after %+v)",
				target, contentType, accounted, before, after)
		}
	})
}
