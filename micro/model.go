// Package micro speaks Snowplow Micro's REST API: the JSON shapes of
// /micro/all, /micro/good, /micro/bad and /micro/reset, and a client for them.
//
// The shapes follow snowplow-micro 4.5.2 (model.scala, Routing.scala,
// EventSink.scala), which encodes them with circe's derived encoders.
//
// Changes from the first version of this file, for code that decodes these
// types:
//   - GoodEvent has the field "incomplete" that Micro 4.x writes (always
//     false in /micro/good, because Micro filters incomplete events out).
//   - /micro/reset returns the text "Reset completed" in Micro 4.x, not a
//     Summary; only Micro 1.x, and the documentation page, show a Summary.
//     Client.Reset accepts both.
//   - RawEvent, CollectorPayload, API, Source and Context type the nested
//     objects; GoodEvent and BadEvent keep them as json.RawMessage so that
//     fields a newer Micro adds are never lost. Decode them with
//     GoodEvent.DecodeRawEvent, BadEvent.DecodeCollectorPayload and
//     BadEvent.DecodeRawEvent; BadEvent.BadRow returns errors[1].
package micro

import (
	"encoding/json"
	"fmt"
)

// Summary is the body of /micro/all (and of /micro/reset in Micro 1.x).
type Summary struct {
	Total int `json:"total"`
	Good  int `json:"good"`
	Bad   int `json:"bad"`
}

// GoodEvent is one element of /micro/good.
type GoodEvent struct {
	// RawEvent is enrich's RawEvent, see the RawEvent type.
	RawEvent json.RawMessage `json:"rawEvent"`
	// EventType is the enriched "event" field, e.g. "unstruct".
	EventType *string `json:"eventType"`
	// Schema is the Iglu URI of the unstruct event, e.g.
	// iglu:com.statusgator/status_change/jsonschema/1-0-0.
	Schema   *string  `json:"schema"`
	Contexts []string `json:"contexts"`
	// Event is the enriched event in Analytics SDK JSON.
	Event json.RawMessage `json:"event"`
	// Incomplete marks an event that failed validation but was kept by
	// Micro 4.x for its UI; /micro/good never returns one.
	Incomplete bool `json:"incomplete"`
}

// BadEvent is one element of /micro/bad.
type BadEvent struct {
	// CollectorPayload is enrich's CollectorPayload, or null when the
	// payload could not be read (Micro's "Can't deserialize Thrift bytes.").
	CollectorPayload json.RawMessage `json:"collectorPayload"`
	// RawEvent is set when the adapter produced a raw event and a later
	// step failed; null for adapter failures.
	RawEvent json.RawMessage `json:"rawEvent"`
	// Errors starts with a sentence naming the failed step, followed by the
	// bad row JSON.
	Errors []string `json:"errors"`
}

// GoodFilter is the body of POST /micro/good. Micro reads every field as
// optional, so a zero Limit is left out and means no limit.
type GoodFilter struct {
	EventType string   `json:"event_type,omitempty"`
	Schema    string   `json:"schema,omitempty"`
	Contexts  []string `json:"contexts,omitempty"`
	Limit     int      `json:"limit,omitempty"`
}

// BadFilter is the body of POST /micro/bad; a zero Limit means no limit.
type BadFilter struct {
	Vendor  string `json:"vendor,omitempty"`
	Version string `json:"version,omitempty"`
	Limit   int    `json:"limit,omitempty"`
}

// API is the vendor and version taken from the request path.
type API struct {
	Vendor  string `json:"vendor"`
	Version string `json:"version"`
}

// Source identifies the collector that received a payload.
type Source struct {
	// Name is the collector's name and version, e.g. ssc-2.3.1-stdout$.
	Name     string  `json:"name"`
	Encoding string  `json:"encoding"`
	Hostname *string `json:"hostname"`
}

// Context is the request metadata the collector records.
type Context struct {
	// Timestamp is the collector time as Joda's DateTime.toString writes it,
	// e.g. 2021-08-29T12:01:05.787Z.
	Timestamp  string   `json:"timestamp"`
	IPAddress  *string  `json:"ipAddress"`
	UserAgent  *string  `json:"useragent"`
	RefererURI *string  `json:"refererUri"`
	Headers    []string `json:"headers"`
	// UserID is the network user id (the collector cookie).
	UserID *string `json:"userId"`
}

// CollectorPayload is enrich's CollectorPayload as Micro encodes it.
type CollectorPayload struct {
	API API `json:"api"`
	// Querystring holds one "name=value" string per query parameter; a
	// parameter without a value is written "name=null".
	Querystring []string `json:"querystring"`
	ContentType *string  `json:"contentType"`
	Body        *string  `json:"body"`
	Source      Source   `json:"source"`
	Context     Context  `json:"context"`
}

// RawEvent is enrich's RawEvent as Micro encodes it: one event's
// tracker-protocol parameters plus the payload's metadata.
type RawEvent struct {
	API         API                `json:"api"`
	Parameters  map[string]*string `json:"parameters"`
	ContentType *string            `json:"contentType"`
	Source      Source             `json:"source"`
	Context     Context            `json:"context"`
}

// DecodeRawEvent decodes the rawEvent field.
func (g GoodEvent) DecodeRawEvent() (RawEvent, error) {
	var re RawEvent
	if err := json.Unmarshal(g.RawEvent, &re); err != nil {
		return RawEvent{}, fmt.Errorf("decode rawEvent of a good event: %w", err)
	}
	return re, nil
}

// DecodeCollectorPayload decodes the collectorPayload field; it returns nil
// when the field is null or absent.
func (b BadEvent) DecodeCollectorPayload() (*CollectorPayload, error) {
	if isNull(b.CollectorPayload) {
		return nil, nil
	}
	var cp CollectorPayload
	if err := json.Unmarshal(b.CollectorPayload, &cp); err != nil {
		return nil, fmt.Errorf("decode collectorPayload of a bad event: %w", err)
	}
	return &cp, nil
}

// DecodeRawEvent decodes the rawEvent field; it returns nil when the field
// is null or absent.
func (b BadEvent) DecodeRawEvent() (*RawEvent, error) {
	if isNull(b.RawEvent) {
		return nil, nil
	}
	var re RawEvent
	if err := json.Unmarshal(b.RawEvent, &re); err != nil {
		return nil, fmt.Errorf("decode rawEvent of a bad event: %w", err)
	}
	return &re, nil
}

// BadRow returns errors[1], the self-describing bad row JSON that Micro
// writes after the sentence in errors[0].
func (b BadEvent) BadRow() (json.RawMessage, error) {
	if len(b.Errors) < 2 {
		return nil, fmt.Errorf("bad event has %d error strings, want a sentence and a bad row", len(b.Errors))
	}
	raw := json.RawMessage(b.Errors[1])
	if !json.Valid(raw) {
		return nil, fmt.Errorf("errors[1] of a bad event is not JSON: %.80q", b.Errors[1])
	}
	return raw, nil
}

func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || string(raw) == "null"
}
