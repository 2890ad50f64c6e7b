package adapter

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// What enrich does with the adapter's raw event (snowplow/enrich 6.10
// EnrichmentManager.setupEnrichedEvent and Transform.transform): each
// parameter with a value goes through its converter. A failure is an
// AtomicError.ParseError, and any of them turns the event into a
// schema_violations bad row against the atomic schema.

// AtomicSchema is the Iglu URI enrich names for atomic-field failures
// (AtomicFields.atomicSchema).
const AtomicSchema = "iglu:com.snowplowanalytics.snowplow/atomic/jsonschema/1-0-0"

// canonicalUUID is the text java.util.UUID.toString writes, in either case.
var canonicalUUID = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// validateUUID is enrich's ConversionUtils.validateUuid: UUID.fromString(s)
// must succeed and s.toLowerCase must equal the UUID's toString, which holds
// exactly for the canonical 8-4-4-4-12 form in any letter case (confirmed
// with OpenJDK 17: "1-2-3-4-5" parses but fails the comparison). The stored
// value is s lowercased.
func validateUUID(s string) (string, bool) {
	if !canonicalUUID.MatchString(s) {
		return "", false
	}
	return strings.ToLower(s), true
}

// platforms is MiscEnrichments.extractPlatform's list.
var platforms = map[string]bool{
	"web": true, "iot": true, "app": true, "mob": true, "pc": true,
	"cnsl": true, "tv": true, "srv": true, "headset": true,
}

// tsvSafe is ConversionUtils.makeTsvSafe, used for aid, cv, nuid, url and
// tv: tabs become four spaces, ASCII control characters (\p{Cntrl}) are
// removed, and an empty result is null.
func tsvSafe(s string) *string {
	s = strings.ReplaceAll(s, "\t", "    ")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7F {
			return -1
		}
		return r
	}, s)
	if s == "" {
		return nil
	}
	return &s
}

// AtomicError is enrich's AtomicError: a raw-event parameter its converter
// rejected (ParseError), or an enriched field longer than the atomic schema
// allows (FieldLengthError, Keyword KeywordLengthExceeded).
type AtomicError struct {
	Message string
	Field   string
	Value   *string
	// Keyword is the report's keyword, KeywordParseError when empty.
	Keyword string
}

// Keywords of atomic-field reports (AtomicError.keywordParse and keywordLength).
const (
	KeywordParseError     = "atomic_field_parse_error"
	KeywordLengthExceeded = "atomic_field_length_exceeded"
)

// atomicReport is iglu-scala-client's ValidatorReport as enrich builds it
// from an AtomicError (AtomicError.toValidatorReport): path is the field
// name, keyword "atomic_field_parse_error", no targets.
type atomicReport struct {
	Message string   `json:"message"`
	Path    string   `json:"path"`
	Keyword string   `json:"keyword"`
	Targets []string `json:"targets"`
}

// AtomicViolation returns the schema_violations message enrich writes for
// atomic-field errors (AtomicFields.errorsToSchemaViolation): an IgluError
// on the atomic schema whose ValidationError lists one data report per
// error.
func AtomicViolation(errs []AtomicError) json.RawMessage {
	reports := make([]atomicReport, len(errs))
	for i, e := range errs {
		keyword := e.Keyword
		if keyword == "" {
			keyword = KeywordParseError
		}
		reports[i] = atomicReport{Message: e.Message, Path: e.Field, Keyword: keyword, Targets: []string{}}
	}
	type clientError struct {
		DataReports []atomicReport `json:"dataReports"`
		Error       string         `json:"error"`
	}
	return marshalNoHTML(struct {
		SchemaKey string      `json:"schemaKey"`
		Error     clientError `json:"error"`
	}{AtomicSchema, clientError{reports, "ValidationError"}})
}

// NewSchemaViolations returns a schema_violations 2-0-0 bad row with the
// given messages (each a FailureDetails.SchemaViolation as JSON) and
// payload (badrows Payload.EnrichmentPayload: {"enriched": ..., "raw": ...}).
func NewSchemaViolations(proc Processor, at time.Time, messages []json.RawMessage, payload any) *BadRow {
	type failure struct {
		Timestamp string            `json:"timestamp"`
		Messages  []json.RawMessage `json:"messages"`
	}
	return newBadRow(SchemaViolationsSchema, proc, failure{FormatInstant(at), messages}, payload)
}

// FormatEnrichedTimestamp writes t as enrich's EventEnrichments.toTimestamp
// does for collector_tstamp and etl_tstamp in the enriched TSV:
// "yyyy-MM-dd HH:mm:ss.SSS" in UTC.
func FormatEnrichedTimestamp(t time.Time) string {
	return t.UTC().Format("2006-01-02 15:04:05.000")
}

// atomicLimits are the maxLength values of the atomic 1-0-0 schema for the
// enriched fields sgkit predicts, in the order of AtomicFields.supportedFields.
var atomicLimits = []struct {
	field string
	limit int
}{
	{"app_id", 255}, {"platform", 255}, {"event", 128}, {"event_id", 36}, {"v_tracker", 100},
	{"v_collector", 100}, {"user_ipaddress", 128}, {"network_userid", 128}, {"page_url", 4096},
	{"useragent", 1000}, {"event_vendor", 1000}, {"event_name", 1000}, {"event_format", 128},
	{"event_version", 128},
}

// checkAtomicLengths is enrich's AtomicFieldsLengthValidator with the
// reference configuration (acceptInvalid false): an enriched field longer
// than its limit, counted in UTF-16 units as String.length does, turns a
// good event into a schema_violations bad row. Enrich runs it after the
// Iglu validation of the unstruct event, whose failure takes precedence.
func (p *Predictor) checkAtomicLengths(cp CollectorPayload, pred *Prediction) {
	var errs []AtomicError
	for _, l := range atomicLimits {
		v, ok := pred.Event[l.field].(string)
		if !ok || utf16Len(v) <= l.limit {
			continue
		}
		errs = append(errs, AtomicError{
			Message: "Field is longer than maximum allowed size " + strconv.Itoa(l.limit),
			Field:   l.field,
			Value:   &v,
			Keyword: KeywordLengthExceeded,
		})
	}
	if len(errs) == 0 {
		return
	}
	p.schemaViolationsRow(cp, pred, errs, nil)
}
