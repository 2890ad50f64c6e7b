// Package conformance runs one conformance check of a Snowplow pipeline
// for StatusGator webhooks. A run builds a corpus of requests with their
// predicted results and sends them to a collector. It then waits until
// Snowplow Micro's API lists each of them, matches the listed events to
// the requests, compares each with its prediction and reports every
// difference. Both sgkit run and the Ginkgo suites in suites/ call Run.
package conformance

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sgkit/sgkit/micro"
)

// Run sends cfg's corpus to cfg.CollectorURL, reads the results from
// cfg.MicroURL and returns the report. The error is non-nil only when the
// run could not be carried out. That is an invalid Config (*ConfigError),
// a collector or Micro that cannot be reached (*ConnectionError), or a
// Micro none of whose reads finished within cfg.Timeout (*TimeoutError).
// It is also a corpus that cannot be built, or ctx ending. Every difference the pipeline makes
// is in the Report instead, and Report.Passed reports whether there was any.
func Run(ctx context.Context, cfg Config) (Report, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return Report{}, err
	}
	report := Report{RunID: cfg.RunID, Profile: cfg.Profile, Collector: cfg.CollectorURL,
		Micro: cfg.MicroURL, Started: time.Now().UTC()}

	mc, err := micro.NewClient(cfg.MicroURL, micro.WithHTTPClient(cfg.Client))
	if err != nil {
		return report, &ConfigError{Field: "MicroURL", Value: cfg.MicroURL, Fix: err.Error()}
	}
	if err := checkCollector(ctx, cfg.Client, cfg.CollectorURL); err != nil {
		return report, err
	}
	if err := checkMicro(ctx, mc); err != nil {
		return report, err
	}

	cases, err := buildCorpus(cfg)
	if err != nil {
		return report, err
	}
	responses, err := sendAll(ctx, cfg.CollectorURL, cases)
	if err != nil {
		return report, err
	}
	report.Sent = len(cases)

	// Only requests the collector accepted are waited for, because the
	// response check already fails the others.
	waitFor := make([]bool, len(cases))
	for i, r := range responses {
		waitFor[i] = r.Err == nil && r.Status == 200
	}
	m, err := waitForResults(ctx, cfg, mc, cases, waitFor)
	if err != nil {
		return report, err
	}

	ev := newEvaluator(&report, cfg.Timeout)
	for i, c := range cases {
		obs := m.byCase[i]
		if !waitFor[i] && len(obs) == 0 {
			ev.evaluateUnanswered(c, responses[i])
			continue
		}
		ev.evaluate(c, responses[i], obs, m.foreign[i])
	}
	for _, o := range m.unmatched {
		ev.unmatched(o)
	}
	ev.finish()
	report.Duration = time.Since(report.Started)
	return report, nil
}

// refetchEvery is how many polls may skip reading the event lists because
// /micro/all's total did not change. A Micro at its store limit drops old
// events as it adds new ones, keeping the total, so the lists are read at
// least this often anyway.
const refetchEvery = 10

// waitForResults polls Micro until every case in waitFor has an
// observation or cfg.Timeout has passed, and returns the last matching.
// Each poll reads /micro/all and reads the event lists, which can be
// large, only when the total changed. When no read finished before the
// deadline, the error is a *TimeoutError if the deadline cut the reads
// off, and a *ConnectionError with the last other error if Micro failed.
func waitForResults(ctx context.Context, cfg Config, mc *micro.Client, cases []Case, waitFor []bool) (matching, error) {
	deadline, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	ticker := time.NewTicker(cfg.PollInterval)
	defer ticker.Stop()

	var last matching
	// lastErr is the last error that was not the deadline; cutOff is the
	// read the deadline interrupted.
	var lastErr error
	cutOff := ""
	read := false
	lastTotal, skipped := -1, 0
	for {
		sum, err := mc.All(deadline)
		if err != nil {
			err = &readError{Path: "/micro/all", Err: err}
		}
		fresh := err != nil || sum.Total != lastTotal || skipped >= refetchEvery
		if fresh {
			var obs []observation
			if err == nil {
				obs, err = fetchObservations(deadline, mc)
			}
			var re *readError
			switch {
			case err == nil:
				last, read, lastErr = match(cases, cfg.RunID, obs), true, nil
				lastTotal, skipped = sum.Total, 0
				if last.accountedFor(waitFor) {
					return last, nil
				}
			case ctx.Err() != nil:
				return matching{}, ctx.Err()
			case deadline.Err() != nil && errors.Is(err, context.DeadlineExceeded) && errors.As(err, &re):
				cutOff = re.Path
			case deadline.Err() != nil && errors.Is(err, context.DeadlineExceeded):
				cutOff = "Micro's API"
			default:
				lastErr = err
			}
		} else {
			skipped++
		}

		// The deadline is checked before waiting for the ticker, because a
		// select with both ready picks either, and a read started after the
		// deadline would replace cutOff with a read that never ran.
		if deadline.Err() != nil {
			break
		}
		select {
		case <-ctx.Done():
			return matching{}, ctx.Err()
		case <-deadline.Done():
		case <-ticker.C:
			continue
		}
		break
	}

	if ctx.Err() != nil {
		return matching{}, ctx.Err()
	}
	switch {
	case read:
		return last, nil
	case lastErr != nil:
		return matching{}, &ConnectionError{Flag: "micro", URL: cfg.MicroURL,
			Err: fmt.Errorf("no successful read within %s: %w", cfg.Timeout, lastErr)}
	default:
		if cutOff == "" {
			// The deadline passed before the first read started.
			cutOff = "/micro/all"
		}
		return matching{}, &TimeoutError{Timeout: cfg.Timeout, MicroURL: cfg.MicroURL, Read: cutOff}
	}
}

// TimeoutError is a wait for results that ended before any read of
// Snowplow Micro's API finished: Micro responded before sending, but its
// reads take longer than Config.Timeout. The run cannot determine whether the
// pipeline accounted for the requests, so no check is reported.
type TimeoutError struct {
	Timeout  time.Duration
	MicroURL string
	// Read is the Micro path whose read the deadline cut off.
	Read string
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("no read of Snowplow Micro at %s finished within the timeout of %s: "+
		"the read of %s was cut off by the deadline; raise the timeout above the time Micro needs to respond",
		e.MicroURL, e.Timeout, e.Read)
}
