package sender

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// StopReason is the reason a run ended.
type StopReason string

// Stop reasons.
const (
	// StopDone means the plan was sent in full or the duration elapsed.
	StopDone StopReason = "done"
	// StopCanceled means the context was canceled (Ctrl-C in the CLI).
	StopCanceled StopReason = "canceled"
	// StopDisabled means one delivery failed as many attempts as the retry
	// policy's DisableAfter, which disables the integration as StatusGator
	// does.
	StopDisabled StopReason = "disabled"
)

// Report is the outcome of one run. Requests, Succeeded, Failed and NotSent
// count requests; Attempts, Retries, Responses2xx, Statuses and Errors
// count HTTP attempts.
type Report struct {
	// Seed and Start are the generator's seed and start instant, which
	// reproduce the plan; the caller that built the plan sets them.
	Seed  int64     `json:"seed"`
	Start time.Time `json:"start"`
	// Requests counts the requests sent at least once.
	Requests int `json:"requests"`
	// Succeeded counts the requests that got a 200.
	Succeeded int `json:"succeeded"`
	// Failed counts the requests sent that never got a 200.
	Failed int `json:"failed"`
	// NotSent counts planned requests the run stopped before; it is only
	// known for Send, whose plan is a slice.
	NotSent int `json:"notSent"`
	// Attempts counts every HTTP attempt: Requests plus Retries.
	Attempts int `json:"attempts"`
	Retries  int `json:"retries"`
	// Responses2xx counts attempts that got any 2xx status.
	Responses2xx int `json:"responses2xx"`
	// Statuses counts attempts by response status code.
	Statuses map[string]int `json:"statuses"`
	// Errors counts attempts that got no response, by kind.
	Errors     map[ErrorKind]int `json:"errors"`
	Duplicates Duplicates        `json:"duplicates"`
	// Latencies are per attempt, in nanoseconds as in vegeta's JSON report.
	Latencies Latencies `json:"latencies"`
	// Rate is attempts per second and Throughput successful (2xx and 3xx)
	// attempts per second, both as vegeta's metrics compute them.
	Rate       float64 `json:"rate"`
	Throughput float64 `json:"throughput"`
	// Duration is the wall time of the run, in nanoseconds.
	Duration time.Duration `json:"duration"`
	Stopped  StopReason    `json:"stopped"`
	// Results has one entry per planned request, in plan order, for Send;
	// it is empty for Run.
	Results []RequestResult `json:"results,omitempty"`
}

// Duplicates counts the duplicate requests sent.
type Duplicates struct {
	Natural   int `json:"natural"`
	Synthetic int `json:"synthetic"`
}

// Latencies are latency quantiles of the attempts.
type Latencies struct {
	Mean time.Duration `json:"mean"`
	P50  time.Duration `json:"p50"`
	P90  time.Duration `json:"p90"`
	P95  time.Duration `json:"p95"`
	P99  time.Duration `json:"p99"`
	Max  time.Duration `json:"max"`
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteSummary writes the report for a terminal.
func (r *Report) WriteSummary(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Stopped       %s after %s\n", r.Stopped, r.Duration.Round(time.Millisecond))
	fmt.Fprintf(&b, "Requests      %d sent, %d succeeded (200), %d failed", r.Requests, r.Succeeded, r.Failed)
	if r.NotSent > 0 {
		fmt.Fprintf(&b, ", %d not sent", r.NotSent)
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "Attempts      %d (%d retries), %d answered 2xx\n", r.Attempts, r.Retries, r.Responses2xx)
	fmt.Fprintf(&b, "Duplicates    %d natural, %d synthetic\n", r.Duplicates.Natural, r.Duplicates.Synthetic)
	fmt.Fprintf(&b, "Status codes  %s\n", formatCounts(r.Statuses))
	errs := map[string]int{}
	for k, v := range r.Errors {
		errs[string(k)] = v
	}
	fmt.Fprintf(&b, "Errors        %s\n", formatCounts(errs))
	l := r.Latencies
	fmt.Fprintf(&b, "Latencies     p50 %s, p90 %s, p99 %s, max %s\n",
		l.P50.Round(time.Microsecond), l.P90.Round(time.Microsecond),
		l.P99.Round(time.Microsecond), l.Max.Round(time.Microsecond))
	fmt.Fprintf(&b, "Rate          %.1f attempts/s, throughput %.1f successes/s\n", r.Rate, r.Throughput)
	_, err := io.WriteString(w, b.String())
	return err
}

func formatCounts(counts map[string]int) string {
	if len(counts) == 0 {
		return "none"
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s: %d", k, counts[k])
	}
	return strings.Join(parts, ", ")
}
