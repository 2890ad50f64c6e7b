package redshift_test

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
	"github.com/sgkit/sgkit/redshift"
)

// subsetDiff lists where actual departs from expected, following the
// fixture rule: every key given must match, keys left out are not
// compared. An expected empty list also matches an absent one, because
// the prediction leaves rowIssues out when there are none.
func subsetDiff(expected, actual any, path string) []string {
	switch exp := expected.(type) {
	case map[string]any:
		act, ok := actual.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: expected an object, got %v", path, actual)}
		}
		keys := make([]string, 0, len(exp))
		for k := range exp {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var out []string
		for _, k := range keys {
			out = append(out, subsetDiff(exp[k], act[k], path+"."+k)...)
		}
		return out
	case []any:
		act, _ := actual.([]any)
		if len(exp) != len(act) {
			return []string{fmt.Sprintf("%s: expected %d entries %v, got %d %v", path, len(exp), exp, len(act), act)}
		}
		var out []string
		for i := range exp {
			out = append(out, subsetDiff(exp[i], act[i], fmt.Sprintf("%s[%d]", path, i))...)
		}
		return out
	default:
		if !reflect.DeepEqual(expected, actual) {
			return []string{fmt.Sprintf("%s: expected %#v, got %#v", path, expected, actual)}
		}
		return nil
	}
}

var _ = Describe("redshift fixtures", func() {
	cases, err := fixtures.Load("redshift")
	if err != nil {
		It("loads the fixtures", func() { Expect(err).NotTo(HaveOccurred()) })
		return
	}

	for _, c := range cases {
		It(c.Name, func() {
			cp := adapter.CollectorPayload{
				Path:        c.Request.Path,
				QueryString: c.Request.Query,
				ContentType: c.Request.ContentType,
				Body:        c.Request.Body,
				Timestamp:   time.Date(2013, 8, 29, 0, 18, 48, 0, time.UTC),
			}
			pred, err := adapter.Default().Predict(cp)
			Expect(err).NotTo(HaveOccurred())

			raw, err := json.Marshal(pred)
			Expect(err).NotTo(HaveOccurred())
			var actual, expected any
			Expect(json.Unmarshal(raw, &actual)).To(Succeed())
			Expect(json.Unmarshal(c.Expected, &expected)).To(Succeed())

			Expect(subsetDiff(expected, actual, "expected")).To(BeEmpty(), "fixture %s (%s)", c.File, c.Source)
		})
	}
})

var _ = Describe("prediction without a receive time", func() {
	It("marks root_tstamp as not predicted, not as a NULL the warehouse rejects", func() {
		// A collector stamps every event when it receives it
		// (collector_tstamp, copied into root_tstamp), so a loaded row is
		// never NULL there; only the prediction lacks the time.
		contentType := "application/x-www-form-urlencoded"
		body := "service_name=CloudFlare&current_status=up&occurred_at=2016-05-19T09%3A26%3A31%2B00%3A00"
		query := "eid=c6ef3124-b53a-4b13-a233-0088f79dcbcb"
		cp := adapter.CollectorPayload{Path: "/com.statusgator/v1", QueryString: query, ContentType: &contentType, Body: &body}
		pred, err := adapter.Default().Predict(cp)
		Expect(err).NotTo(HaveOccurred())
		Expect(pred.Row).To(HaveKeyWithValue("root_tstamp", BeNil()))
		Expect(pred.RowIssues).To(ConsistOf(And(
			HaveField("Column", "root_tstamp"),
			HaveField("Rule", redshift.RuleNotPredicted),
			HaveField("Detail", ContainSubstring("--timestamp")),
		)))
	})
})
