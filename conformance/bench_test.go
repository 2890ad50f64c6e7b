package conformance_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/sgkit/sgkit/collector"
	"github.com/sgkit/sgkit/conformance"
)

// BenchmarkRunFull measures one full-profile run (smoke, 3 x 20 generated
// requests, the edge corpus) against an embedded collector on loopback.
// Every iteration adds its events to the same collector, as runs against
// a shared Micro do.
func BenchmarkRunFull(b *testing.B) {
	ec, err := conformance.StartEmbeddedCollector(
		collector.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = ec.Stop(context.Background()) })

	for b.Loop() {
		report, err := conformance.Run(context.Background(), conformance.Config{
			CollectorURL: ec.URL(), Profile: conformance.Full})
		if err != nil {
			b.Fatal(err)
		}
		if !report.Passed() {
			b.Fatalf("run %s failed: %s", report.RunID, conformance.Summary(report))
		}
		b.ReportMetric(float64(report.Sent), "requests/run")
	}
}
