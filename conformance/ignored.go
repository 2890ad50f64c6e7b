package conformance

import (
	"regexp"
	"strings"
)

// IgnoredField is one field the comparison skips because its value
// depends on the deployment or the moment, not on the request.
type IgnoredField struct {
	// Scope is where the field sits. "event" is an enriched event field,
	// also skipped under payload.enriched of a schema_violations bad row.
	// "bad row" is a path in any bad row's data, "bad row <type>" a path in
	// one bad row type's data, and "row" a shredded Redshift column.
	Scope  string
	Field  string
	Reason string
}

// IgnoredFields is the one list of fields no run compares. Every other
// field of a prediction is compared.
var IgnoredFields = []IgnoredField{
	{"event", "collector_tstamp", "the time the collector received the request"},
	{"event", "etl_tstamp", "the time enrich processed the event"},
	{"event", "derived_tstamp", "derived from collector_tstamp when the request has no device timestamps"},
	{"event", "load_tstamp", "the time a loader wrote the event"},
	{"event", "dvce_sent_tstamp", "the time a tracker sent the event; a webhook has none, so it follows the collector clock"},
	{"event", "v_collector", "the name and version of the deployed collector"},
	{"event", "v_etl", "the name and version of the deployed enrich"},
	{"event", "user_ipaddress", "the client address as the collector sees it, which proxies and load balancers change"},
	{"event", "useragent", "the sending HTTP client's User-Agent; predictions are made from the request without one"},
	{"event", "derived_contexts.data.data.timestamp", "the time enrich recorded a validation failure in its failure context"},
	{"event", "derived_contexts.data.data.componentName", "the name of the deployed enrich, in its failure context"},
	{"event", "derived_contexts.data.data.componentVersion", "the version of the deployed enrich, in its failure context"},
	{"event", "network_userid", "the collector's sp cookie, a fresh UUID per request (compared when the request carries nuid)"},

	{"bad row", "processor", "the artifact and version of the deployed collector or enrich"},
	{"bad row", "failure.timestamp", "the time the bad row was made"},
	{"bad row", "payload.collector", "the name and version of the deployed collector"},
	{"bad row", "payload.timestamp", "the time the collector received the request"},
	{"bad row", "payload.ipAddress", "the client address as the collector sees it"},
	{"bad row", "payload.hostname", "the host name the collector ran on"},
	{"bad row", "payload.headers", "every request header, which proxies and HTTP clients add to"},
	{"bad row", "payload.useragent", "the sending HTTP client's User-Agent; predictions are made from the request without one"},
	{"bad row", "payload.networkUserId", "the collector's sp cookie, a fresh UUID per request"},
	{"bad row", "payload.raw.loaderName", "the name and version of the deployed collector"},
	{"bad row", "payload.raw.timestamp", "the time the collector received the request"},
	{"bad row", "payload.raw.ipAddress", "the client address as the collector sees it"},
	{"bad row", "payload.raw.hostname", "the host name the collector ran on"},
	{"bad row", "payload.raw.headers", "every request header, which proxies and HTTP clients add to"},
	{"bad row", "payload.raw.useragent", "the sending HTTP client's User-Agent; predictions are made from the request without one"},
	{"bad row", "payload.raw.userId", "the collector's sp cookie, a fresh UUID per request"},
	{"bad row collector_payload_format_violation", "payload", "the serialized collector payload, which holds the timestamp, address and headers"},
	{"bad row size_violation", "failure.actualSizeBytes", "the serialized payload's size, which includes the headers, address and timestamp"},
	{"bad row size_violation", "failure.expectation", "quotes the serialized payload's size, which includes the headers, address and timestamp"},
	{"bad row size_violation", "payload", "the first tenth of the serialized payload as text, which holds the timestamp, address and headers"},

	{"row", "root_tstamp", "the event's collector_tstamp"},
}

// jsonTextFields are enriched event fields whose value is JSON text; the
// comparison decodes them, so an ignored field inside is skipped.
var jsonTextFields = map[string]bool{
	"contexts":         true,
	"derived_contexts": true,
	"unstruct_event":   true,
}

// isJSONTextPath reports whether a bad row path holds an enriched field
// that is JSON text, as payload.enriched.derived_contexts does in a
// schema_violations bad row.
func isJSONTextPath(path string) bool {
	rest, ok := strings.CutPrefix(path, "payload.enriched.")
	return ok && jsonTextFields[rest]
}

// indexPattern matches array indices in a field path such as
// failure.messages[0].field.
var indexPattern = regexp.MustCompile(`\[\d+\]`)

// ignoredEventField reports whether an enriched event field is skipped.
// requestHasNUID is true when the request's query string carries nuid,
// which enrich copies into network_userid.
func ignoredEventField(name string, requestHasNUID bool) bool {
	if name == "network_userid" && requestHasNUID {
		return false
	}
	return ignored("event", indexPattern.ReplaceAllString(name, ""))
}

// ignoredBadRowPath reports whether a path in the data of a bad row of the
// given type (e.g. adapter_failures) is skipped.
func ignoredBadRowPath(badRowType, path string) bool {
	path = indexPattern.ReplaceAllString(path, "")
	if ignored("bad row", path) || ignored("bad row "+badRowType, path) {
		return true
	}
	if rest, ok := strings.CutPrefix(path, "payload.enriched."); ok {
		return ignored("event", rest)
	}
	return false
}

// ignoredRowColumn reports whether a shredded column is skipped.
func ignoredRowColumn(column string) bool {
	return ignored("row", column)
}

func ignored(scope, field string) bool {
	for _, f := range IgnoredFields {
		if f.Scope == scope && (f.Field == field || strings.HasPrefix(field, f.Field+".")) {
			return true
		}
	}
	return false
}
