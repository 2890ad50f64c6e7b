package adapter_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sgkit/sgkit/adapter"
	"github.com/sgkit/sgkit/fixtures"
)

// collectorPayloadOf turns a fixture request into the payload a collector
// records, stamped with a fixed time so predictions are repeatable.
func collectorPayloadOf(r fixtures.Request) adapter.CollectorPayload {
	return adapter.CollectorPayload{
		Path:        r.Path,
		QueryString: r.Query,
		ContentType: r.ContentType,
		Body:        r.Body,
		Timestamp:   time.Date(2016, 5, 19, 9, 26, 31, 0, time.UTC),
	}
}

// subsetMismatch returns "" when every key of expected is in actual with a
// matching value, as fixtures/README.md defines a case's expected subset.
// Objects match key by key, recursively. Arrays must have the same length
// and match element by element. Other values must be equal.
func subsetMismatch(path string, expected, actual any) string {
	switch e := expected.(type) {
	case map[string]any:
		a, ok := actual.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: expected an object, got %v", path, actual)
		}
		keys := make([]string, 0, len(e))
		for k := range e {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			av, present := a[k]
			if !present {
				return fmt.Sprintf("%s.%s: missing", path, k)
			}
			if m := subsetMismatch(path+"."+k, e[k], av); m != "" {
				return m
			}
		}
		return ""
	case []any:
		a, ok := actual.([]any)
		if !ok || len(a) != len(e) {
			return fmt.Sprintf("%s: expected %d elements, got %v", path, len(e), actual)
		}
		for i := range e {
			if m := subsetMismatch(fmt.Sprintf("%s[%d]", path, i), e[i], a[i]); m != "" {
				return m
			}
		}
		return ""
	}
	if !reflect.DeepEqual(expected, actual) {
		return fmt.Sprintf("%s: expected %#v, got %#v", path, expected, actual)
	}
	return ""
}

// asGeneric re-decodes a value as plain JSON maps and slices.
func asGeneric(v any) any {
	b, err := json.Marshal(v)
	Expect(err).NotTo(HaveOccurred())
	var out any
	Expect(json.Unmarshal(b, &out)).To(Succeed())
	return out
}

var _ = Describe("Iglu rule fixtures", func() {
	cases, err := fixtures.Load("iglu")
	if err != nil {
		panic(err)
	}
	entries := make([]TableEntry, 0, len(cases))
	for _, c := range cases {
		entries = append(entries, Entry(c.Name+" ("+c.File+")", c))
	}

	DescribeTable("predicts the case's outcome",
		func(c fixtures.Case) {
			pred, err := adapter.Default().Predict(collectorPayloadOf(c.Request))
			Expect(err).NotTo(HaveOccurred())
			var expected any
			Expect(json.Unmarshal(c.Expected, &expected)).To(Succeed())
			Expect(subsetMismatch("$", expected, asGeneric(pred))).To(BeEmpty(), "source: %s", c.Source)
		},
		entries,
	)

	It("keeps the raw event of a schema violation", func() {
		body := "favicon_url="
		ct := "application/x-www-form-urlencoded"
		pred, err := adapter.Default().Predict(adapter.CollectorPayload{Path: "/com.statusgator/v1", ContentType: &ct, Body: &body})
		Expect(err).NotTo(HaveOccurred())
		Expect(pred.Outcome).To(Equal(adapter.Bad))
		Expect(pred.RawEvent).NotTo(BeNil())
		Expect(pred.RawEvent.Parameters).To(HaveKeyWithValue("ue_pr", ContainSubstring(`"faviconUrl":""`)))
	})
})
