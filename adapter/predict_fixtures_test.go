package adapter_test

import (
	"encoding/json"
	"fmt"
	"sort"

	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/types"

	"github.com/sgkit/sgkit/adapter"
	"github.com/sgkit/sgkit/fixtures"
)

// fixedNow stamps failure timestamps so predictions are repeatable.
func fixedNow() time.Time { return time.Date(2016, 5, 19, 9, 26, 32, 0, time.UTC) }

// requestPayload turns a fixture request into a collector payload.
func requestPayload(r fixtures.Request) adapter.CollectorPayload {
	return adapter.CollectorPayload{
		Path:        r.Path,
		QueryString: r.Query,
		ContentType: r.ContentType,
		Body:        r.Body,
		Timestamp:   time.Date(2016, 5, 19, 9, 26, 31, 278_000_000, time.UTC),
	}
}

// MatchExpected succeeds when a Prediction contains the expected subset of
// a fixture (fixtures/README.md): objects match key by key, arrays by
// length and element, other values by equality. An expected null also
// matches an absent key, so a case can state "not copied" or "not set".
func MatchExpected(expected json.RawMessage) types.GomegaMatcher {
	return &expectedMatcher{expected: expected}
}

type expectedMatcher struct {
	expected json.RawMessage
	mismatch string
}

func (m *expectedMatcher) Match(actual any) (bool, error) {
	b, err := json.Marshal(actual)
	if err != nil {
		return false, err
	}
	var got, want any
	if err := json.Unmarshal(b, &got); err != nil {
		return false, err
	}
	if err := json.Unmarshal(m.expected, &want); err != nil {
		return false, fmt.Errorf("fixture's expected is not JSON: %w", err)
	}
	m.mismatch = subsetDiff("$", want, got)
	return m.mismatch == "", nil
}

func (m *expectedMatcher) FailureMessage(actual any) string {
	b, _ := json.MarshalIndent(actual, "", "  ")
	return "prediction differs from the fixture at " + m.mismatch + "\nprediction:\n" + string(b)
}

func (m *expectedMatcher) NegatedFailureMessage(any) string {
	return "expected the prediction not to match the fixture"
}

// subsetDiff returns "" when want is a subset of got, or the key path and
// values of the first difference.
func subsetDiff(path string, want, got any) string {
	switch w := want.(type) {
	case nil:
		if got != nil {
			return fmt.Sprintf("%s: expected null or absent, got %s", path, show(got))
		}
		return ""
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: expected an object, got %s", path, show(got))
		}
		keys := make([]string, 0, len(w))
		for k := range w {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			gv, present := g[k]
			if !present && w[k] != nil {
				return fmt.Sprintf("%s.%s: missing, expected %s", path, k, show(w[k]))
			}
			if d := subsetDiff(path+"."+k, w[k], gv); d != "" {
				return d
			}
		}
		return ""
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Sprintf("%s: expected %d elements, got %s", path, len(w), show(got))
		}
		for i := range w {
			if d := subsetDiff(fmt.Sprintf("%s[%d]", path, i), w[i], g[i]); d != "" {
				return d
			}
		}
		return ""
	}
	if want != got {
		return fmt.Sprintf("%s: expected %s, got %s", path, show(want), show(got))
	}
	return ""
}

func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// requestEntries lists the cases of the given groups as table entries.
func requestEntries(groups ...string) []TableEntry {
	var entries []TableEntry
	for _, g := range groups {
		cases, err := fixtures.Load(g)
		if err != nil {
			panic(err) // the fixtures are embedded: a load error is a broken build
		}
		for _, c := range cases {
			entries = append(entries, Entry(c.File, c))
		}
	}
	return entries
}

// checkOutcomeInvariant asserts what every prediction must satisfy: a good
// outcome has a raw event and enriched fields and no bad row; a bad outcome
// has a bad row and no enriched fields, and keeps its raw event exactly
// when a step after the adapter failed (schema_violations).
func checkOutcomeInvariant(pred adapter.Prediction) {
	switch pred.Outcome {
	case adapter.Good:
		Expect(pred.RawEvent).NotTo(BeNil(), "a good outcome has a raw event")
		Expect(pred.Event).NotTo(BeNil(), "a good outcome has enriched fields")
		Expect(pred.BadRow).To(BeNil(), "a good outcome has no bad row")
	case adapter.Bad:
		Expect(pred.BadRow).NotTo(BeNil(), "a bad outcome has a bad row")
		Expect(pred.Event).To(BeNil(), "a bad outcome has no enriched fields")
		Expect(json.Valid(pred.BadRow.Data)).To(BeTrue(), "bad row data is JSON")
		if pred.BadRow.Schema == adapter.SchemaViolationsSchema {
			Expect(pred.RawEvent).NotTo(BeNil(), "enrich failed after the adapter: the raw event stays")
		} else {
			Expect(pred.RawEvent).To(BeNil(), "the adapter or loader failed: no raw event")
		}
	default:
		Fail(fmt.Sprintf("unknown outcome %q", pred.Outcome))
	}
	if pred.RawEvent != nil {
		Expect(json.Valid([]byte(pred.RawEvent.Parameters["ue_pr"]))).To(BeTrue(), "ue_pr is JSON")
	}
}

var _ = Describe("Predict on the request fixtures", func() {
	// The adapter and enrich's atomic steps only: the expectations of these
	// groups are the adapter's, and their good cases are valid against
	// status_change 1-0-0, so the full pipeline agrees.
	p := &adapter.Predictor{Now: fixedNow}

	DescribeTable("matches the expected subset",
		func(c fixtures.Case) {
			pred, err := p.Predict(requestPayload(c.Request))
			Expect(err).NotTo(HaveOccurred())
			Expect(pred).To(MatchExpected(c.Expected), "fixture %s (%s)", c.File, c.Source)
			checkOutcomeInvariant(pred)
		},
		requestEntries("adapter", "statusgator"),
	)

	It("reports atomic and Iglu violations in one row, atomic first", func() {
		// EnrichmentManager.mapAndValidateInput logs setupEnrichedEvent's
		// atomic errors, then IgluUtils.parseAndValidateInput's, in one phase.
		full := adapter.Default()
		full.Now = fixedNow
		ct, body := adapter.FormContentType, "service_name=A&favicon_url=not-a-uri"
		pred, err := full.Predict(adapter.CollectorPayload{
			Path: "/com.statusgator/v1", QueryString: "eid=1-2-3-4-5", ContentType: &ct, Body: &body,
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(pred.Outcome).To(Equal(adapter.Bad))
		Expect(pred.BadRow.Schema).To(Equal(adapter.SchemaViolationsSchema))
		var row struct {
			Failure struct {
				Messages []struct {
					SchemaKey string `json:"schemaKey"`
				} `json:"messages"`
			} `json:"failure"`
		}
		Expect(json.Unmarshal(pred.BadRow.Data, &row)).To(Succeed())
		Expect(row.Failure.Messages).To(HaveLen(2))
		Expect(row.Failure.Messages[0].SchemaKey).To(Equal(adapter.AtomicSchema))
		Expect(row.Failure.Messages[1].SchemaKey).To(Equal(adapter.StatusChangeSchema))
		checkOutcomeInvariant(pred)
	})

	It("writes the failure timestamp from Predictor.Now as java.time.Instant does", func() {
		body := ""
		pred, err := p.Predict(adapter.CollectorPayload{Path: "/com.statusgator/v1", Body: &body})
		Expect(err).NotTo(HaveOccurred())
		Expect(string(pred.BadRow.Data)).To(ContainSubstring(`"timestamp":"2016-05-19T09:26:32Z"`))
	})

	It("returns an error naming the path for another adapter's path", func() {
		_, err := p.Predict(adapter.CollectorPayload{Path: "/com.mailchimp/v1"})
		Expect(err).To(MatchError(ContainSubstring(`"/com.mailchimp/v1"`)))
		_, err = p.Predict(adapter.CollectorPayload{Path: "/not-an-api-path"})
		Expect(err).To(MatchError(ContainSubstring(`"/not-an-api-path"`)))
	})

	It("predicts collector_tstamp from the collector's timestamp, milliseconds kept", func() {
		ct, body := adapter.FormContentType, "service_name=A"
		pred, err := p.Predict(adapter.CollectorPayload{
			Path: "/com.statusgator/v1", ContentType: &ct, Body: &body,
			Timestamp: time.Date(2013, 8, 29, 0, 18, 48, 0, time.UTC),
		})
		Expect(err).NotTo(HaveOccurred())
		// Analytics SDK JSON writes an Instant: no fraction when it is zero.
		Expect(pred.Event).To(HaveKeyWithValue("collector_tstamp", "2013-08-29T00:18:48Z"))
	})
})
