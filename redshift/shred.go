package redshift

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Event is the part of an enriched event a shredded row is made of.
type Event struct {
	// SchemaURI is the Iglu URI of the unstruct event's data, e.g.
	// iglu:com.statusgator/status_change/jsonschema/1-0-0.
	SchemaURI string
	// Data is the unstruct event's data object, decoded with encoding/json.
	Data map[string]any
	// EventID is the enriched event_id; empty when it is not known, as for
	// a request without eid, where enrich generates a random UUID.
	EventID string
	// CollectorTstamp is the enriched collector_tstamp; zero when not known.
	CollectorTstamp time.Time
}

// Row is one shredded row, in the table's column order.
type Row struct {
	Table *Table
	// Values are the values a correct load stores. Strings are as in the
	// event. TIMESTAMP values are the UTC instant in the text form Redshift
	// and PostgreSQL print (2022-01-20 14:52:30, fraction only when
	// non-zero). nil is SQL NULL.
	Values []*string
	// Sources are the values a loader that passes values through writes:
	// the event's text as COPY from JSON with the jsonpaths file reads it,
	// and root_tstamp in enrich's collector_tstamp text form.
	Sources []*string
}

// Map returns the row as column name to value (nil for NULL).
func (r Row) Map() map[string]*string {
	m := make(map[string]*string, len(r.Values))
	for i, c := range r.Table.Columns {
		m[c.Name] = r.Values[i]
	}
	return m
}

// Hierarchy values of a top-level unstruct event, as Snowplow's shredder
// writes them: the parent is the atomic.events row.
const (
	refRoot   = "events"
	refParent = "events"
)

// collectorTstampLayout is enrich's timestamp text in the enriched event
// (EventEnrichments.toTimestamp, "yyyy-MM-dd HH:mm:ss.SSS" in UTC), which
// the shredder copies into hierarchy.rootTstamp.
const collectorTstampLayout = "2006-01-02 15:04:05.000"

// timestampTextLayout is the text PostgreSQL prints for a TIMESTAMP with
// DateStyle ISO, and Redshift likewise: microseconds, trailing zeros cut.
const timestampTextLayout = "2006-01-02 15:04:05.999999"

// Shred turns an event into its row, following the table's jsonpaths:
// $.schema.* from the Iglu URI, $.hierarchy.* from the event, $.data.* from
// the unstruct event's data. It fails when the event's schema is not the
// table's or a jsonpath is outside those three roots.
func (t *Table) Shred(ev Event) (Row, error) {
	if ev.SchemaURI != t.SchemaURI {
		return Row{}, fmt.Errorf("event schema %s does not match table %s, which is for %s; shred it into that schema's table",
			ev.SchemaURI, t.QualifiedName(), t.SchemaURI)
	}
	if len(t.JSONPaths) != len(t.Columns) {
		return Row{}, fmt.Errorf("table %s has no jsonpaths attached; load it with LoadTable", t.QualifiedName())
	}
	key, paths := t.key, t.splitPaths
	if len(paths) != len(t.JSONPaths) {
		// The table was built by hand rather than by AttachJSONPaths.
		var err error
		if key, err = ParseSchemaURI(t.SchemaURI); err != nil {
			return Row{}, err
		}
		if paths, err = splitJSONPaths(t.JSONPaths); err != nil {
			return Row{}, err
		}
	}

	row := Row{
		Table:   t,
		Values:  make([]*string, len(t.Columns)),
		Sources: make([]*string, len(t.Columns)),
	}
	for i, path := range paths {
		src, err := shredSource(path, key, ev)
		if err != nil {
			return Row{}, fmt.Errorf("column %s: %w", t.Columns[i].Name, err)
		}
		row.Sources[i] = src
		row.Values[i] = src
		if src != nil && t.Columns[i].Type.Name == "TIMESTAMP" {
			if instant, ok := timestampInstant(*src); ok {
				row.Values[i] = ptr(instant.Round(time.Microsecond).Format(timestampTextLayout))
			}
		}
	}
	return row, nil
}

func shredSource(fields []string, key SchemaKey, ev Event) (*string, error) {
	root, rest := fields[0], fields[1:]

	switch {
	case root == "schema" && len(rest) == 1:
		switch rest[0] {
		case "vendor":
			return ptr(key.Vendor), nil
		case "name":
			return ptr(key.Name), nil
		case "format":
			return ptr(key.Format), nil
		case "version":
			return ptr(key.Version), nil
		}
	case root == "hierarchy" && len(rest) == 1:
		switch rest[0] {
		case "rootId":
			if ev.EventID == "" {
				return nil, nil
			}
			return ptr(ev.EventID), nil
		case "rootTstamp":
			if ev.CollectorTstamp.IsZero() {
				return nil, nil
			}
			return ptr(ev.CollectorTstamp.UTC().Format(collectorTstampLayout)), nil
		case "refRoot":
			return ptr(refRoot), nil
		case "refTree":
			// The shredder writes the path from atomic.events to this
			// entity as a JSON array, e.g. ["events","status_change"].
			return ptr(`["events","` + key.Name + `"]`), nil
		case "refParent":
			return ptr(refParent), nil
		}
	case root == "data" && len(rest) > 0:
		return dataValue(ev.Data, rest)
	}
	return nil, fmt.Errorf("jsonpath $.%s is not one the shredder fills ($.schema.*, $.hierarchy.*, $.data.*)",
		strings.Join(fields, "."))
}

// dataValue follows a path into the data object. A missing member or JSON
// null is SQL NULL and a string is its text. Any other value is its JSON
// text, as Redshift COPY from JSON loads it into a VARCHAR column.
func dataValue(data map[string]any, fields []string) (*string, error) {
	var v any = data
	for _, f := range fields {
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, nil
		}
		if v, ok = obj[f]; !ok {
			return nil, nil
		}
	}
	switch v := v.(type) {
	case nil:
		return nil, nil
	case string:
		return &v, nil
	default:
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		return ptr(string(b)), nil
	}
}

// Timestamp is a parsed date-time source value.
type Timestamp struct {
	// Instant is the UTC instant the text denotes.
	Instant time.Time
	// Local is the date and time as written, before the offset is applied:
	// what a TIMESTAMP (without time zone) column stores from this text.
	Local time.Time
	// Offset is the offset as written (Z counts as +00:00).
	Offset string
	// OffsetSeconds is the offset east of UTC.
	OffsetSeconds int
	// FractionDigits is the number of fraction-of-second digits written.
	FractionDigits int
}

// ParseTimestamp parses a date-time source value in the ISO 8601 shape the
// Iglu schema's date-time format accepts (ethlo ITU 1.7.0): YYYY-MM-DD, then
// T, t or a space, hh:mm:ss, an optional point and fraction digits, then Z,
// z or ±hh:mm. ok
// is false for any other text or an impossible date or time, which a
// TIMESTAMP load rejects.
func ParseTimestamp(s string) (ts Timestamp, ok bool) {
	// Fixed positions: 2006-01-02T15:04:05 is 19 bytes.
	if len(s) < 20 || s[4] != '-' || s[7] != '-' || s[13] != ':' || s[16] != ':' ||
		(s[10] != 'T' && s[10] != 't' && s[10] != ' ') {
		return Timestamp{}, false
	}
	n := [6]int{}
	for i, span := range [6][2]int{{0, 4}, {5, 7}, {8, 10}, {11, 13}, {14, 16}, {17, 19}} {
		v, ok := digits(s[span[0]:span[1]])
		if !ok {
			return Timestamp{}, false
		}
		n[i] = v
	}

	rest := s[19:]
	frac := ""
	if rest[0] == '.' {
		end := 1
		for end < len(rest) && rest[end] >= '0' && rest[end] <= '9' {
			end++
		}
		// A point with no digits (09:26:31.Z) passes the schema's date-time
		// check, and PostgreSQL 15 reads it as no fraction, which the
		// database specs confirm.
		frac, rest = rest[1:end], rest[end:]
	}
	nanos := 0
	for i := 0; i < 9; i++ {
		nanos *= 10
		if i < len(frac) {
			nanos += int(frac[i] - '0')
		}
	}

	offset, seconds := "", 0
	switch {
	case rest == "Z" || rest == "z":
		offset = "+00:00"
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		h, okH := digits(rest[1:3])
		m, okM := digits(rest[4:6])
		if !okH || !okM || h > 23 || m > 59 {
			return Timestamp{}, false
		}
		offset, seconds = rest, h*3600+m*60
		if rest[0] == '-' {
			seconds = -seconds
		}
	default:
		return Timestamp{}, false
	}

	// A leap second (:60) passes the schema's date-time check (ethlo ITU
	// with networknt's leap-second rule); PostgreSQL reads it as the next
	// minute's :00, which the database specs confirm.
	leap := 0
	if n[5] == 60 {
		n[5], leap = 59, 1
	}
	local := time.Date(n[0], time.Month(n[1]), n[2], n[3], n[4], n[5], nanos, time.UTC)
	// time.Date normalises out-of-range fields (February 30 becomes March 2);
	// an impossible date or time is invalid, as for the schema and the warehouse.
	if local.Year() != n[0] || int(local.Month()) != n[1] || local.Day() != n[2] ||
		local.Hour() != n[3] || local.Minute() != n[4] || local.Second() != n[5] {
		return Timestamp{}, false
	}
	local = local.Add(time.Duration(leap) * time.Second)

	return Timestamp{
		Instant:        local.Add(-time.Duration(seconds) * time.Second),
		Local:          local,
		Offset:         offset,
		OffsetSeconds:  seconds,
		FractionDigits: len(frac),
	}, true
}

// digits parses a run of ASCII digits.
func digits(s string) (int, bool) {
	v := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		v = v*10 + int(s[i]-'0')
	}
	return v, true
}

// timestampInstant parses a TIMESTAMP source: an event's date-time, or
// root_tstamp in enrich's collector_tstamp text, which is UTC.
func timestampInstant(s string) (time.Time, bool) {
	if ts, ok := ParseTimestamp(s); ok {
		return ts.Instant, true
	}
	t, err := time.Parse(collectorTstampLayout, s)
	return t, err == nil
}

func ptr(s string) *string { return &s }
