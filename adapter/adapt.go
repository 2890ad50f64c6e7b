package adapter

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sgkit/sgkit/internal/scalamap"
)

// StatusGator's place in enrich (AdapterRegistry.scala, StatusGatorAdapter.scala).
const (
	Vendor        = "com.statusgator"
	VendorVersion = "v1"
	// TrackerVersion is the tv parameter and v_tracker field of every event.
	TrackerVersion = "com.statusgator-v1"
	// FormContentType is the one content type the adapter accepts.
	FormContentType = "application/x-www-form-urlencoded"
	// StatusChangeSchema is the schema of the unstruct event's data.
	StatusChangeSchema = "iglu:com.statusgator/status_change/jsonschema/1-0-0"
	// UnstructEventSchema is the envelope of ue_pr (Adapter.UnstructEvent).
	UnstructEventSchema = "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0"
)

// otherAdapters are the vendor/version pairs enrich 6.10's AdapterRegistry
// routes to adapters other than StatusGator's. sgkit does not model them,
// so Predict returns an error for them rather than a wrong prediction.
var otherAdapters = map[string]string{
	"com.snowplowanalytics.snowplow/tp1":      "Snowplow tracker protocol 1",
	"com.snowplowanalytics.snowplow/tp2":      "Snowplow tracker protocol 2",
	"r/tp2":                                   "redirect",
	"com.snowplowanalytics.iglu/v1":           "Iglu webhook",
	"com.callrail/v1":                         "CallRail",
	"com.amazon.aws.cloudfront/wd_access_log": "CloudFront access log",
	"com.mailchimp/v1":                        "Mailchimp",
	"com.mailgun/v1":                          "Mailgun",
	"com.google.analytics/v1":                 "Google Analytics",
	"com.mandrill/v1":                         "Mandrill",
	"com.olark/v1":                            "Olark",
	"com.pagerduty/v1":                        "PagerDuty",
	"com.pingdom/v1":                          "Pingdom",
	"com.sendgrid/v3":                         "SendGrid",
	"com.unbounce/v1":                         "Unbounce",
	"com.urbanairship.connect/v1":             "Urban Airship Connect",
	"com.marketo/v1":                          "Marketo",
	"com.getvero/v1":                          "Vero",
	"com.hubspot/v1":                          "HubSpot",
}

// apiPath is enrich's CollectorPayload.ApiPathRegex.
var apiPath = regexp.MustCompile(`^/?([^/]+)/([^/]+)/?$`)

// splitAPIPath returns the vendor and version of a collector path.
func splitAPIPath(path string) (vendor, version string, ok bool) {
	m := apiPath.FindStringSubmatch(path)
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}

// collectorPath returns the path the collector records for a request to
// path, or an error for a path it does not pass to enrich. Stream collector
// 3.4.0 routes POST -> Root / vendor / version (Routes.scala): http4s'
// dsl "/" extractor matches exactly two segments and no trailing slash
// (the collector responds 404 to anything else), and decodes each segment with Uri.decode.
// Service.determinePath then rebuilds "/vendor/version" from the decoded
// segments (config.paths is empty by default).
func collectorPath(path string) (string, error) {
	usage := "/" + Vendor + "/" + VendorVersion
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		return "", fmt.Errorf("path %q contains %q: give the query string separately (CollectorPayload.QueryString, sgkit predict --query) and the path alone, e.g. %s", path, path[i:i+1], usage)
	}
	if path == "/i" || path == "/ice.png" {
		// Routes.cookieRoutes serves these pixel paths, and enrich sends
		// their payloads to the Snowplow tracker protocol adapter.
		return "", fmt.Errorf("path %q is the collector's tracking pixel, whose payload enrich's Snowplow tracker protocol adapter handles, which sgkit does not model; use %s", path, usage)
	}
	segments := strings.Split(strings.TrimPrefix(path, "/"), "/")
	if !strings.HasPrefix(path, "/") || len(segments) != 2 || segments[0] == "" || segments[1] == "" {
		return "", fmt.Errorf("path %q is not /vendor/version with two non-empty segments and no trailing slash: a Snowplow collector responds 404 (http4s route Root / vendor / version) and sends nothing to enrich; use %s", path, usage)
	}
	for i, seg := range segments {
		segments[i] = http4sDecode(seg)
		if strings.Contains(segments[i], "/") {
			// TODO: enrich's CollectorPayload.parseApi rejects the rebuilt
			// path as a collector_payload_format_violation, not modelled.
			return "", fmt.Errorf("path %q has a segment that decodes to %q, which contains '/': enrich rejects the rebuilt path before any adapter runs, which sgkit does not model; use %s", path, segments[i], usage)
		}
	}
	return "/" + segments[0] + "/" + segments[1], nil
}

// http4sDecode is http4s 0.23 Uri.decode of a path segment (UTF-8, '+'
// kept): "%XY" with two hex digits becomes that byte, any other '%' stays,
// and the bytes are decoded as UTF-8 with Java's replacement of malformed
// input. NOTE: Character.digit also takes non-ASCII digits, which this
// keeps as literal text.
func http4sDecode(seg string) string {
	if !strings.Contains(seg, "%") {
		return seg
	}
	out := make([]byte, 0, len(seg))
	for i := 0; i < len(seg); i++ {
		if seg[i] == '%' && i+2 < len(seg) {
			hi, ok1 := hexDigit(seg[i+1])
			lo, ok2 := hexDigit(seg[i+2])
			if ok1 && ok2 {
				out = append(out, hi<<4|lo)
				i += 2
				continue
			}
		}
		out = append(out, seg[i])
	}
	return JavaUTF8(out)
}

// acceptedQueryParameters are the query parameters the adapter copies into
// the raw event (Adapter.AcceptedQueryParameters). All others are dropped.
var acceptedQueryParameters = []string{"nuid", "aid", "cv", "eid", "ttm", "url"}

// storedContentType is the content type the collector records for a
// request sent with the header cp.ContentType (nil: no header).
func storedContentType(header *string) *string {
	if header == nil {
		return nil
	}
	ct, ok := NormalizeContentType(*header)
	if !ok {
		return nil
	}
	return &ct
}

// normalizeBody makes a body that is not valid UTF-8 what the collector
// would have read from the same bytes (JavaUTF8), so callers may pass raw
// bytes as a string.
func normalizeBody(body string) string {
	if utf8.ValidString(body) {
		return body
	}
	return JavaUTF8([]byte(body))
}

// adapt runs the collector and enrich's StatusGator adapter and atomic
// field steps.
//
// It replaces cp.NetworkUserID with the text enrich keeps once the loader
// accepted it (UUID.toString), which every later step and bad row uses.
func (p *Predictor) adapt(cp *CollectorPayload) (Prediction, error) {
	routed, err := collectorPath(cp.Path)
	if err != nil {
		return Prediction{}, err
	}
	cp.Path = routed
	if err := checkBodyCharset(*cp); err != nil {
		return Prediction{}, err
	}
	// The collector measures the payload before it sinks it (Service.sinkEvent).
	if tooBig, err := p.sizeViolation(*cp); tooBig != nil || err != nil {
		if err != nil {
			return Prediction{}, err
		}
		return *tooBig, nil
	}
	vendor, version, ok := splitAPIPath(cp.Path)
	if !ok {
		return Prediction{}, fmt.Errorf("path %q is not /vendor/version: a Snowplow collector responds 404 and sends nothing to enrich; use %s", cp.Path, "/"+Vendor+"/"+VendorVersion)
	}
	api := vendor + "/" + version
	if name, known := otherAdapters[api]; known {
		return Prediction{}, fmt.Errorf("path %q goes to enrich's %s adapter, which sgkit does not model; use %s", cp.Path, name, "/"+Vendor+"/"+VendorVersion)
	}

	// Loader.parseQuerystring: a query string java.net.URI rejects fails the
	// whole collector payload before any adapter runs.
	rawQuery, qerr := parseQueryURI(cp.QueryString)
	if qerr != nil {
		// TODO: when the network user id is invalid too, enrich writes a
		// second collector_payload_format_violation row because
		// ThriftLoader's mapN keeps both. A Prediction holds the first.
		return p.cpFormatViolation(*cp, qerr), nil
	}
	query := FormDecode(rawQuery)

	nuid, hasNUID := collectorNUID(*cp, query)
	if hasNUID {
		// enrich 6.10 ThriftLoader.parseNetworkUserId: UUID.fromString or the
		// whole payload fails; the raw event keeps the UUID's toString.
		id, ok := javaUUIDFromString(nuid)
		if !ok {
			cp.NetworkUserID = nuid
			return p.nuidFormatViolation(*cp, nuid), nil
		}
		cp.NetworkUserID = id
	}

	if api != Vendor+"/"+VendorVersion {
		// AdapterRegistry.toRawEvents: no adapter and no remote adapter for the pair.
		return p.adapterFailure(*cp, vendor, version, AdapterFailure{
			Field: "vendor/version", Value: &api, Expectation: "vendor/version combination is not supported",
		}), nil
	}

	ct := storedContentType(cp.ContentType)
	var body *string
	if cp.Body != nil {
		b := normalizeBody(*cp.Body)
		body = &b
	}

	// The four checks of StatusGatorAdapter.toRawEvents, in its match order.
	switch {
	case body == nil || *body == "":
		return p.adapterFailure(*cp, vendor, version, AdapterFailure{
			Field: "body", Expectation: "empty body: no events to process",
		}), nil
	case ct == nil:
		return p.adapterFailure(*cp, vendor, version, AdapterFailure{
			Field: "contentType", Expectation: "no content type: expected " + FormContentType,
		}), nil
	case *ct != FormContentType:
		// The whole stored value is compared, so any parameter fails too.
		return p.adapterFailure(*cp, vendor, version, AdapterFailure{
			Field: "contentType", Value: ct, Expectation: "expected " + FormContentType,
		}), nil
	}

	rawBody, berr := parseQueryURI(*body)
	if berr != nil {
		// The expectation may exceed the schema's maxLength of 256: enrich
		// writes the whole message too.
		return p.adapterFailure(*cp, vendor, version, AdapterFailure{
			Field: "body", Value: body, Expectation: "could not parse body: " + stripInstanceEtc(berr.Error()),
		}), nil
	}

	params := rawEventParameters(query, FormDecode(rawBody))
	pred := Prediction{Outcome: Good, RawEvent: &RawEvent{Parameters: params.values}}
	p.enrich(*cp, params, &pred)
	return pred, nil
}

// rawParams is the raw event's parameter map as enrich holds it: names with
// an optional value (a valueless query parameter is present but None).
type rawParams struct {
	values map[string]string // parameters with a value, as the prediction shows them
	keys   []string          // every parameter name, in Scala Map iteration order
}

// rawEventParameters builds the raw event of Adapter.buildUnstructEventParams.
func rawEventParameters(query, body []NameValue) rawParams {
	qs := lastValues(query)
	values := map[string]string{
		"tv":    TrackerVersion,
		"e":     "ue",
		"ue_pr": unstructEventJSON(body),
	}
	// "p" -> parameters.getOrElse("p", Option("srv")): a valueless p stays None.
	if v, ok := qs.get("p"); !ok {
		values["p"] = "srv"
	} else if v != nil {
		values["p"] = *v
	}
	keys := []string{"tv", "e", "p", "ue_pr"}
	for _, name := range qs.order {
		if !isAccepted(name) {
			continue
		}
		keys = append(keys, name)
		if v, _ := qs.get(name); v != nil {
			values[name] = *v
		}
	}
	return rawParams{values: values, keys: scalamap.Order(keys)}
}

func isAccepted(name string) bool {
	for _, a := range acceptedQueryParameters {
		if a == name {
			return true
		}
	}
	return false
}

// orderedValues is a Scala immutable Map[String, Option[String]] built from
// a list of pairs (Adapter.toMap): the last value of a repeated name wins,
// order is first insertion.
type orderedValues struct {
	order []string
	vals  map[string]*string
}

func lastValues(fields []NameValue) orderedValues {
	ov := orderedValues{vals: make(map[string]*string, len(fields))}
	for _, f := range fields {
		if _, seen := ov.vals[f.Name]; !seen {
			ov.order = append(ov.order, f.Name)
		}
		ov.vals[f.Name] = f.Value
	}
	return ov
}

func (ov orderedValues) get(name string) (*string, bool) {
	v, ok := ov.vals[name]
	return v, ok
}

// unstructEventJSON builds ue_pr exactly as enrich prints it: the body
// fields as a Scala Map (last value wins), in that Map's iteration order,
// keys camelCased (a collision keeps the first key's place and the later
// value, as circe's JsonObject.fromIterable does), null for a valueless
// field, wrapped in the status_change and unstruct_event envelopes and
// printed by circe's noSpaces printer.
func unstructEventJSON(body []NameValue) string {
	fields := lastValues(body)
	type member struct {
		key   string
		value *string
	}
	var members []member
	index := map[string]int{}
	for _, name := range scalamap.Order(fields.order) {
		key := camelCase(name)
		v, _ := fields.get(name)
		if i, dup := index[key]; dup {
			members[i].value = v
			continue
		}
		index[key] = len(members)
		members = append(members, member{key, v})
	}

	var b strings.Builder
	b.WriteString(`{"schema":"` + UnstructEventSchema + `","data":{"schema":"` + StatusChangeSchema + `","data":{`)
	for i, m := range members {
		if i > 0 {
			b.WriteByte(',')
		}
		writeCirceString(&b, m.key)
		b.WriteByte(':')
		if m.value == nil {
			b.WriteString("null")
		} else {
			writeCirceString(&b, *m.value)
		}
	}
	b.WriteString("}}}")
	return b.String()
}

// enrich fills the enriched fields of a good event, or turns the prediction
// into a schema_violations bad row when a parameter fails its atomic-field
// converter (Transform.transform). RawEvent stays set either way.
func (p *Predictor) enrich(cp CollectorPayload, params rawParams, pred *Prediction) {
	v := params.values
	event := map[string]any{
		"event":         "unstruct",
		"event_vendor":  Vendor,
		"event_name":    "status_change",
		"event_format":  "jsonschema",
		"event_version": "1-0-0",
	}
	var ue map[string]any
	if err := json.Unmarshal([]byte(v["ue_pr"]), &ue); err == nil {
		event["unstruct_event"] = ue
	}
	if !cp.Timestamp.IsZero() {
		// The collector stamps milliseconds (System.currentTimeMillis).
		ts := FormatInstant(cp.Timestamp.Truncate(time.Millisecond))
		event["collector_tstamp"] = ts
		event["derived_tstamp"] = ts
	}
	if cp.NetworkUserID != "" {
		// setupEnrichedEvent: raw.context.userId.toString; a nuid parameter
		// overrides it below (Transform).
		event["network_userid"] = cp.NetworkUserID
	}
	if cp.Collector != "" {
		// setupEnrichedEvent: v_collector is the collector's name unless cv overrides it.
		event["v_collector"] = cp.Collector
	}
	if ip := firstIP(cp.IPAddress); ip != nil {
		event["user_ipaddress"] = *ip
	}
	if ua := tsvSafe(cp.UserAgent); ua != nil {
		event["useragent"] = *ua
	}

	var errs []AtomicError
	// Transform.transform folds over the parameters in Map order and
	// prepends each error, so errors come out in reverse Map order.
	for _, name := range params.keys {
		value, ok := v[name]
		if !ok {
			continue // a None value is skipped
		}
		if e := setAtomicField(event, name, value); e != nil {
			errs = append([]AtomicError{*e}, errs...)
		}
	}

	// Predict turns these into the bad row once the unstruct event has been
	// validated, because enrich reports both in one row.
	pred.atomicErrs = errs
	pred.Event = event
}

// firstIP is MiscEnrichments.extractIp: the text before the first ',', '|'
// or space (the client address of an X-Forwarded-For list), made TSV-safe.
func firstIP(s string) *string {
	if i := strings.IndexAny(s, ",| "); i >= 0 {
		s = s[:i]
	}
	return tsvSafe(s)
}

// setAtomicField applies the Transform.transformMap converter of one raw
// event parameter to the predicted event, returning its ParseError.
func setAtomicField(event map[string]any, name, value string) *AtomicError {
	set := func(field string, v *string) {
		if v == nil {
			delete(event, field)
			return
		}
		event[field] = *v
	}
	switch name {
	case "tv":
		set("v_tracker", tsvSafe(value))
	case "p":
		if !platforms[value] {
			return &AtomicError{Message: "Not a valid platform", Field: "p", Value: &value}
		}
		event["platform"] = value
	case "aid":
		set("app_id", tsvSafe(value))
	case "nuid":
		// A null from makeTsvSafe overwrites the collector's network user id.
		set("network_userid", tsvSafe(value))
	case "cv":
		set("v_collector", tsvSafe(value))
	case "url":
		// TODO: enrich also splits page_url into page_urlscheme, _host, _port,
		// _path, _query and _fragment, but sgkit predicts page_url only.
		set("page_url", tsvSafe(value))
	case "eid":
		id, ok := validateUUID(value)
		if !ok {
			return &AtomicError{Message: "Not a valid UUID", Field: "eid", Value: &value}
		}
		event["event_id"] = id
	case "ttm":
		ts, e := extractTimestamp("ttm", value)
		if e != nil {
			return e
		}
		event["true_tstamp"] = ts
		event["derived_tstamp"] = ts // EventEnrichments.getDerivedTimestamp prefers true_tstamp
	}
	return nil
}

// extractTimestamp is EventEnrichments.extractTimestamp: milliseconds since
// the epoch as Java's Long.parseLong reads them (optional sign, ASCII
// digits), rejected outside years 0-9999. The value is returned as the
// Analytics SDK JSON writes an Instant.
// TODO: Long.parseLong also accepts non-ASCII Unicode digits, which sgkit rejects.
func extractTimestamp(field, value string) (string, *AtomicError) {
	ms, err := strconv.ParseInt(value, 10, 64)
	if err != nil || value == "" || strings.HasPrefix(value, "+-") {
		return "", &AtomicError{Message: "Not in the expected format: ms since epoch", Field: field, Value: &value}
	}
	t := time.UnixMilli(ms).UTC()
	if t.Year() > 9999 || t.Year() < 0 {
		return "", &AtomicError{
			Message: "Formatting as " + jodaTimestamp(t) + " is not Redshift-compatible", Field: field, Value: &value,
		}
	}
	return FormatInstant(t), nil
}

// jodaTimestamp prints t with Joda's "yyyy-MM-dd HH:mm:ss.SSS"
// (EventEnrichments.TstampFormat), including a sign for years before 0.
func jodaTimestamp(t time.Time) string {
	y := t.Year()
	ys := fmt.Sprintf("%04d", y)
	if y < 0 {
		ys = fmt.Sprintf("-%04d", -y)
	}
	return ys + t.Format("-01-02 15:04:05.000")
}

// adapterFailure is the adapter_failures bad row of one failed check.
func (p *Predictor) adapterFailure(cp CollectorPayload, vendor, version string, f AdapterFailure) Prediction {
	row := NewAdapterFailures(SgkitProcessor(), p.now(), vendor, version, []AdapterFailure{f}, NewBadRowPayload(cp))
	return Prediction{Outcome: Bad, BadRow: row}
}

// cpFormatViolation is the bad row of a query string java.net.URI rejects
// (Loader.parseQuerystring).
func (p *Predictor) cpFormatViolation(cp CollectorPayload, err *uriError) Prediction {
	q := cp.QueryString
	msg := CPFormatViolationMessage{
		PayloadField: "querystring",
		Value:        &q,
		Expectation:  "could not extract name-value pairs from querystring with encoding UTF-8: " + stripInstanceEtc(err.Error()),
	}
	row := NewCPFormatViolation(SgkitProcessor(), p.now(), msg, ThriftBase64(cp))
	return Prediction{Outcome: Bad, BadRow: row}
}

// collectorNUID returns the network user id the collector records, as
// stream collector 3.4.0 Service.networkUserId picks it: the nuid query
// parameter (http4s Query.params: the first value, "" when valueless), else
// the cookie, which the caller puts in cp.NetworkUserID. It returns false
// when there is neither, and the collector would make up a random UUID.
// TODO: http4s decodes the query with its own QueryParser, but this reads
// the value with HttpClient's form decoding.
func collectorNUID(cp CollectorPayload, query []NameValue) (string, bool) {
	for _, f := range query {
		if f.Name == "nuid" {
			if f.Value == nil {
				return "", true
			}
			return *f.Value, true
		}
	}
	return cp.NetworkUserID, cp.NetworkUserID != ""
}

// nuidFormatViolation is the bad row of a network user id that
// UUID.fromString rejects (enrich 6.10 ThriftLoader.parseNetworkUserId).
func (p *Predictor) nuidFormatViolation(cp CollectorPayload, nuid string) Prediction {
	msg := CPFormatViolationMessage{PayloadField: "networkUserId", Value: &nuid, Expectation: "not valid UUID"}
	row := NewCPFormatViolation(SgkitProcessor(), p.now(), msg, ThriftBase64(cp))
	return Prediction{Outcome: Bad, BadRow: row}
}
