package adapter

import "time"

// CollectorPayload is one HTTP request as a Snowplow collector records it,
// before enrich's adapters see it. ContentType and Body are pointers because
// enrich distinguishes an absent header or body from an empty one.
type CollectorPayload struct {
	// Path is the request path, e.g. /com.statusgator/v1.
	Path string `json:"path"`
	// QueryString is the raw query string as sent, without the leading '?'.
	QueryString string `json:"querystring"`
	// ContentType is the Content-Type header as the client sent it; nil when
	// the request had none. The collector's normalisation is part of the model.
	ContentType *string `json:"contentType"`
	// Body is the request body read as UTF-8 text; nil when there was none.
	Body *string `json:"body"`

	// Request metadata the collector records. Timestamp is the collector's
	// clock (milliseconds are kept); Headers is the list as the stream
	// collector writes it: "Name: value" per request header, then the stored
	// content type on its own (Service.buildEvent: headers ++ contentType).
	// Collector is the collector's name, e.g. "ssc-3.4.0-kafka";
	// DefaultCollectorName when empty. NetworkUserID is the collector
	// cookie's value, empty for none; a nuid query parameter takes its place
	// in Predict, as in the collector (Service.networkUserId).
	Collector     string    `json:"collector,omitempty"`
	Timestamp     time.Time `json:"timestamp"`
	IPAddress     string    `json:"ipAddress,omitempty"`
	Hostname      string    `json:"hostname,omitempty"`
	UserAgent     string    `json:"useragent,omitempty"`
	RefererURI    string    `json:"refererUri,omitempty"`
	Headers       []string  `json:"headers,omitempty"`
	NetworkUserID string    `json:"networkUserId,omitempty"`
}
