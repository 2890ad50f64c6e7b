// Package helpers sets up what the Ginkgo suites in suites/ run against:
// the config file or environment, and the embedded collector when neither
// names a collector.
package helpers

import (
	"context"
	"io"
	"log/slog"
	"time"

	"github.com/sgkit/sgkit/collector"
	"github.com/sgkit/sgkit/conformance"
)

// Target is the pipeline a suite process sends to and reads from.
type Target struct {
	// File is the config the suite runs with, from the file or environment.
	File     conformance.FileConfig
	embedded *conformance.EmbeddedCollector
}

// Setup reads the config file at configPath, or the environment when
// configPath is empty, and starts the embedded collector when neither
// names a collector. Call Close when the suite ends.
func Setup(configPath string) (*Target, error) {
	var fc conformance.FileConfig
	var err error
	if configPath != "" {
		fc, err = conformance.LoadFileConfig(configPath)
	} else {
		fc, err = conformance.FileConfigFromEnv()
	}
	if err != nil {
		return nil, err
	}
	t := &Target{File: fc}
	if fc.CollectorURL == "" {
		t.embedded, err = conformance.StartEmbeddedCollector(
			collector.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
		if err != nil {
			return nil, err
		}
	}
	return t, nil
}

// Embedded reports whether the target is an embedded collector this
// process started.
func (t *Target) Embedded() bool { return t.embedded != nil }

// Config returns a run of profile against the target. Every call gets its
// own run id, so specs running at the same time count only their own
// events.
func (t *Target) Config(profile conformance.Profile) conformance.Config {
	cfg := t.File.Config(profile)
	if t.embedded != nil {
		cfg.CollectorURL = t.embedded.URL()
	}
	cfg.RunID = conformance.NewRunID()
	return cfg
}

// Describe names the target for spec output.
func (t *Target) Describe() string {
	if t.embedded != nil {
		return "embedded collector at " + t.embedded.URL()
	}
	micro := t.File.MicroURL
	if micro == "" {
		micro = t.File.CollectorURL
	}
	return "collector " + t.File.CollectorURL + ", Micro " + micro + " (from " + t.File.File + ")"
}

// Close stops the embedded collector, if Setup started one.
func (t *Target) Close() error {
	if t == nil || t.embedded == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return t.embedded.Stop(ctx)
}
