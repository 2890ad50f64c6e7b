package collector

import (
	"bytes"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"path"
	"regexp"
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
	EventType *string  `json:"event_type"`
	Schema    *string  `json:"schema"`
	Contexts  []string `json:"contexts"`
	Limit     *int     `json:"limit"`
}

type badFilter struct {
	Vendor  *string `json:"vendor"`
	Version *string `json:"version"`
	Limit   *int    `json:"limit"`
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
		var f goodFilter
		if !decodeFilter(w, r, &f) {
			return
		}
		writeJSONArray(w, h.store.newestFirst(keepGood(f.EventType, f.Schema, f.Contexts), limitOf(f.Limit)))
	case p == "/micro/bad" && get:
		writeJSONArray(w, h.store.newestFirst(keepBad(nil, nil), -1))
	case p == "/micro/bad" && post:
		var f badFilter
		if !decodeFilter(w, r, &f) {
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
// that is not JSON gets 400, JSON of the wrong shape 422.
func decodeFilter(w http.ResponseWriter, r *http.Request, into any) bool {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxFilterBody))
	if err != nil || !json.Valid(raw) {
		writeText(w, http.StatusBadRequest, "The request body was malformed.")
		return false
	}
	if err := json.Unmarshal(raw, into); err != nil {
		writeText(w, http.StatusUnprocessableEntity, "The request body was invalid.")
		return false
	}
	return true
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
