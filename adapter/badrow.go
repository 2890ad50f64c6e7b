package adapter

import (
	"encoding/json"
	"strings"
	"time"
)

// Iglu URIs of the bad rows sgkit writes (snowplow-badrows 2.x Schemas.scala).
const (
	AdapterFailuresSchema   = "iglu:com.snowplowanalytics.snowplow.badrows/adapter_failures/jsonschema/1-0-0"
	CPFormatViolationSchema = "iglu:com.snowplowanalytics.snowplow.badrows/collector_payload_format_violation/jsonschema/1-0-0"
	SizeViolationSchema     = "iglu:com.snowplowanalytics.snowplow.badrows/size_violation/jsonschema/1-0-0"
	SchemaViolationsSchema  = "iglu:com.snowplowanalytics.snowplow.badrows/schema_violations/jsonschema/2-0-0"
)

// Processor names the software that wrote a bad row (badrows Processor).
type Processor struct {
	Artifact string `json:"artifact"`
	Version  string `json:"version"`
}

// SgkitProcessor is the processor of every bad row sgkit predicts.
func SgkitProcessor() Processor { return Processor{Artifact: Artifact, Version: Version} }

// AdapterFailure is badrows FailureDetails.AdapterFailure.InputData: the
// one kind of message enrich's StatusGator adapter and adapter registry
// write.
type AdapterFailure struct {
	Field       string  `json:"field"`
	Value       *string `json:"value"`
	Expectation string  `json:"expectation"`
}

// BadRowPayload is badrows Payload.CollectorPayload, the payload of an
// adapter_failures bad row, with the fields in the order circe's derived
// encoder writes them and null for absent values.
type BadRowPayload struct {
	Vendor        string      `json:"vendor"`
	Version       string      `json:"version"`
	Querystring   []NameValue `json:"querystring"`
	ContentType   *string     `json:"contentType"`
	Body          *string     `json:"body"`
	Collector     string      `json:"collector"`
	Encoding      string      `json:"encoding"`
	Hostname      *string     `json:"hostname"`
	Timestamp     *string     `json:"timestamp"`
	IPAddress     *string     `json:"ipAddress"`
	Useragent     *string     `json:"useragent"`
	RefererURI    *string     `json:"refererUri"`
	Headers       []string    `json:"headers"`
	NetworkUserID *string     `json:"networkUserId"`
}

// FormatInstant writes t as java.time.Instant.toString does (circe's
// Encoder[Instant], used for every failure.timestamp): UTC, seconds always,
// the fraction in groups of three digits and only when non-zero.
func FormatInstant(t time.Time) string {
	t = t.UTC()
	s := t.Format("2006-01-02T15:04:05")
	ns := t.Nanosecond()
	switch {
	case ns == 0:
	case ns%1_000_000 == 0:
		s += t.Format(".000")
	case ns%1_000 == 0:
		s += t.Format(".000000")
	default:
		s += t.Format(".000000000")
	}
	return s + "Z"
}

// FormatJodaTime writes t as Joda-Time DateTime.toString does in UTC (the
// badrows encoder for the collector timestamp): milliseconds always, "Z".
func FormatJodaTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// NewBadRowPayload builds the payload enrich writes into adapter_failures
// for a collector payload (enrich CollectorPayload.toBadRowPayload): the
// vendor and version from the path, the query string as enrich's loader
// parsed it, and the content type as the collector stored it.
func NewBadRowPayload(cp CollectorPayload) BadRowPayload {
	vendor, version, _ := splitAPIPath(cp.Path)
	p := BadRowPayload{
		Vendor:        vendor,
		Version:       version,
		Querystring:   []NameValue{},
		ContentType:   storedContentType(cp.ContentType),
		Body:          cp.Body,
		Collector:     cp.Collector,
		Encoding:      "UTF-8",
		Hostname:      optional(cp.Hostname),
		IPAddress:     optional(cp.IPAddress),
		Useragent:     optional(cp.UserAgent),
		RefererURI:    optional(cp.RefererURI),
		Headers:       cp.Headers,
		NetworkUserID: optional(strings.ToLower(cp.NetworkUserID)),
	}
	if p.Collector == "" {
		p.Collector = DefaultCollectorName
	}
	if p.Headers == nil {
		p.Headers = []string{}
	}
	if p.Body != nil {
		b := normalizeBody(*p.Body)
		p.Body = &b
	}
	if raw, err := parseQueryURI(cp.QueryString); err == nil {
		p.Querystring = FormDecode(raw)
		if p.Querystring == nil {
			p.Querystring = []NameValue{}
		}
	}
	if !cp.Timestamp.IsZero() {
		ts := FormatJodaTime(cp.Timestamp)
		p.Timestamp = &ts
	}
	return p
}

// NewAdapterFailures returns an adapter_failures 1-0-0 bad row, as enrich's
// AdapterRegistry writes it for a payload an adapter rejects.
func NewAdapterFailures(proc Processor, at time.Time, vendor, version string, messages []AdapterFailure, payload BadRowPayload) *BadRow {
	type failure struct {
		Timestamp string           `json:"timestamp"`
		Vendor    string           `json:"vendor"`
		Version   string           `json:"version"`
		Messages  []AdapterFailure `json:"messages"`
	}
	return newBadRow(AdapterFailuresSchema, proc, failure{FormatInstant(at), vendor, version, messages}, payload)
}

// CPFormatViolationMessage is badrows
// FailureDetails.CPFormatViolationMessage.InputData.
type CPFormatViolationMessage struct {
	PayloadField string  `json:"payloadField"`
	Value        *string `json:"value"`
	Expectation  string  `json:"expectation"`
}

// NewCPFormatViolation returns a collector_payload_format_violation 1-0-0
// bad row as enrich's ThriftLoader writes it: loader "thrift", one message,
// and the payload as the Base64 of the serialized Thrift CollectorPayload
// (see ThriftBase64).
func NewCPFormatViolation(proc Processor, at time.Time, message CPFormatViolationMessage, rawPayload string) *BadRow {
	type failure struct {
		Timestamp string                   `json:"timestamp"`
		Loader    string                   `json:"loader"`
		Message   CPFormatViolationMessage `json:"message"`
	}
	return newBadRow(CPFormatViolationSchema, proc, failure{FormatInstant(at), "thrift", message}, rawPayload)
}

// NewSizeViolation returns a size_violation 1-0-0 bad row as the stream
// collector writes it (stream-collector 3.4.0 SplitBatch.oversizedPayload):
// the expectation gets the prefix "oversized collector payload: ", and the
// payload is the first maxSize/10 UTF-16 units of the Thrift payload's
// toString. Pass ThriftString(cp) whole: the cut is made here.
func NewSizeViolation(proc Processor, at time.Time, maxSize, actualSize int, msg, payloadString string) *BadRow {
	type failure struct {
		Timestamp               string `json:"timestamp"`
		MaximumAllowedSizeBytes int    `json:"maximumAllowedSizeBytes"`
		ActualSizeBytes         int    `json:"actualSizeBytes"`
		Expectation             string `json:"expectation"`
	}
	f := failure{FormatInstant(at), maxSize, actualSize, "oversized collector payload: " + msg}
	return newBadRow(SizeViolationSchema, proc, f, takeUTF16(payloadString, maxSize/10))
}

// takeUTF16 is Scala's StringOps.take(n) on a Java string: the first n
// UTF-16 units. A surrogate pair cut in half leaves a lone high surrogate,
// which String.getBytes(UTF_8) writes as '?' (confirmed on OpenJDK 17).
func takeUTF16(s string, n int) string {
	if n <= 0 {
		return ""
	}
	units := 0
	for i, r := range s {
		w := 1
		if r >= 0x10000 {
			w = 2
		}
		if units+w > n {
			if units < n {
				return s[:i] + "?"
			}
			return s[:i]
		}
		units += w
	}
	return s
}

// newBadRow wraps processor, failure and payload into a self-describing bad
// row, in the field order of the badrows encoders.
func newBadRow(schema string, proc Processor, failure, payload any) *BadRow {
	data := struct {
		Processor Processor `json:"processor"`
		Failure   any       `json:"failure"`
		Payload   any       `json:"payload"`
	}{proc, failure, payload}
	return &BadRow{Schema: schema, Data: marshalNoHTML(data)}
}

// marshalNoHTML encodes v as circe prints it (see MarshalCirce).
func marshalNoHTML(v any) json.RawMessage {
	// Only structs of strings, numbers and slices reach here, and those
	// always encode, so the error cannot occur.
	b, _ := MarshalCirce(v)
	return b
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
