package sender_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/sgkit/sgkit/sender"
)

// BenchmarkGenerate measures building one realistic request, as sgkit load
// does for every request (no prediction).
func BenchmarkGenerate(b *testing.B) {
	for _, format := range []sender.Format{sender.FormatV1, sender.FormatMixed} {
		b.Run(string(format), func(b *testing.B) {
			g, err := sender.NewGenerator(sender.Options{Seed: 1, Format: format, SkipPredictions: true})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := g.Next(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkGeneratePredicted measures a request with its prediction, as
// sgkit send builds them.
func BenchmarkGeneratePredicted(b *testing.B) {
	g, err := sender.NewGenerator(sender.Options{Seed: 1, Start: time.Unix(1700000000, 0)})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := g.Next(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRun sends b.N generated requests to a loopback sink with ten
// workers, unpaced, and reports requests per second.
func BenchmarkRun(b *testing.B) {
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, "ok")
	}))
	defer sink.Close()
	base, _ := url.Parse(sink.URL)

	g, err := sender.NewGenerator(sender.Options{Seed: 1, Count: b.N, SkipPredictions: true})
	if err != nil {
		b.Fatal(err)
	}
	s := &sender.Sender{Collector: base, Workers: 10}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	rep, err := s.Run(context.Background(), g)
	if err != nil && !errors.Is(err, sender.ErrPlanDone) {
		b.Fatal(err)
	}
	if rep.Succeeded != b.N {
		b.Fatalf("%d of %d requests succeeded", rep.Succeeded, b.N)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}
