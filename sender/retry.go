package sender

import (
	"fmt"
	"time"
)

// RetryPolicy is the sender's rule for failed attempts: when to try the
// request again and when to give up on the whole integration.
//
// StatusGator documents only the outline: an attempt fails unless the
// response is 200, non-connection failures are retried 20 times over about
// 24 days with delays growing from seconds to more than a day, and five
// failed attempts to get a 200 disable the integration. sgkit fills in the
// rest. Delays double from two seconds (2 s, 4 s, ... about 12 days, 24.3
// days in all). The five failed attempts are those of one delivery (one
// status change), because StatusGator sends one delivery per status change,
// minutes apart. So the integration is disabled when a delivery's fifth
// attempt fails, and whether it is depends only on the collector's
// responses, not on the worker count or the delay scale.
type RetryPolicy struct {
	// Retries is the number of attempts after the first one; 0 disables
	// retries.
	Retries int
	// FirstDelay is the wait before the first retry; each later wait is
	// twice the one before.
	FirstDelay time.Duration
	// Scale multiplies every delay, so tests can run the schedule in
	// milliseconds; 1 is real time.
	Scale float64
	// DisableAfter is the number of failed attempts of one delivery after
	// which the integration is disabled and the run stops; 0 never
	// disables.
	DisableAfter int
	// RetryConnectionErrors also retries attempts that got no HTTP response
	// (refused, reset, timed out). StatusGator retries only the others.
	RetryConnectionErrors bool
}

// StatusGatorPolicy returns StatusGator's delivery policy in real time:
// 20 retries from 2 s doubling, and disabling after 5 failed attempts.
func StatusGatorPolicy() RetryPolicy {
	return RetryPolicy{Retries: 20, FirstDelay: 2 * time.Second, Scale: 1, DisableAfter: 5}
}

// NoRetries returns a policy that sends each request once and never stops
// a run on failures, for load tests.
func NoRetries() RetryPolicy {
	return RetryPolicy{Scale: 1}
}

// Delay returns the scaled wait before retry n (n from 1 to Retries).
func (p RetryPolicy) Delay(n int) time.Duration {
	d := float64(p.FirstDelay) * p.Scale
	for i := 1; i < n; i++ {
		d *= 2
	}
	return time.Duration(d)
}

// Total returns the scaled time from the first attempt's failure to the
// last retry, when every attempt fails at once.
func (p RetryPolicy) Total() time.Duration {
	var total time.Duration
	for n := 1; n <= p.Retries; n++ {
		total += p.Delay(n)
	}
	return total
}

func (p RetryPolicy) check() error {
	if p.Retries < 0 {
		return fmt.Errorf("invalid retry count %d: use 0 or more", p.Retries)
	}
	if p.Retries > 62 {
		return fmt.Errorf("invalid retry count %d: delays double each time, so use at most 62", p.Retries)
	}
	if p.Scale <= 0 {
		return fmt.Errorf("invalid retry delay scale %g: use a factor above 0, 1 for real time", p.Scale)
	}
	if p.DisableAfter < 0 {
		return fmt.Errorf("invalid disable threshold %d: use 0 (never) or more", p.DisableAfter)
	}
	return nil
}

// retryable reports whether an attempt with this outcome may be retried.
func (p RetryPolicy) retryable(code uint16) bool {
	return code != 0 || p.RetryConnectionErrors
}
