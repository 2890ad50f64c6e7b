package conformance

import (
	"encoding/json"
	"time"

	g "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sgkit/sgkit/adapter"
)

var _ = g.Describe("diffJSON", func() {
	g.It("reports a changed, a missing and, when strict, an extra field", func() {
		expected := map[string]any{"a": "1", "b": "2"}
		var actual map[string]any
		Expect(json.Unmarshal([]byte(`{"a":"x","c":"3"}`), &actual)).To(Succeed())

		Expect(diffJSON("data", expected, actual, diffOptions{Strict: true})).To(Equal([]difference{
			{Field: "data.a", Expected: `"1"`, Actual: `"x"`},
			{Field: "data.b", Expected: `"2"`, Actual: "(absent)"},
			{Field: "data.c", Expected: "(absent)", Actual: `"3"`},
		}))
		Expect(diffJSON("data", expected, actual, diffOptions{})).To(HaveLen(2))
	})

	g.It("compares numbers by value and null apart from absent", func() {
		Expect(diffJSON("", map[string]any{"n": 1}, map[string]any{"n": json.Number("1.0")}, diffOptions{})).To(BeEmpty())
		Expect(diffJSON("", map[string]any{"v": nil}, map[string]any{}, diffOptions{})).To(Equal([]difference{
			{Field: "v", Expected: "null", Actual: "(absent)"},
		}))
	})

	g.It("reports an array of another length as one difference", func() {
		Expect(diffJSON("m", []string{"a"}, []string{"a", "b"}, diffOptions{})).To(Equal([]difference{
			{Field: "m", Expected: `["a"]`, Actual: `["a","b"]`},
		}))
	})

	g.It("skips ignored paths", func() {
		ds := diffJSON("", map[string]any{"processor": map[string]any{"version": "1"}, "x": "1"},
			map[string]any{"processor": map[string]any{"version": "2"}, "x": "1"},
			diffOptions{Strict: true, Ignore: func(p string) bool { return ignoredBadRowPath("adapter_failures", p) }})
		Expect(ds).To(BeEmpty())
	})
})

var _ = g.Describe("IgnoredFields", func() {
	g.DescribeTable("bad row paths",
		func(kind, path string, skipped bool) {
			Expect(ignoredBadRowPath(kind, path)).To(Equal(skipped))
		},
		g.Entry("processor version", "adapter_failures", "processor.version", true),
		g.Entry("failure timestamp", "adapter_failures", "failure.timestamp", true),
		g.Entry("failure message", "adapter_failures", "failure.messages[0].expectation", false),
		g.Entry("enriched etl_tstamp", "schema_violations", "payload.enriched.etl_tstamp", true),
		g.Entry("enriched app_id", "schema_violations", "payload.enriched.app_id", false),
		g.Entry("size_violation payload prefix", "size_violation", "payload", true),
		g.Entry("adapter payload body", "adapter_failures", "payload.body", false),
	)

	g.It("compares network_userid when the request sets nuid", func() {
		Expect(ignoredEventField("network_userid", false)).To(BeTrue())
		Expect(ignoredEventField("network_userid", true)).To(BeFalse())
	})
})

var _ = g.Describe("nameValues", func() {
	g.It("reads Micro's name=value list", func() {
		Expect(nameValues([]any{"eid=abc", "aid=run", "x=a=b"})).To(Equal(map[string]string{
			"eid": "abc", "aid": "run", "x": "a=b"}))
	})
	g.It("reads a raw query string and {name, value} pairs", func() {
		Expect(nameValues("eid=abc&aid=run")).To(HaveKeyWithValue("eid", "abc"))
		Expect(nameValues([]any{map[string]any{"name": "eid", "value": "abc"}})).To(HaveKeyWithValue("eid", "abc"))
	})
})

var _ = g.Describe("Config defaults", func() {
	g.It("lets one read of Micro last the whole wait", func() {
		cfg := Config{CollectorURL: "http://127.0.0.1:1", Timeout: time.Minute}.withDefaults()
		Expect(cfg.Client.Timeout).To(Equal(time.Minute))
		Expect(Config{CollectorURL: "http://127.0.0.1:1", Timeout: time.Second}.withDefaults().Client.Timeout).
			To(Equal(10 * time.Second))
	})
})

var _ = g.Describe("match", func() {
	sizeRow := &adapter.BadRow{Schema: "iglu:com.snowplowanalytics.snowplow.badrows/size_violation/jsonschema/1-0-0"}
	cases := []Case{
		{Name: "good", EventID: "aaaaaaaa-0000-4000-8000-000000000001",
			Prediction: adapter.Prediction{Outcome: adapter.Good}},
		{Name: "too big", EventID: "aaaaaaaa-0000-4000-8000-000000000002",
			Prediction: adapter.Prediction{Outcome: adapter.Bad, BadRow: sizeRow}},
	}

	g.It("matches event_id in any case and ignores other runs", func() {
		m := match(cases, "run-1", []observation{
			{Outcome: adapter.Good, EventID: "AAAAAAAA-0000-4000-8000-000000000001", AppID: "run-1"},
			{Outcome: adapter.Good, EventID: "aaaaaaaa-0000-4000-8000-000000000001", AppID: "run-0"},
		})
		Expect(m.byCase[0]).To(HaveLen(1))
		Expect(m.unmatched).To(BeEmpty())
	})

	g.It("keeps an observation with a run's unique eid whatever its aid", func() {
		unique := []Case{{Name: "fresh", EventID: "cccccccc-0000-4000-8000-000000000001", UniqueEventID: true,
			Prediction: adapter.Prediction{Outcome: adapter.Good}}}
		m := match(unique, "run-1", []observation{
			{Outcome: adapter.Good, EventID: "cccccccc-0000-4000-8000-000000000001", AppID: "rewritten"},
		})
		Expect(m.byCase[0]).To(HaveLen(1))
		Expect(m.foreign[0]).To(BeEmpty())
	})

	g.It("keeps another aid with a shared eid only as a hint", func() {
		m := match(cases, "run-1", []observation{
			{Outcome: adapter.Good, EventID: "aaaaaaaa-0000-4000-8000-000000000001", AppID: "run-0"},
		})
		Expect(m.byCase[0]).To(BeEmpty())
		Expect(m.foreign[0]).To(HaveLen(1))
		Expect(m.unmatched).To(BeEmpty())
	})

	g.It("reports an observation of its own run that matches no case", func() {
		m := match(cases, "run-1", []observation{
			{Outcome: adapter.Good, EventID: "bbbbbbbb-0000-4000-8000-000000000009", AppID: "run-1"},
		})
		Expect(m.unmatched).To(HaveLen(1))
	})

	g.It("gives a size_violation without eid to a predicted size_violation", func() {
		m := match(cases, "run-1", []observation{
			{Outcome: adapter.Bad, BadRow: sizeRow, Text: `{"payload":"CollectorPayload(schema:iglu:"}`},
		})
		Expect(m.byCase[0]).To(BeEmpty())
		Expect(m.byCase[1]).To(HaveLen(1))
		Expect(m.accountedFor([]bool{false, true})).To(BeTrue())
	})

	g.It("finds an eid in a size_violation's payload prefix", func() {
		m := match(cases, "run-1", []observation{
			{Outcome: adapter.Bad, BadRow: sizeRow, Text: `querystring:eid=aaaaaaaa-0000-4000-8000-000000000001&aid=run-1`},
		})
		Expect(m.byCase[0]).To(HaveLen(1))
		Expect(m.byCase[1]).To(BeEmpty())
	})

	g.It("leaves a text match of another run alone", func() {
		m := match(cases, "run-1", []observation{
			{Outcome: adapter.Bad, Text: `querystring:eid=aaaaaaaa-0000-4000-8000-000000000001&aid=run-0`},
		})
		Expect(m.byCase[0]).To(BeEmpty())
		Expect(m.unmatched).To(BeEmpty())
	})
})
