package collector

import (
	"bytes"
	"encoding/json"
	"io"
	"io/fs"
	"math"
	"net/http"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/sgkit/sgkit/adapter"
	"github.com/sgkit/sgkit/micro"
	"github.com/sgkit/sgkit/schemas"
)

// microNotFound is the body of Micro 4.5.2's in-memory routes for any other
// /micro path. sgkit serves only /micro/all, good, bad, reset and iglu, so
// the other endpoints listed (Micro's UI API) return this same 404.
const microNotFound = "Supported endpoints: /micro/all, /micro/good, /micro/bad, " +
	"/micro/events, /micro/reset, /micro/columns, /micro/columnStats, /micro/timeline, /micro/iglu, /micro/ui"

// igluRepositoryName names the embedded schemas in a failed lookup.
const igluRepositoryName = "sgkit embedded schemas"

// schemaVerFull is iglu-core's SchemaVer.Full pattern, MODEL-REVISION-ADDITION.
var schemaVerFull = regexp.MustCompile(`^([1-9][0-9]*)-(0|[1-9][0-9]*)-(0|[1-9][0-9]*)$`)

// maxFilterBody bounds a POST /micro/good or /micro/bad filter body.
const maxFilterBody = 1 << 20

// goodFilter and badFilter are Micro's FiltersGood and FiltersBad: every
// field optional, null the same as absent.
type goodFilter struct {
	EventType *string
	Schema    *string
	Contexts  []string
	Limit     *int
}

type badFilter struct {
	Vendor  *string
	Version *string
	Limit   *int
}

// decodeGood and decodeBad are Micro's derived decoders (Routing.scala:
// deriveDecoder[FiltersGood], deriveDecoder[FiltersBad]); unknown fields
// are ignored.
func decodeGood(fields map[string]json.RawMessage) (f goodFilter, ok bool) {
	var okType, okSchema, okContexts, okLimit bool
	f.EventType, okType = circeOptString(fields["event_type"])
	f.Schema, okSchema = circeOptString(fields["schema"])
	f.Contexts, okContexts = circeOptStrings(fields["contexts"])
	f.Limit, okLimit = circeOptInt(fields["limit"])
	return f, okType && okSchema && okContexts && okLimit
}

func decodeBad(fields map[string]json.RawMessage) (f badFilter, ok bool) {
	var okVendor, okVersion, okLimit bool
	f.Vendor, okVendor = circeOptString(fields["vendor"])
	f.Version, okVersion = circeOptString(fields["version"])
	f.Limit, okLimit = circeOptInt(fields["limit"])
	return f, okVendor && okVersion && okLimit
}

// isNull reports an absent or null field, which circe's Decoder[Option[A]]
// decodes as None.
func isNull(raw json.RawMessage) bool {
	return raw == nil || string(raw) == "null"
}

// circeOptString is Decoder[Option[String]]: only a JSON string decodes.
func circeOptString(raw json.RawMessage) (*string, bool) {
	if isNull(raw) {
		return nil, true
	}
	if raw[0] != '"' {
		return nil, false
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return nil, false
	}
	return &s, true
}

// circeOptStrings is Decoder[Option[List[String]]]: an array of strings; a
// null element fails, as Decoder[String] does.
func circeOptStrings(raw json.RawMessage) ([]string, bool) {
	if isNull(raw) {
		return nil, true
	}
	var elems []json.RawMessage
	if raw[0] != '[' || json.Unmarshal(raw, &elems) != nil {
		return nil, false
	}
	out := make([]string, 0, len(elems))
	for _, e := range elems {
		s, ok := circeOptString(e)
		if !ok || s == nil {
			return nil, false
		}
		out = append(out, *s)
	}
	return out, true
}

// jsonNumber is the JSON number grammar (RFC 8259 section 6), split into
// sign and integer part, fraction and exponent.
var jsonNumber = regexp.MustCompile(`^(-?)(0|[1-9][0-9]*)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?$`)

// circeOptInt is Decoder[Option[Int]]. circe's Decoder.decodeInt takes a
// JSON number whose value is whole and within Scala's 32-bit Int
// (JsonNumber.toInt, so 10.0 and 1e2 decode, 2147483648 and 1.5 do not),
// or a JSON string holding such a number (JsonNumber.fromString).
func circeOptInt(raw json.RawMessage) (*int, bool) {
	if isNull(raw) {
		return nil, true
	}
	text := string(raw)
	if raw[0] == '"' {
		if json.Unmarshal(raw, &text) != nil {
			return nil, false
		}
	}
	n, ok := wholeInt32(text)
	if !ok {
		return nil, false
	}
	return &n, true
}

// wholeInt32 returns the value of a JSON number text when it is a whole
// number within [-2^31, 2^31-1]. It works on the digits, so neither a
// long mantissa nor a huge exponent is rounded or expanded.
func wholeInt32(text string) (int, bool) {
	m := jsonNumber.FindStringSubmatch(text)
	if m == nil {
		return 0, false
	}
	digits := strings.TrimLeft(m[2]+m[3], "0")
	if digits == "" {
		return 0, true // any spelling of zero, e.g. -0.0e5
	}
	// value = digits * 10^exp
	exp := -len(m[3])
	if m[4] != "" {
		e, err := strconv.Atoi(m[4])
		if err != nil || e > 100 || e < -100-len(m[2]+m[3]) {
			// Beyond int or far beyond the digits: too large or not whole.
			return 0, false
		}
		exp += e
	}
	trimmed := strings.TrimRight(digits, "0")
	exp += len(digits) - len(trimmed)
	digits = trimmed
	if exp < 0 || len(digits)+exp > 10 {
		return 0, false // a fraction, or more than Int's 10 digits
	}
	v, err := strconv.ParseInt(digits+strings.Repeat("0", exp), 10, 64)
	if err != nil {
		return 0, false
	}
	if m[1] == "-" {
		v = -v
	}
	if v < math.MinInt32 || v > math.MaxInt32 {
		return 0, false
	}
	return int(v), true
}

func (h *Handler) serveMicro(w http.ResponseWriter, r *http.Request) {
	get, post := r.Method == http.MethodGet, r.Method == http.MethodPost
	switch p := r.URL.Path; {
	case p == "/micro/all" && (get || post):
		good, bad := h.store.counts()
		writeJSON(w, micro.Summary{Total: good + bad, Good: good, Bad: bad})
	case p == "/micro/good" && get:
		writeJSONArray(w, h.store.newestFirst(keepGood(nil, nil, nil), -1))
	case p == "/micro/good" && post:
		fields, ok := decodeFilter(w, r)
		if !ok {
			return
		}
		f, ok := decodeGood(fields)
		if !ok {
			writeText(w, http.StatusUnprocessableEntity, "The request body was invalid.")
			return
		}
		writeJSONArray(w, h.store.newestFirst(keepGood(f.EventType, f.Schema, f.Contexts), limitOf(f.Limit)))
	case p == "/micro/bad" && get:
		writeJSONArray(w, h.store.newestFirst(keepBad(nil, nil), -1))
	case p == "/micro/bad" && post:
		fields, ok := decodeFilter(w, r)
		if !ok {
			return
		}
		f, ok := decodeBad(fields)
		if !ok {
			writeText(w, http.StatusUnprocessableEntity, "The request body was invalid.")
			return
		}
		writeJSONArray(w, h.store.newestFirst(keepBad(f.Vendor, f.Version), limitOf(f.Limit)))
	case p == "/micro/reset" && (get || post):
		h.store.reset()
		h.log.Info("store reset")
		writeText(w, http.StatusOK, "Reset completed")
	case strings.HasPrefix(p, "/micro/iglu/") && get && h.serveIglu(w, p):
	default:
		writeText(w, http.StatusNotFound, microNotFound)
	}
}

// limitOf is Scala's List.take(limit): no limit when absent, nothing when
// zero or negative.
func limitOf(limit *int) int {
	if limit == nil {
		return -1
	}
	return max(*limit, 0)
}

// decodeFilter reads a filter body as http4s' circe decoder does: a body
// that is not JSON gets 400 "The request body was malformed.", JSON that
// is not an object 422 "The request body was invalid." (a derived
// case-class decoder needs an object: circe's decodeOption fails on a
// field of a non-object). It returns the object's fields, the last of
// duplicate keys winning as in circe's JsonObject.
func decodeFilter(w http.ResponseWriter, r *http.Request) (map[string]json.RawMessage, bool) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxFilterBody))
	if err != nil || !json.Valid(raw) {
		writeText(w, http.StatusBadRequest, "The request body was malformed.")
		return nil, false
	}
	var fields map[string]json.RawMessage
	trimmed := bytes.TrimLeft(raw, " \t\r\n")
	if trimmed[0] != '{' || json.Unmarshal(raw, &fields) != nil {
		writeText(w, http.StatusUnprocessableEntity, "The request body was invalid.")
		return nil, false
	}
	return fields, true
}

// serveIglu serves GET /micro/iglu/{vendor}/{name}/jsonschema/{version}
// from the embedded schemas. It returns false for a path of another shape,
// for which Micro returns its list of endpoints.
func (h *Handler) serveIglu(w http.ResponseWriter, p string) bool {
	parts := strings.Split(strings.TrimPrefix(p, "/micro/iglu/"), "/")
	if len(parts) != 4 || parts[2] != "jsonschema" || parts[0] == "" || parts[1] == "" {
		return false
	}
	vendor, name, version := parts[0], parts[1], parts[3]
	if !schemaVerFull.MatchString(version) {
		writeText(w, http.StatusNotFound,
			"Schema lookup should be in format iglu/{vendor}/{schemaName}/jsonschema/{model}-{revision}-{addition}")
		return true
	}

	raw, err := fs.ReadFile(schemas.FS, path.Join(vendor, name, "jsonschema", version))
	if err != nil {
		// Micro returns the resolver's ResolutionError: per repository, the
		// lookup errors, the attempts and the time of the last attempt.
		body := map[string]any{"value": map[string]any{igluRepositoryName: adapter.JSONObject{
			{Name: "errors", Value: []map[string]string{{"error": "NotFound"}}},
			{Name: "attempts", Value: 1},
			{Name: "lastAttempt", Value: sdkInstant(h.cfg.now())},
		}}}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		out, _ := adapter.MarshalCirce(body)
		w.Write(out)
		return true
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, raw); err != nil {
		h.log.Error("embedded schema is not JSON", "schema", p, "err", err)
		writeText(w, http.StatusInternalServerError, "embedded schema is not valid JSON")
		return true
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	w.Write(compact.Bytes())
	return true
}

func writeJSON(w http.ResponseWriter, v any) {
	out, err := adapter.MarshalCirce(v)
	if err != nil {
		writeText(w, http.StatusInternalServerError, "encode response: "+err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	w.Write(out)
}

// writeJSONArray writes already encoded elements as one JSON array.
func writeJSONArray(w http.ResponseWriter, elems [][]byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	w.Write([]byte{'['})
	for i, e := range elems {
		if i > 0 {
			w.Write([]byte{','})
		}
		w.Write(e)
	}
	w.Write([]byte{']'})
}
