package adapter

import (
	"fmt"
	"strings"
	"unicode/utf16"
)

// Size limits of stream collector 3.4.0 with its shipped configuration.
const (
	// DefaultMaxBytes is the good sink's maxBytes default in the Kinesis,
	// Kafka and NSQ collectors' application.conf (maxBytes = 1000000).
	DefaultMaxBytes = 1000000
	// DefaultMaxPayloadSize is reference.conf's networking.maxPayloadSize
	// (1048576, 1 MiB).
	DefaultMaxPayloadSize = 1048576
)

// sizeViolation returns the size_violation row the collector writes instead
// of sinking cp, or nil when cp fits. It follows stream collector 3.4.0
// SplitBatch.splitAndSerializePayload: a serialized payload of at least
// MaxBytes that is larger than MaxPayloadSize fails with "Payload exceeds
// max size", and one in between is split only when its body is a
// self-describing JSON with a data array. A StatusGator form body never is,
// so the split fails with the reason named.
func (p *Predictor) sizeViolation(cp CollectorPayload) (*Prediction, error) {
	if p.MaxBytes <= 0 {
		return nil, nil
	}
	// The serialized payload holds the network user id the collector
	// records, and a random UUID (36 characters) when there is none.
	sized := cp
	var query []NameValue
	if raw, err := parseQueryURI(cp.QueryString); err == nil {
		query = FormDecode(raw)
	}
	nuid, ok := collectorNUID(cp, query)
	if !ok {
		nuid = "00000000-0000-0000-0000-000000000000"
	}
	sized.NetworkUserID = nuid

	size := ThriftSize(sized)
	if size < p.MaxBytes {
		return nil, nil
	}

	limit, msg := p.MaxBytes, ""
	switch {
	case p.MaxPayloadSize > 0 && int64(size) > p.MaxPayloadSize:
		limit = int(p.MaxPayloadSize)
		msg = fmt.Sprintf("Payload exceeds max size of %d. Actual length: %d", p.MaxPayloadSize, size)
	case cp.Body == nil:
		msg = "GET requests cannot be split"
	default:
		reason, err := jawnNotJSON(normalizeBody(*cp.Body))
		if err != nil {
			return nil, err
		}
		msg = "cannot split POST requests which are not json " + reason
	}

	row := NewSizeViolation(SgkitProcessor(), p.now(), limit, size, msg, ThriftString(sized))
	return &Prediction{Outcome: Bad, BadRow: row}, nil
}

// jawnNotJSON returns circe's ParsingFailure message for a body that does
// not start a JSON value: jawn 1.x's die writes "expected json value got"
// and the next six characters (then "..." when more follow), as circe's
// parsing documentation shows for "yolo". A body that starts like JSON
// (or with white space) gets another message, which sgkit does not model.
// NOTE: the six-character cut comes from published jawn messages (circe's
// docs, "unexpected body" quoted as 'unexpe...'), not from jawn's source.
func jawnNotJSON(body string) (string, error) {
	if body == "" || strings.ContainsRune("{[\"-0123456789tfn \t\r\n", rune(body[0])) {
		return "", fmt.Errorf("body %.20q... is at or over the sink's maxBytes and starts like JSON, so the collector's split attempt fails with a JSON parser message sgkit does not model; send a form body", body)
	}
	units := utf16.Encode([]rune(body))
	got := string(utf16.Decode(units[:min(6, len(units))]))
	if len(units) > 6 {
		got += "..."
	}
	return "expected json value got '" + got + "' (line 1, column 1)", nil
}
