package adapter_test

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sgkit/sgkit/adapter"
	"github.com/sgkit/sgkit/fixtures"
)

// FuzzFormDecode checks that decoding any raw query neither panics nor
// produces invalid UTF-8 or empty names (URLEncodedUtils skips those).
func FuzzFormDecode(f *testing.F) {
	for _, s := range []string{
		"", "a=b", "a=b&c", "=x&&y=;z", "a=%C3%A9+b", "a=%E2%82%41", "a=\u00e9", "a=\U0001F600",
		"a=%", "a=%4", "a=%zz", "a=b=c;d=e", "%00=%FF",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		for _, nv := range adapter.FormDecode(raw) {
			if nv.Name == "" {
				t.Fatalf("FormDecode(%q) kept an empty name", raw)
			}
			if !utf8.ValidString(nv.Name) || (nv.Value != nil && !utf8.ValidString(*nv.Value)) {
				t.Fatalf("FormDecode(%q) produced invalid UTF-8: %+v", raw, nv)
			}
		}
	})
}

// FuzzPredict checks the outcome invariant for any StatusGator request:
// no panic and no error; a good outcome has a raw event, enriched fields
// and no bad row; a bad outcome has a bad row and no enriched fields, and a
// raw event exactly when enrich failed after the adapter (schema_violations).
func FuzzPredict(f *testing.F) {
	for _, group := range []string{"adapter", "statusgator"} {
		cases, err := fixtures.Load(group)
		if err != nil {
			f.Fatal(err)
		}
		for _, c := range cases {
			ct, hasCT := "", c.Request.ContentType != nil
			if hasCT {
				ct = *c.Request.ContentType
			}
			body, hasBody := "", c.Request.Body != nil
			if hasBody {
				body = *c.Request.Body
			}
			f.Add(c.Request.Query, ct, hasCT, body, hasBody)
		}
	}
	// The default Predictor, so Iglu validation and shredding are fuzzed too.
	p := adapter.Default()
	p.Now = fixedNow
	f.Fuzz(func(t *testing.T, query, ct string, hasCT bool, body string, hasBody bool) {
		cp := adapter.CollectorPayload{Path: "/com.statusgator/v1", QueryString: query}
		if hasCT {
			cp.ContentType = &ct
		}
		if hasBody {
			cp.Body = &body
		}
		pred, err := p.Predict(cp)
		// Outside the model on this path: a body the Content-Type's charset
		// reads differently, and an oversized body that starts like JSON.
		if err != nil && (strings.Contains(err.Error(), "names charset") || strings.Contains(err.Error(), "starts like JSON")) {
			return
		}
		if err != nil {
			t.Fatalf("Predict returned an error for a StatusGator path: %v", err)
		}
		switch pred.Outcome {
		case adapter.Good:
			if pred.RawEvent == nil || pred.Event == nil || pred.BadRow != nil {
				t.Fatalf("good outcome without raw event and fields, or with a bad row: %+v", pred)
			}
		case adapter.Bad:
			if pred.BadRow == nil || pred.Event != nil {
				t.Fatalf("bad outcome without a bad row, or with fields: %+v", pred)
			}
			if !json.Valid(pred.BadRow.Data) {
				t.Fatalf("bad row is not JSON: %s", pred.BadRow.Data)
			}
			later := pred.BadRow.Schema == adapter.SchemaViolationsSchema
			if later != (pred.RawEvent != nil) {
				t.Fatalf("%s bad row with raw event %v", pred.BadRow.Schema, pred.RawEvent != nil)
			}
		default:
			t.Fatalf("unknown outcome %q", pred.Outcome)
		}
		if pred.RawEvent != nil && !json.Valid([]byte(pred.RawEvent.Parameters["ue_pr"])) {
			t.Fatalf("ue_pr is not JSON: %q", pred.RawEvent.Parameters["ue_pr"])
		}
	})
}
