// Package micro speaks Snowplow Micro's REST API: the JSON shapes of
// /micro/all, /micro/good, /micro/bad and /micro/reset, and a client for them.
package micro

import "encoding/json"

// Summary is the body of /micro/all and /micro/reset.
type Summary struct {
	Total int `json:"total"`
	Good  int `json:"good"`
	Bad   int `json:"bad"`
}

// GoodEvent is one element of /micro/good.
type GoodEvent struct {
	RawEvent  json.RawMessage `json:"rawEvent"`
	EventType *string         `json:"eventType"`
	Schema    *string         `json:"schema"`
	Contexts  []string        `json:"contexts"`
	// Event is the enriched event in Analytics SDK JSON.
	Event json.RawMessage `json:"event"`
}

// BadEvent is one element of /micro/bad.
type BadEvent struct {
	CollectorPayload json.RawMessage `json:"collectorPayload"`
	RawEvent         json.RawMessage `json:"rawEvent"`
	// Errors starts with a sentence naming the failed step, followed by the
	// bad row JSON.
	Errors []string `json:"errors"`
}

// GoodFilter is the body of POST /micro/good.
type GoodFilter struct {
	EventType string   `json:"event_type,omitempty"`
	Schema    string   `json:"schema,omitempty"`
	Contexts  []string `json:"contexts,omitempty"`
	Limit     int      `json:"limit,omitempty"`
}

// BadFilter is the body of POST /micro/bad.
type BadFilter struct {
	Vendor  string `json:"vendor,omitempty"`
	Version string `json:"version,omitempty"`
	Limit   int    `json:"limit,omitempty"`
}
