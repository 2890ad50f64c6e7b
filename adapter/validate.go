package adapter

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/sgkit/sgkit/iglu"
	"github.com/sgkit/sgkit/internal/scalamap"
)

// unstructEnvelope is the schema ue_pr's outer self-describing JSON names.
// Enrich validates that JSON's data, the inner self-describing event,
// against it (IgluUtils.extractInputData), then the inner event's data
// against the schema the inner event names.
var unstructEnvelope = iglu.MustParseURI("iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0")

// validate checks the unstruct event against its Iglu schema as enrich
// 6.10's first phase does and returns the failure, or nil when the event is
// valid or has no ue_pr.
func (p *Predictor) validate(pred *Prediction) *igluViolation {
	if pred.RawEvent == nil {
		return nil
	}
	uePr, ok := pred.RawEvent.Parameters["ue_pr"]
	if !ok {
		return nil
	}
	return p.checkUnstruct(uePr)
}

// igluViolation is one FailureDetails.SchemaViolation.IgluError: the key
// validated against and what went wrong.
type igluViolation struct {
	key  iglu.SchemaKey
	data json.RawMessage
	// Exactly one of reports, resolution and schemaErr is set.
	reports    []iglu.Report
	resolution *iglu.ResolutionError
	schemaErr  error
}

// checkUnstruct validates ue_pr as enrich's IgluUtils.parseAndValidateUnstruct
// does. It returns nil for a valid event.
func (p *Predictor) checkUnstruct(uePr string) *igluViolation {
	ctx := context.Background()
	check := func(key iglu.SchemaKey, data json.RawMessage) *igluViolation {
		reports, err := p.Validator.Validate(ctx, key, data)
		v := &igluViolation{key: key, data: data, reports: reports}
		var resolution *iglu.ResolutionError
		switch {
		case errors.As(err, &resolution):
			v.reports, v.resolution = nil, resolution
		case err != nil:
			v.reports, v.schemaErr = nil, err
		case len(reports) == 0:
			return nil
		}
		return v
	}

	// The adapter writes the envelope itself, so a failure of the outer
	// layer means the adapter model is broken. It is still reported as
	// enrich would report it.
	var outer iglu.SelfDescribing
	if err := json.Unmarshal([]byte(uePr), &outer); err != nil {
		return &igluViolation{key: unstructEnvelope, data: json.RawMessage(uePr), schemaErr: err}
	}
	outerKey, err := iglu.ParseURI(outer.Schema)
	if err != nil {
		return &igluViolation{key: unstructEnvelope, data: json.RawMessage(uePr), schemaErr: err}
	}
	if v := check(outerKey, outer.Data); v != nil {
		return v
	}
	var inner iglu.SelfDescribing
	if err := json.Unmarshal(outer.Data, &inner); err != nil {
		return &igluViolation{key: outerKey, data: outer.Data, schemaErr: err}
	}
	key, err := iglu.ParseURI(inner.Schema)
	if err != nil {
		return &igluViolation{key: outerKey, data: outer.Data, schemaErr: err}
	}
	return check(key, inner.Data)
}

// clientError is iglu-scala-client's ClientError JSON for the violation:
// ValidationError with dataReports or schemaIssues, or ResolutionError
// with the lookup history.
func (v *igluViolation) clientError(now time.Time) JSONObject {
	switch {
	case v.resolution != nil:
		history := make([]JSONObject, len(v.resolution.Lookups))
		for i, l := range v.resolution.Lookups {
			e := JSONObject{{"error", "NotFound"}}
			if !errors.Is(l.Err, iglu.ErrNotFound) {
				e = JSONObject{{"error", "RepoFailure"}, {"message", truncateRunes(l.Err.Error(), 256)}}
			}
			history[i] = JSONObject{
				{"errors", []any{e}},
				{"attempts", 1},
				{"lastAttempt", FormatInstant(now)},
				{"repository", l.Repository},
			}
		}
		return JSONObject{{"error", "ResolutionError"}, {"lookupHistory", history}}
	case v.schemaErr != nil:
		issue := JSONObject{{"path", "$"}, {"message", v.schemaErr.Error()}}
		return JSONObject{{"schemaIssues", []any{issue}}, {"error", "ValidationError"}}
	}
	// ClientError's encoder merges {"error": "ValidationError"} into
	// ValidatorError's {"dataReports": [...]}.
	return JSONObject{{"dataReports", v.reports}, {"error", "ValidationError"}}
}

// schemaViolationsRow turns pred into the schema_violations 2-0-0 bad row
// of atomic-field errors, an Iglu failure of the unstruct event (violation,
// nil when it validated), or both. Enrich's first phase reports both in one
// row (EnrichmentManager.createBadRow), the atomic message first, because
// setupEnrichedEvent runs before IgluUtils.parseAndValidateInput. RawEvent
// stays set.
func (p *Predictor) schemaViolationsRow(cp CollectorPayload, pred *Prediction, atomic []AtomicError, violation *igluViolation) {
	now := p.now()
	var messages []json.RawMessage
	var entities []JSONObject
	if len(atomic) > 0 {
		messages = append(messages, AtomicViolation(atomic))
		entities = append(entities, atomicFailureEntity(atomic, now))
	}
	if violation != nil {
		messages = append(messages, marshalNoHTML(JSONObject{{"schemaKey", violation.key.URI()}, {"error", violation.clientError(now)}}))
		entities = append(entities, violation.failureEntity(now))
	}
	payload := JSONObject{
		{"enriched", partiallyEnrichedEvent(cp, pred, entities, violation == nil, now)},
		{"raw", rawEventPayload(cp, pred)},
	}
	pred.Outcome = Bad
	pred.BadRow = NewSchemaViolations(SgkitProcessor(), now, messages, payload)
	pred.Event = nil
	pred.atomicErrs = nil
}

// rawEventPayload is snowplow-badrows' Payload.RawEvent as enrich's
// RawEvent.toRawEvent fills it: the same collector fields as the
// adapter_failures payload, with the raw event's parameters in place of
// the query string and the collector's name as loaderName.
func rawEventPayload(cp CollectorPayload, pred *Prediction) JSONObject {
	source := NewBadRowPayload(cp)
	params := make([]NameValue, 0, len(pred.RawEvent.Parameters))
	if replayed, ok := replayRawParams(cp); ok {
		for _, name := range replayed.keys {
			nv := NameValue{Name: name}
			if v, ok := replayed.values[name]; ok {
				nv.Value = &v
			}
			params = append(params, nv)
		}
	}
	return JSONObject{
		{"vendor", source.Vendor},
		{"version", source.Version},
		{"parameters", params},
		{"contentType", source.ContentType},
		{"loaderName", source.Collector},
		{"encoding", source.Encoding},
		{"hostname", source.Hostname},
		{"timestamp", source.Timestamp},
		{"ipAddress", source.IPAddress},
		{"useragent", source.Useragent},
		{"refererUri", source.RefererURI},
		{"headers", source.Headers},
		{"userId", source.NetworkUserID},
	}
}

// replayRawParams rebuilds the raw event's parameters with their Scala Map
// order and valueless (None) entries, which Prediction.RawEvent does not
// keep, by repeating adapt's parsing of a request it already accepted.
func replayRawParams(cp CollectorPayload) (rawParams, bool) {
	rawQuery, qerr := parseQueryURI(cp.QueryString)
	if qerr != nil || cp.Body == nil {
		return rawParams{}, false
	}
	rawBody, berr := parseQueryURI(normalizeBody(*cp.Body))
	if berr != nil {
		return rawParams{}, false
	}
	return rawEventParameters(FormDecode(rawQuery), FormDecode(rawBody)), true
}

// partiallyEnrichedEvent is snowplow-badrows' PartiallyEnrichedEvent as
// EnrichedEvent.toPartiallyEnrichedEvent fills it after a failure: every
// field, null when unset. Enrich runs all three phases even after a failure, so
// the event has what setupEnrichedEvent, the atomic-field transform and the
// enrichments set (derived_tstamp among them). unstruct_event and
// event_vendor/name/format/version are set only when the unstruct event
// validated (unstructValid), because enrich keeps only a valid unstruct
// event and SchemaEnrichment finds no schema without it. derived_contexts
// contains one failure entity per failure (EnrichmentManager.setDerivedContexts).
func partiallyEnrichedEvent(cp CollectorPayload, pred *Prediction, failures []JSONObject, unstructValid bool, now time.Time) JSONObject {
	collectorName := NewBadRowPayload(cp).Collector
	out := make(JSONObject, 0, len(partiallyEnrichedFields))
	for _, name := range partiallyEnrichedFields {
		var value any
		switch name {
		case "unstruct_event":
			// MiscEnrichments.formatUnstructEvent prints the envelope with
			// circe's noSpaces, which is how the adapter wrote ue_pr.
			if unstructValid && pred.RawEvent != nil {
				if uePr, ok := pred.RawEvent.Parameters["ue_pr"]; ok {
					value = uePr
				}
			}
		case "event_vendor", "event_name", "event_format", "event_version":
			if x, ok := pred.Event[name]; ok && unstructValid {
				value = x
			}
		case "derived_contexts":
			value = failureContexts(failures)
		case "etl_tstamp":
			// EnrichmentManager.setupEnrichedEvent stamps the processing time.
			value = FormatEnrichedTimestamp(now)
		case "v_etl":
			// setupEnrichedEvent: MiscEnrichments.etlVersion, artifact-version.
			value = Artifact + "-" + Version
		case "v_collector":
			// setupEnrichedEvent starts from the collector's name; a cv
			// parameter replaces it.
			value = collectorName
			if x, ok := pred.Event[name]; ok && x != nil {
				value = x
			}
		default:
			if x, ok := pred.Event[name]; ok && x != nil {
				value = enrichedFieldValue(name, x)
			}
		}
		out = append(out, JSONMember{name, value})
	}
	return out
}

// enrichedFieldValue converts a predicted enriched field, written as the
// Analytics SDK JSON has it, to EnrichedEvent's own text: timestamps as
// "yyyy-MM-dd HH:mm:ss.SSS" (EventEnrichments.toTimestamp) instead of ISO
// 8601, self-describing JSON as a JSON string.
// TODO: fields the good-event prediction leaves out stay null, among them
// the random event_id enrich generates without an eid.
func enrichedFieldValue(name string, v any) any {
	if s, ok := v.(string); ok && strings.HasSuffix(name, "_tstamp") {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t.UTC().Format("2006-01-02 15:04:05.000")
		}
		return s
	}
	switch v.(type) {
	case map[string]any, []any:
		b, err := MarshalCirce(v)
		if err != nil {
			return nil
		}
		return string(b)
	}
	return v
}

// failureEntity is the failure 1-0-0 entity of Failure.fromSchemaViolation
// for an Iglu failure of the unstruct event.
func (v *igluViolation) failureEntity(now time.Time) JSONObject {
	var failureType string
	var errs []JSONObject
	switch {
	case v.resolution != nil:
		failureType = "ResolutionError"
		errs = []JSONObject{{
			{"message", "Resolution error: schema " + v.key.URI() + " not found"},
			{"source", "unstruct"},
			{"lookupHistory", v.clientError(now)[1].Value},
		}}
	case v.schemaErr != nil:
		failureType = "ValidationError"
		errs = []JSONObject{{
			{"message", "Invalid schema: " + v.key.URI() + " - " + v.schemaErr.Error()},
			{"source", "unstruct"},
			{"path", "$"},
		}}
	default:
		failureType = "ValidationError"
		for _, r := range v.reports {
			errs = append(errs, JSONObject{
				{"message", r.Message},
				{"source", "unstruct"},
				{"path", r.Path},
				{"keyword", r.Keyword},
				{"targets", r.Targets},
			})
		}
	}
	return JSONObject{
		{"schema", failureSchema},
		{"data", JSONObject{
			{"failureType", failureType},
			{"errors", errs},
			{"schema", v.key.URI()},
			{"data", v.data},
			{"timestamp", FormatInstant(now)},
			{"componentName", Artifact},
			{"componentVersion", Version},
		}},
	}
}

// atomicFailureEntity is the failure 1-0-0 entity of atomic-field errors:
// Failure.fromSchemaViolation of AtomicFields.errorsToSchemaViolation, whose
// data is the failed fields as a Scala Map (errors.map(field := value).toMap).
func atomicFailureEntity(errs []AtomicError, now time.Time) JSONObject {
	reports := make([]JSONObject, len(errs))
	values := map[string]*string{}
	var fields []string
	for i, e := range errs {
		keyword := e.Keyword
		if keyword == "" {
			keyword = KeywordParseError
		}
		reports[i] = JSONObject{
			{"message", e.Message},
			{"source", atomicSource},
			{"path", e.Field},
			{"keyword", keyword},
			{"targets", []string{}},
		}
		if _, seen := values[e.Field]; !seen {
			fields = append(fields, e.Field)
		}
		values[e.Field] = e.Value
	}
	data := make(JSONObject, 0, len(fields))
	for _, f := range scalamap.Order(fields) {
		data = append(data, JSONMember{f, values[f]})
	}
	return JSONObject{
		{"schema", failureSchema},
		{"data", JSONObject{
			{"failureType", "ValidationError"},
			{"errors", reports},
			{"schema", AtomicSchema},
			{"data", data},
			{"timestamp", FormatInstant(now)},
			{"componentName", Artifact},
			{"componentVersion", Version},
		}},
	}
}

// failureContexts is the derived_contexts text enrich 6.x writes into the
// partially enriched event: a contexts 1-0-1 SDJ of the failure entities.
func failureContexts(entities []JSONObject) string {
	contexts := JSONObject{
		{"schema", "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1"},
		{"data", entities},
	}
	b, err := MarshalCirce(contexts)
	if err != nil {
		return ""
	}
	return string(b)
}

// failureSchema is the schema of enrich's failure entities
// (Failure.failureSchemaKey), and atomicSource the source of atomic-field
// errors (AtomicError.source).
const (
	failureSchema = "iglu:com.snowplowanalytics.snowplow/failure/jsonschema/1-0-0"
	atomicSource  = "atomic_field"
)

// partiallyEnrichedFields are snowplow-badrows' PartiallyEnrichedEvent
// fields in declaration order, which circe's derived encoder keeps.
var partiallyEnrichedFields = strings.Fields(`
app_id platform etl_tstamp collector_tstamp dvce_created_tstamp event event_id
txn_id name_tracker v_tracker v_collector v_etl user_id user_ipaddress
user_fingerprint domain_userid domain_sessionidx network_userid geo_country
geo_region geo_city geo_zipcode geo_latitude geo_longitude geo_region_name
ip_isp ip_organization ip_domain ip_netspeed page_url page_title page_referrer
page_urlscheme page_urlhost page_urlport page_urlpath page_urlquery
page_urlfragment refr_urlscheme refr_urlhost refr_urlport refr_urlpath
refr_urlquery refr_urlfragment refr_medium refr_source refr_term mkt_medium
mkt_source mkt_term mkt_content mkt_campaign contexts se_category se_action
se_label se_property se_value unstruct_event tr_orderid tr_affiliation
tr_total tr_tax tr_shipping tr_city tr_state tr_country ti_orderid ti_sku
ti_name ti_category ti_price ti_quantity pp_xoffset_min pp_xoffset_max
pp_yoffset_min pp_yoffset_max useragent br_name br_family br_version br_type
br_renderengine br_lang br_features_pdf br_features_flash br_features_java
br_features_director br_features_quicktime br_features_realplayer
br_features_windowsmedia br_features_gears br_features_silverlight br_cookies
br_colordepth br_viewwidth br_viewheight os_name os_family os_manufacturer
os_timezone dvce_type dvce_ismobile dvce_screenwidth dvce_screenheight
doc_charset doc_width doc_height tr_currency tr_total_base tr_tax_base
tr_shipping_base ti_currency ti_price_base base_currency geo_timezone
mkt_clickid mkt_network etl_tags dvce_sent_tstamp refr_domain_userid
refr_dvce_tstamp derived_contexts domain_sessionid derived_tstamp event_vendor
event_name event_format event_version event_fingerprint true_tstamp`)

// truncateRunes cuts s to at most n code points, the unit of the bad-row
// schemas' maxLength.
func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
