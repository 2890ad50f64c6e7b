package collector_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sgkit/sgkit/collector"
)

// BenchmarkHandlerPost measures requests per second through the handler
// alone (no network): the CloudFlare example, predicted, validated and
// stored. The store capacity bounds memory over a long run.
func BenchmarkHandlerPost(b *testing.B) {
	h, err := collector.NewHandler(collector.WithLogger(slog.New(slog.DiscardHandler)), collector.WithStoreCapacity(10000))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		serveOne(b, h)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkHandlerPostParallel is BenchmarkHandlerPost from GOMAXPROCS
// goroutines, which contend on the store's lock.
func BenchmarkHandlerPostParallel(b *testing.B) {
	h, err := collector.NewHandler(collector.WithLogger(slog.New(slog.DiscardHandler)), collector.WithStoreCapacity(10000))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			serveOne(b, h)
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

func serveOne(b *testing.B, h http.Handler) {
	req := httptest.NewRequest(http.MethodPost, "/com.statusgator/v1?aid=bench", strings.NewReader(cloudFlareBody))
	req.Header.Set("Content-Type", formType)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("POST answered %d", rec.Code)
	}
}
