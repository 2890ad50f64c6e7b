package adapter

import "encoding/json"

// Outcome is the result a pipeline gives for one collector payload.
type Outcome string

const (
	// Good means enrich emits an enriched event.
	Good Outcome = "good"
	// Bad means enrich emits a bad row instead.
	Bad Outcome = "bad"
)

// Prediction is the expected result of one collector payload.
type Prediction struct {
	Outcome Outcome `json:"outcome"`
	// RawEvent is set whenever the adapter produced a raw event, even when a
	// later step failed.
	RawEvent *RawEvent `json:"rawEvent,omitempty"`
	// Event holds the predicted enriched fields, snake_case as in the
	// Analytics SDK JSON, for a good outcome.
	Event map[string]any `json:"event,omitempty"`
	// BadRow is the self-describing bad row for a bad outcome.
	BadRow *BadRow `json:"badRow,omitempty"`
	// Row is the shredded row of atomic.com_statusgator_status_change_1,
	// column to value (nil for SQL NULL), for a good outcome.
	Row map[string]*string `json:"row,omitempty"`
	// RowIssues lists what the warehouse would reject or alter in Row.
	RowIssues []RowIssue `json:"rowIssues,omitempty"`

	// atomicErrs are the atomic-field errors of enrich's first phase, kept
	// until the Iglu validation of the same phase has run (see Predict).
	atomicErrs []AtomicError
}

// RawEvent is the adapter's output: the tracker-protocol parameters.
type RawEvent struct {
	Parameters map[string]string `json:"parameters"`
}

// BadRow is a self-describing bad row, e.g.
// iglu:com.snowplowanalytics.snowplow.badrows/adapter_failures/jsonschema/1-0-0.
type BadRow struct {
	Schema string          `json:"schema"`
	Data   json.RawMessage `json:"data"`
}

// RowIssue is one way a shredded row breaks the Redshift table definition
// or loses data silently.
type RowIssue struct {
	Column string `json:"column"`
	Rule   string `json:"rule"`
	Detail string `json:"detail"`
}
