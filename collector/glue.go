package collector

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// processorArtifact names this collector in the bad rows it writes itself.
const processorArtifact = "sgkit-collector"

// storedContentType returns the content type the collector stores for a
// Content-Type header: the header as http4s renders it, lowercased; nil
// when there was none.
//
// TODO: use the adapter's exported normalisation once it lands; this
// lowercases the header as sent and misses http4s' re-rendering of
// parameters (";charset=UTF-8" becomes "; charset=utf-8") and its
// treatment of an unparseable header as absent.
func storedContentType(header *string) *string {
	if header == nil {
		return nil
	}
	s := strings.ToLower(*header)
	return &s
}

// sizeViolation builds the bad row stream collector 3.4.0 writes for a
// payload above maxPayloadSize (SplitBatch.oversizedPayload): the limit,
// the actual size, and the payload's Thrift toString cut to a tenth of the
// limit.
//
// TODO: use the adapter's exported size_violation constructor once it
// lands, so that every bad row is built in one place.
func sizeViolation(f thriftFields, size int, limit int64, now time.Time) (json.RawMessage, error) {
	payload := f.String()
	// Scala's String.take counts UTF-16 code units.
	payload = takeUTF16(payload, int(limit/10))
	data := orderedObject{
		{"processor", orderedObject{{"artifact", processorArtifact}, {"version", Version}}},
		{"failure", orderedObject{
			{"timestamp", now.UTC().Format(time.RFC3339Nano)},
			{"maximumAllowedSizeBytes", limit},
			{"actualSizeBytes", size},
			{"expectation", fmt.Sprintf("oversized collector payload: Payload exceeds max size of %d. Actual length: %d", limit, size)},
		}},
		{"payload", payload},
	}
	return marshalNoEscape(orderedObject{
		{"schema", "iglu:com.snowplowanalytics.snowplow.badrows/size_violation/jsonschema/1-0-0"},
		{"data", data},
	})
}

// takeUTF16 returns the first n UTF-16 code units of s, never splitting a
// character.
func takeUTF16(s string, n int) string {
	units := 0
	for i, r := range s {
		w := 1
		if r >= 0x10000 {
			w = 2
		}
		if units+w > n {
			return s[:i]
		}
		units += w
	}
	return s
}

// orderedObject is a JSON object that keeps its keys in order, as circe
// writes case classes.
type orderedObject []struct {
	key   string
	value any
}

// MarshalJSON writes the members in order.
func (o orderedObject) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := marshalNoEscape(m.key)
		v, err := marshalNoEscape(m.value)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return []byte(b.String()), nil
}

// querystringPairs splits a raw query string into Micro's "name=value"
// strings, decoding each part like HttpClient's URLEncodedUtils ('&' and
// ';' separate fields, '+' is a space, a name without '=' gets the value
// null, empty names are skipped).
//
// TODO: use the adapter's exported query decoding once it lands; this
// approximation decodes invalid UTF-8 to U+FFFD like HttpClient but does
// not reproduce java.net.URI's rejection of illegal characters.
func querystringPairs(query string) []string {
	out := []string{}
	for _, token := range strings.FieldsFunc(query, func(r rune) bool { return r == '&' || r == ';' }) {
		name, value, hasValue := strings.Cut(token, "=")
		name = decodeFormPart(name)
		if name == "" {
			continue
		}
		if !hasValue {
			out = append(out, name+"=null")
			continue
		}
		out = append(out, name+"="+decodeFormPart(value))
	}
	return out
}

func decodeFormPart(s string) string {
	s = strings.ReplaceAll(s, "+", " ")
	if decoded, err := url.PathUnescape(s); err == nil {
		s = decoded
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return s
}
