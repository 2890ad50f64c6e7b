package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"sort"
)

// absent stands for a field that a JSON object does not have.
type absentValue struct{}

var absent = absentValue{}

// difference is one field whose expected and actual values differ.
type difference struct {
	Field    string
	Expected string
	Actual   string
}

// diffOptions tunes diffJSON.
type diffOptions struct {
	// Strict also reports fields the actual object has and the expected
	// one lacks; otherwise the expected value is a subset to check.
	Strict bool
	// Ignore skips a field path, e.g. failure.messages[0].value.
	Ignore func(path string) bool
	// JSONText reports the paths whose string values are JSON text to
	// compare decoded.
	JSONText func(path string) bool
}

// diffJSON compares two JSON-like values field by field and returns every
// difference, in sorted field order. Both are normalized through
// encoding/json first, so Go maps and structs compare with decoded JSON.
func diffJSON(path string, expected, actual any, opts diffOptions) []difference {
	var out []difference
	diffValue(path, normalize(expected), normalize(actual), opts, &out)
	return out
}

func diffValue(path string, expected, actual any, opts diffOptions, out *[]difference) {
	if opts.Ignore != nil && path != "" && opts.Ignore(path) {
		return
	}
	if opts.JSONText != nil && opts.JSONText(path) {
		expected, actual = decodeJSONText(expected), decodeJSONText(actual)
	}
	switch exp := expected.(type) {
	case map[string]any:
		act, ok := actual.(map[string]any)
		if !ok {
			break
		}
		for _, key := range sortedKeys(exp) {
			value, has := act[key]
			if !has {
				value = absent
			}
			diffValue(joinPath(path, key), exp[key], value, opts, out)
		}
		if opts.Strict {
			for _, key := range sortedKeys(act) {
				if _, has := exp[key]; !has {
					diffValue(joinPath(path, key), absent, act[key], opts, out)
				}
			}
		}
		return
	case []any:
		act, ok := actual.([]any)
		if !ok || len(act) != len(exp) {
			break
		}
		for i := range exp {
			diffValue(fmt.Sprintf("%s[%d]", path, i), exp[i], act[i], opts, out)
		}
		return
	}
	if !equalScalar(expected, actual) {
		*out = append(*out, difference{Field: path, Expected: render(expected), Actual: render(actual)})
	}
}

func equalScalar(a, b any) bool {
	if na, ok := a.(json.Number); ok {
		nb, ok := b.(json.Number)
		if !ok {
			return false
		}
		ra, okA := new(big.Rat).SetString(string(na))
		rb, okB := new(big.Rat).SetString(string(nb))
		return okA && okB && ra.Cmp(rb) == 0
	}
	switch a.(type) {
	case map[string]any, []any:
		return false
	}
	switch b.(type) {
	case map[string]any, []any:
		return false
	}
	return a == b
}

// decodeJSONText returns the decoded value of a string holding JSON, and
// any other value unchanged.
func decodeJSONText(v any) any {
	s, ok := v.(string)
	if !ok {
		return v
	}
	var out any
	if err := decodeNumbers([]byte(s), &out); err != nil {
		return v
	}
	return out
}

// normalize round-trips v through encoding/json with json.Number numbers.
func normalize(v any) any {
	switch v.(type) {
	case absentValue, nil, string, bool, json.Number:
		return v
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("unencodable %T: %v", v, err)
	}
	var out any
	if err := decodeNumbers(raw, &out); err != nil {
		return fmt.Sprintf("undecodable %T: %v", v, err)
	}
	return out
}

// render prints a value for a report: JSON text, strings quoted, so an
// empty string, a null and an absent field read differently.
func render(v any) string {
	if _, ok := v.(absentValue); ok {
		return "(absent)"
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprintf("%v", v)
	}
	return string(bytes.TrimRight(buf.Bytes(), "\n"))
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
