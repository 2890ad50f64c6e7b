package conformance

import "time"

// Report is the result of one conformance run: a count per check, every
// mismatch with its event and field, and each event's outcome.
type Report struct {
	RunID     string        `json:"runId"`
	Profile   Profile       `json:"profile"`
	Collector string        `json:"collector"`
	Micro     string        `json:"micro"`
	Started   time.Time     `json:"started"`
	Duration  time.Duration `json:"durationNs"`
	// Sent is the number of requests sent, one per event of the corpus.
	Sent int `json:"sent"`
	// Checks lists every check of the run in the order of checkNames, each
	// with the number of events it passed and failed.
	Checks []Check `json:"checks"`
	// Mismatches lists every difference found, in corpus order.
	Mismatches []Mismatch `json:"mismatches"`
	// KnownIssues lists the warehouse row issues that the reference model
	// also predicts; real Snowplow has them too, so they do not fail a run.
	KnownIssues []RowIssue `json:"knownIssues,omitempty"`
	// Events lists each sent event with the checks that applied to it.
	Events []EventResult `json:"events"`
}

// Check is one kind of comparison and how many events passed or failed it.
type Check struct {
	Name   string `json:"name"`
	Passed int    `json:"passed"`
	Failed int    `json:"failed"`
}

// Mismatch is one difference between the prediction and what the pipeline
// produced. Event is the event id the request was tagged with (eid), or
// the observed event id of an observation that matches no sent request.
type Mismatch struct {
	Check    string `json:"check"`
	Event    string `json:"event"`
	Case     string `json:"case,omitempty"`
	Field    string `json:"field"`
	Expected string `json:"expected"`
	Actual   string `json:"actual"`
}

// RowIssue is one warehouse row issue found when shredding an observed good
// event into the Redshift table.
type RowIssue struct {
	Event  string `json:"event"`
	Case   string `json:"case,omitempty"`
	Column string `json:"column"`
	Rule   string `json:"rule"`
	Detail string `json:"detail"`
}

// EventResult is one sent event: its case, the predicted and observed
// outcomes, and for each check that applied to it whether it passed.
type EventResult struct {
	Event    string          `json:"event"`
	Case     string          `json:"case"`
	Expected string          `json:"expected"`
	Observed string          `json:"observed"`
	Checks   map[string]bool `json:"checks"`
}

// Passed reports whether every check passed: no failed event in any check
// and no mismatch at all (an unmatched observation fails a run too).
func (r Report) Passed() bool {
	for _, c := range r.Checks {
		if c.Failed > 0 {
			return false
		}
	}
	return len(r.Mismatches) == 0
}

// Failed returns the number of failed events summed over all checks.
func (r Report) Failed() int {
	n := 0
	for _, c := range r.Checks {
		n += c.Failed
	}
	return n
}
