package sender

import (
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// ErrorKind classifies an attempt that got no HTTP response.
type ErrorKind string

// Error kinds. vegeta keeps only an error's text in a Result, so the kind
// is read from the text of Go's net/http and syscall errors.
const (
	// ErrorTimeout is an attempt that outlived the per-request timeout.
	ErrorTimeout ErrorKind = "timeout"
	// ErrorRefused is a connection the collector's host refused.
	ErrorRefused ErrorKind = "refused"
	// ErrorReset is a connection closed or reset before a response.
	ErrorReset ErrorKind = "reset"
	// ErrorOther is any other failure, such as a DNS error.
	ErrorOther ErrorKind = "other"
)

// errorKinds maps error text fragments to kinds, first match wins. The
// texts are those of Go's context ("context deadline exceeded", the
// sender's attempt timeout), net ("i/o timeout") and syscall errors
// (ECONNREFUSED, ECONNRESET, EPIPE). io.EOF is a connection the server
// closed without a response.
var errorKinds = []struct {
	text string
	kind ErrorKind
}{
	{"deadline exceeded", ErrorTimeout},
	{"i/o timeout", ErrorTimeout},
	{"connection refused", ErrorRefused},
	{"connection reset", ErrorReset},
	{"broken pipe", ErrorReset},
	{"server closed idle connection", ErrorReset},
	{"EOF", ErrorReset},
}

// classify returns the kind of a vegeta result that has no status code.
func classify(errText string) ErrorKind {
	for _, k := range errorKinds {
		if strings.Contains(errText, k.text) {
			return k.kind
		}
	}
	return ErrorOther
}

// RequestResult is the outcome of one request over all its attempts.
type RequestResult struct {
	// Index and Name identify the request in the plan.
	Index int    `json:"index"`
	Name  string `json:"name"`
	// Sent is false for requests the run stopped before.
	Sent bool `json:"sent"`
	// Attempts counts the HTTP attempts, retries included.
	Attempts int `json:"attempts"`
	// Code is the last attempt's status code; 0 when it got no response.
	Code int `json:"code"`
	// ErrorKind is the last attempt's error kind when it got no response.
	ErrorKind ErrorKind `json:"errorKind,omitempty"`
	Error     string    `json:"error,omitempty"`
	// Succeeded is true once an attempt got a 200.
	Succeeded bool `json:"succeeded"`
	// RetryPending is true when the run stopped while a retry was waiting.
	RetryPending bool `json:"retryPending,omitempty"`
}

// Progress holds counters a caller may read while a run goes on.
type Progress struct {
	// Completed counts the requests that are done, because they got a 200,
	// ran out of retries or were ended by the run's stop. Unlike Attempts,
	// it never exceeds the plan's length.
	Completed atomic.Uint64
	// Attempts counts the attempts that have completed.
	Attempts atomic.Uint64
	// Succeeded counts the requests that got a 200.
	Succeeded atomic.Uint64
	// Failed counts the attempts that did not get a 200.
	Failed atomic.Uint64
}

// accounting adds up the attempts of one run. Only the run's result loop
// touches it.
type accounting struct {
	policy  RetryPolicy
	metrics vegeta.Metrics
	report  Report
	// statuses counts attempts by status code; close turns it into
	// Report.Statuses, so that an attempt formats no code text.
	statuses map[uint16]int
	progress *Progress
}

func newAccounting(policy RetryPolicy, progress *Progress) *accounting {
	if progress == nil {
		progress = &Progress{}
	}
	return &accounting{
		policy:   policy,
		progress: progress,
		statuses: map[uint16]int{},
		report: Report{
			Statuses: map[string]int{},
			Errors:   map[ErrorKind]int{},
		},
	}
}

// attempt counts one completed attempt and returns whether it got a 200
// and the kind of error when it got no response.
func (a *accounting) attempt(res *vegeta.Result) (ok bool, kind ErrorKind) {
	a.metrics.Add(res)
	a.report.Attempts++
	a.progress.Attempts.Add(1)

	if res.Code != 0 {
		a.statuses[res.Code]++
		if res.Code >= 200 && res.Code < 300 {
			a.report.Responses2xx++
		}
	} else {
		kind = classify(res.Error)
		a.report.Errors[kind]++
	}

	// StatusGator expects exactly 200; anything else is a failed attempt.
	if res.Code == 200 {
		a.report.Succeeded++
		a.progress.Succeeded.Add(1)
		return true, ""
	}
	a.progress.Failed.Add(1)
	return false, kind
}

// disables reports whether an attempt disables the integration. attempt is
// its number within its delivery, and every earlier attempt of that
// delivery failed, because a 200 ends the delivery.
func (a *accounting) disables(succeeded bool, attempt int) bool {
	return !succeeded && a.policy.DisableAfter > 0 && attempt >= a.policy.DisableAfter
}

// close fills the aggregate figures from vegeta's metrics.
func (a *accounting) close(elapsed time.Duration) Report {
	a.metrics.Close()
	for code, n := range a.statuses {
		a.report.Statuses[strconv.Itoa(int(code))] += n
	}
	clear(a.statuses)
	r := a.report
	r.Retries = r.Attempts - r.Requests
	r.Failed = r.Requests - r.Succeeded
	r.Duration = elapsed
	r.Latencies = Latencies{
		Mean: a.metrics.Latencies.Mean,
		P50:  a.metrics.Latencies.P50,
		P90:  a.metrics.Latencies.P90,
		P95:  a.metrics.Latencies.P95,
		P99:  a.metrics.Latencies.P99,
		Max:  a.metrics.Latencies.Max,
	}
	r.Rate = a.metrics.Rate
	r.Throughput = a.metrics.Throughput
	return r
}
