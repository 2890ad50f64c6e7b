package conformance

import (
	"context"
	"fmt"

	"github.com/sgkit/sgkit/collector"
)

// EmbeddedCollector is sgkit's embedded collector started for a run, for
// callers that have no collector of their own.
type EmbeddedCollector struct {
	server *collector.Server
}

// StartEmbeddedCollector starts the embedded collector on a free loopback
// port (collector.DefaultAddr) unless opts set another address.
func StartEmbeddedCollector(opts ...collector.Option) (*EmbeddedCollector, error) {
	srv, err := collector.New(opts...)
	if err != nil {
		return nil, fmt.Errorf("embedded collector: %w", err)
	}
	if err := srv.Start(); err != nil {
		return nil, fmt.Errorf("embedded collector: %w", err)
	}
	return &EmbeddedCollector{server: srv}, nil
}

// URL returns the collector's base URL, which also serves the Micro API.
func (e *EmbeddedCollector) URL() string { return e.server.URL() }

// Stop shuts the collector down, waiting for requests in flight until ctx
// ends.
func (e *EmbeddedCollector) Stop(ctx context.Context) error { return e.server.Shutdown(ctx) }
