package sender_test

import (
	"encoding/json"
	"errors"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sgkit/sgkit/adapter"
	"github.com/sgkit/sgkit/sender"
)

// fixedStart pins the histories so that plans compare across runs.
var fixedStart = time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

func generate(opts sender.Options) []sender.Request {
	GinkgoHelper()
	if opts.Start.IsZero() {
		opts.Start = fixedStart
	}
	reqs, err := sender.Generate(opts)
	Expect(err).NotTo(HaveOccurred())
	return reqs
}

func formOf(r sender.Request) url.Values {
	GinkgoHelper()
	Expect(r.Body).NotTo(BeNil())
	values, err := url.ParseQuery(*r.Body)
	Expect(err).NotTo(HaveOccurred())
	return values
}

var _ = Describe("Generate", func() {
	It("gives the same requests for the same seed", func() {
		opts := sender.Options{Seed: 42, Count: 300, Format: sender.FormatMixed, NaturalDuplicates: 0.1, SyntheticDuplicates: 0.1}
		Expect(generate(opts)).To(Equal(generate(opts)))
	})

	It("gives other requests for another seed", func() {
		a := generate(sender.Options{Seed: 1, Count: 20})
		b := generate(sender.Options{Seed: 2, Count: 20})
		Expect(a[0].EventID).NotTo(Equal(b[0].EventID))
		Expect(a[0].Body).NotTo(Equal(b[0].Body))
	})

	It("streams the same plan as Generate", func() {
		opts := sender.Options{Seed: 5, Count: 50, Format: sender.FormatMixed, Start: fixedStart}
		g, err := sender.NewGenerator(opts)
		Expect(err).NotTo(HaveOccurred())
		var streamed []sender.Request
		for {
			r, err := g.Next()
			if errors.Is(err, sender.ErrPlanDone) {
				break
			}
			Expect(err).NotTo(HaveOccurred())
			streamed = append(streamed, r)
		}
		Expect(streamed).To(Equal(generate(opts)))
	})

	It("tags each request with a fresh eid and the run id", func() {
		reqs := generate(sender.Options{Seed: 3, Count: 200, RunID: "run-7"})
		seen := map[string]bool{}
		for _, r := range reqs {
			Expect(r.EventID).To(MatchRegexp(uuidPattern.String()))
			Expect(seen[r.EventID]).To(BeFalse(), "eid %s repeated without a duplicate", r.EventID)
			seen[r.EventID] = true
			q, err := url.ParseQuery(r.Query)
			Expect(err).NotTo(HaveOccurred())
			Expect(q.Get("eid")).To(Equal(r.EventID))
			Expect(q.Get("aid")).To(Equal("run-7"))
		}
	})

	It("sends no query string with tagging off", func() {
		for _, r := range generate(sender.Options{Seed: 3, Count: 50, NoTag: true, Format: sender.FormatMixed}) {
			Expect(r.Query).To(BeEmpty())
			Expect(r.EventID).To(BeEmpty())
		}
	})

	It("rejects invalid options with the value and the fix", func() {
		_, err := sender.Generate(sender.Options{Count: 1, Format: "v4"})
		Expect(err).To(MatchError(ContainSubstring(`invalid format "v4": use v1, v2, v3 or mixed`)))
		_, err = sender.Generate(sender.Options{Count: 1, NaturalDuplicates: 0.7, SyntheticDuplicates: 0.7})
		Expect(err).To(MatchError(ContainSubstring("their sum at most 1")))
		_, err = sender.Generate(sender.Options{Count: 1, Services: 2, Shard: sender.Shard{I: 1, N: 3}})
		Expect(err).To(MatchError(ContainSubstring("at most 2 shards")))
		_, err = sender.Generate(sender.Options{Count: 1, NoTag: true, SyntheticDuplicates: 0.2})
		Expect(err).To(MatchError(ContainSubstring("synthetic duplicate probability 0.2 with NoTag")))
		_, err = sender.Generate(sender.Options{Count: 1, RunID: strings.Repeat("r", 256)})
		Expect(err).To(MatchError(ContainSubstring("invalid run id of 256 characters")))
		_, err = sender.Generate(sender.Options{Count: 1, RunID: "a/b"})
		Expect(err).To(MatchError(ContainSubstring(`character '/' would need escaping`)))
		// 255 characters is atomic 1-0-0's app_id maxLength, so it passes.
		_, err = sender.Generate(sender.Options{Count: 1, RunID: strings.Repeat("r", 255), SkipPredictions: true})
		Expect(err).NotTo(HaveOccurred())
		_, err = sender.Generate(sender.Options{})
		Expect(err).To(MatchError(ContainSubstring("Generate needs a bounded plan")))
	})
})

var _ = Describe("status histories", func() {
	reqs := func() []sender.Request {
		return generate(sender.Options{Seed: 11, Count: 2000, Services: 40})
	}

	It("chains last_status to the previous current_status per service", func() {
		last := map[string]string{}
		for _, r := range reqs() {
			form := formOf(r)
			if prev, ok := last[r.Service]; ok {
				Expect(form.Get("last_status")).To(Equal(prev), "request %s", r.Name)
			}
			Expect(form.Get("current_status")).NotTo(Equal(form.Get("last_status")), "request %s", r.Name)
			last[r.Service] = form.Get("current_status")
		}
	})

	It("moves occurred_at forward per service", func() {
		last := map[string]time.Time{}
		for _, r := range reqs() {
			at, err := time.Parse(time.RFC3339, formOf(r).Get("occurred_at"))
			Expect(err).NotTo(HaveOccurred())
			Expect(at.After(last[r.Service])).To(BeTrue(), "request %s at %s", r.Name, at)
			last[r.Service] = at
		}
	})

	It("uses StatusGator's vocabulary, mostly up, warn and down", func() {
		counts := map[string]int{}
		for _, r := range reqs() {
			counts[formOf(r).Get("current_status")]++
		}
		Expect(counts).To(HaveLen(5))
		for status := range counts {
			Expect(status).To(BeElementOf("up", "warn", "down", "unknown", "maintenance"))
		}
		Expect(counts["up"] + counts["warn"] + counts["down"]).To(BeNumerically(">", 2000*8/10))
	})

	It("mixes well-known and generated services", func() {
		services := map[string]bool{}
		for _, r := range reqs() {
			services[r.Service] = true
		}
		Expect(services).To(HaveKey("github"))
		Expect(len(services)).To(BeNumerically(">", 36))
	})

	DescribeTable("keeps occurred_at at or before start",
		func(format sender.Format, count, services int) {
			// A webhook reports a change that already happened: no
			// occurred_at may lie after the collector_tstamp (the start).
			plan := generate(sender.Options{Seed: 11, Count: count, Format: format, Services: services, SkipPredictions: true})
			Expect(plan).To(HaveLen(count))
			for _, r := range plan {
				at := occurredAt(r)
				Expect(at).NotTo(BeTemporally(">", fixedStart), "request %s", r.Name)
				Expect(at).To(BeTemporally(">=", fixedStart.Add(-31*24*time.Hour)), "request %s", r.Name)
			}
		},
		Entry("v1, 10 000 requests", sender.FormatV1, 10000, 100),
		Entry("mixed, 10 000 requests", sender.FormatMixed, 10000, 100),
		Entry("v1, 50 000 requests over 3 services (30-day cap)", sender.FormatV1, 50000, 3),
	)

	It("ends an unbounded plan after its horizon", func() {
		gen, err := sender.NewGenerator(sender.Options{Seed: 2, Start: fixedStart, Horizon: 500, Shard: sender.Shard{I: 2, N: 3}, SkipPredictions: true})
		Expect(err).NotTo(HaveOccurred())
		n := 0
		for {
			r, err := gen.Next()
			if err != nil {
				Expect(err).To(MatchError(ContainSubstring("Horizon")))
				break
			}
			Expect(occurredAt(r)).NotTo(BeTemporally(">", fixedStart), "request %s", r.Name)
			n++
		}
		Expect(n).To(BeNumerically(">=", 500))
	})
})

// occurredAt returns a v1, v2 or v3 request's change instant.
func occurredAt(r sender.Request) time.Time {
	GinkgoHelper()
	var text string
	switch r.Format {
	case sender.FormatV1:
		text = formOf(r).Get("occurred_at")
	default:
		var body map[string]any
		Expect(json.Unmarshal([]byte(*r.Body), &body)).To(Succeed())
		if v, ok := body["occurred_at"]; ok {
			text = v.(string)
		} else {
			text = body["recorded_at"].(string)
		}
	}
	at, err := time.Parse(time.RFC3339, text)
	Expect(err).NotTo(HaveOccurred())
	return at
}

var _ = Describe("formats", func() {
	It("encodes v1 byte for byte as enrich's spec body", func() {
		// Source: snowplow/enrich StatusGatorAdapterSpec e1, commit 607962e.
		const specBody = "service_name=CloudFlare&favicon_url=https%3A%2F%2Fdwxjd9cd6rwno.cloudfront.net%2Ffavicons%2Fcloudflare.ico&status_page_url=https%3A%2F%2Fwww.cloudflarestatus.com%2F&home_page_url=http%3A%2F%2Fwww.cloudflare.com&current_status=up&last_status=warn&occurred_at=2016-05-19T09%3A26%3A31%2B00%3A00"
		change := sender.StatusChange{
			Service: sender.Service{
				Name:          "CloudFlare",
				Slug:          "cloudflare",
				HomePageURL:   "http://www.cloudflare.com",
				StatusPageURL: "https://www.cloudflarestatus.com/",
			},
			Last:       sender.StatusWarn,
			Current:    sender.StatusUp,
			OccurredAt: time.Date(2016, 5, 19, 9, 26, 31, 0, time.UTC),
		}
		Expect(sender.EncodeV1(change)).To(Equal(specBody))
	})

	It("encodes v2 as StatusGator's Heroku example", func() {
		// Source: StatusGator support article "Webhook Version 2.0",
		// the fictitious Heroku event.
		const article = `{"component_status_changes":[{"group_name":null,"name":"Apps","last_status":"up","current_status":"warn"}],
			"component_statuses":[{"group_name":null,"name":"Apps","status":"warn"},{"group_name":null,"name":"Data","status":"up"},{"group_name":null,"name":"Tools","status":"up"}],
			"current_status":"warn","details":"Some users are experiencing deployment delays",
			"favicon_url":"https://favicons.statusgator.com/heroku.ico","home_page_url":"https://www.heroku.com",
			"last_status":"up","message":"Application deployment performance","occurred_at":"2022-01-20T10:52:30-04:00",
			"service_name":"Heroku","slug":"heroku","status_page_url":"https://status.heroku.com"}`
		change := sender.StatusChange{
			Service:    sender.Service{Name: "Heroku", Slug: "heroku", HomePageURL: "https://www.heroku.com", StatusPageURL: "https://status.heroku.com"},
			Last:       sender.StatusUp,
			Current:    sender.StatusWarn,
			OccurredAt: time.Date(2022, 1, 20, 14, 52, 30, 0, time.UTC),
			Offset:     -4 * 3600,
			Message:    "Application deployment performance",
			Details:    "Some users are experiencing deployment delays",
			Components: []sender.ComponentChange{{Name: "Apps", Last: sender.StatusUp, Current: sender.StatusWarn}},
			ComponentStatuses: []sender.ComponentStatus{
				{Name: "Apps", Status: sender.StatusWarn},
				{Name: "Data", Status: sender.StatusUp},
				{Name: "Tools", Status: sender.StatusUp},
			},
		}
		Expect(sender.EncodeV2(change)).To(MatchJSON(article))
	})

	It("sends v2 occurred_at with a non-UTC offset sometimes", func() {
		offsets := map[string]int{}
		for _, r := range generate(sender.Options{Seed: 8, Count: 300, Format: sender.FormatV2}) {
			Expect(*r.ContentType).To(Equal("application/json"))
			var body map[string]any
			Expect(json.Unmarshal([]byte(*r.Body), &body)).To(Succeed())
			occurred := body["occurred_at"].(string)
			_, err := time.Parse(time.RFC3339, occurred)
			Expect(err).NotTo(HaveOccurred())
			offsets[occurred[len(occurred)-6:]]++
		}
		Expect(offsets).To(HaveKey("+00:00"))
		Expect(len(offsets)).To(BeNumerically(">", 3))
	})

	It("sends v3 StatusChange and EarlyWarningSignal with the article's fields", func() {
		// Source: StatusGator support article "Webhook version 3.0", both examples.
		statusChange := []string{"board", "component_status_changes", "details", "message", "monitor",
			"previous_status", "recorded_at", "service", "status", "type"}
		earlyWarning := []string{"board", "monitor", "no_vote_url", "recorded_at", "service", "summary", "type", "yes_vote_url"}
		serviceKeys := []string{"home_page_url", "icon_url", "id", "landing_page_url", "name", "slug", "status_page_url"}
		types := map[string]int{}
		for _, r := range generate(sender.Options{Seed: 9, Count: 300, Format: sender.FormatV3}) {
			var body map[string]any
			Expect(json.Unmarshal([]byte(*r.Body), &body)).To(Succeed())
			types[body["type"].(string)]++
			switch body["type"] {
			case "StatusChange":
				Expect(keys(body)).To(Equal(statusChange))
			case "EarlyWarningSignal":
				Expect(keys(body)).To(Equal(earlyWarning))
			default:
				Fail("unexpected type " + body["type"].(string))
			}
			Expect(keys(body["service"].(map[string]any))).To(Equal(serviceKeys))
			Expect(body["recorded_at"]).To(MatchRegexp(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`))
		}
		Expect(types["StatusChange"]).To(BeNumerically(">", 0))
		Expect(types["EarlyWarningSignal"]).To(BeNumerically(">", 0))
	})
})

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

var _ = Describe("duplicates", func() {
	reqs := func() []sender.Request {
		return generate(sender.Options{Seed: 21, Count: 1000, Format: sender.FormatMixed, NaturalDuplicates: 0.1, SyntheticDuplicates: 0.1})
	}

	It("repeats the original byte for byte for a natural duplicate", func() {
		plan := reqs()
		natural := 0
		for _, r := range plan {
			if r.Duplicate != sender.NaturalDuplicate {
				continue
			}
			natural++
			orig := plan[r.DuplicateOf]
			Expect(r.Query).To(Equal(orig.Query))
			Expect(r.Body).To(Equal(orig.Body))
			Expect(r.ContentType).To(Equal(orig.ContentType))
			Expect(r.EventID).To(Equal(orig.EventID))
		}
		Expect(natural).To(BeNumerically("~", 100, 40))
	})

	It("reuses the eid with another body for a synthetic duplicate", func() {
		plan := reqs()
		synthetic := 0
		for _, r := range plan {
			if r.Duplicate != sender.SyntheticDuplicate {
				continue
			}
			synthetic++
			orig := plan[r.DuplicateOf]
			Expect(r.EventID).To(Equal(orig.EventID))
			Expect(r.Body).NotTo(Equal(orig.Body))
			Expect(r.Format).To(Equal(orig.Format))
		}
		Expect(synthetic).To(BeNumerically("~", 100, 40))
	})
})

var _ = Describe("shards", func() {
	DescribeTable("split one plan without overlap",
		func(opts sender.Options, n int) {
			opts.Start = fixedStart
			whole := generate(opts)
			owner := map[int]int{}
			for i := 1; i <= n; i++ {
				opts.Shard = sender.Shard{I: i, N: n}
				part := generate(opts)
				Expect(part).NotTo(BeEmpty())
				for _, r := range part {
					prev, taken := owner[r.Index]
					Expect(taken).To(BeFalse(), "request %d is in shards %d and %d", r.Index, prev, i)
					owner[r.Index] = i
					Expect(r).To(Equal(whole[r.Index]))
				}
			}
			Expect(owner).To(HaveLen(len(whole)))
		},
		Entry("realistic, three shards", sender.Options{Seed: 4, Count: 500, Format: sender.FormatMixed, NaturalDuplicates: 0.1, SyntheticDuplicates: 0.1}, 3),
		Entry("realistic, seven shards", sender.Options{Seed: 4, Count: 300, Services: 10}, 7),
		Entry("edge, two shards", sender.Options{Seed: 4, Corpus: sender.CorpusEdge, MaxBodyBytes: 64}, 2),
	)

	It("parses i/n and rejects other shapes", func() {
		Expect(sender.ParseShard("2/3")).To(Equal(sender.Shard{I: 2, N: 3}))
		for _, bad := range []string{"0/3", "4/3", "3", "a/b", "1/0"} {
			_, err := sender.ParseShard(bad)
			Expect(err).To(MatchError(ContainSubstring("give i/n")), "shard %q", bad)
		}
	})
})

var _ = Describe("edge corpus", func() {
	// The rules named in the issue that asked for the corpus, one request each.
	expectedNames := []string{
		"content-type-charset", "content-type-charset-no-space", "content-type-upper-case",
		"content-type-unparseable", "body-over-limit", "body-absent", "body-empty",
		"content-type-absent", "content-type-json", "body-json", "body-raw-space", "body-nbsp",
		"body-tab", "body-pipe", "body-malformed-escape", "body-hash", "body-semicolon",
		"body-raw-non-ascii", "body-encoded-non-ascii", "field-valueless", "field-missing",
		"field-empty-name", "field-repeated", "field-unknown", "query-platform",
		"query-platform-invalid", "query-extra-parameter", "query-illegal-character",
		"query-eid-upper-case", "query-eid-invalid", "path-unknown-version",
		"service-name-129-chars", "favicon-empty", "favicon-non-ascii", "occurred-at-space",
		"occurred-at-no-seconds", "occurred-at-negative-zero", "occurred-at-z",
		"service-name-128-multibyte", "occurred-at-non-utc",
	}
	edge := func() map[string]sender.Request {
		byName := map[string]sender.Request{}
		for _, r := range generate(sender.Options{Seed: 1, Corpus: sender.CorpusEdge, MaxBodyBytes: 1000}) {
			Expect(r.Format).To(Equal(sender.FormatEdge))
			byName[r.Name] = r
		}
		return byName
	}

	It("has one request per rule", func() {
		Expect(sender.EdgeCaseNames()).To(Equal(expectedNames))
		Expect(edge()).To(HaveLen(len(expectedNames)))
	})

	It("builds each rule's request", func() {
		e := edge()
		Expect(*e["content-type-charset"].ContentType).To(Equal("application/x-www-form-urlencoded; charset=UTF-8"))
		Expect(e["content-type-absent"].ContentType).To(BeNil())
		Expect(e["body-absent"].Body).To(BeNil())
		Expect(e["body-absent"].Method).To(Equal("GET"))
		Expect(*e["body-empty"].Body).To(BeEmpty())
		Expect(len(*e["body-over-limit"].Body)).To(BeNumerically(">", 1000))
		Expect(*e["body-raw-non-ascii"].Body).To(ContainSubstring("service_name=Café&"))
		Expect(*e["body-hash"].Body).To(ContainSubstring("C#Cloud"))
		Expect(*e["body-semicolon"].Body).To(ContainSubstring("Cloud;flare"))
		Expect(*e["body-json"].Body).To(HavePrefix("{"))
		Expect(*e["favicon-empty"].Body).To(ContainSubstring("favicon_url=&"))
		Expect(*e["field-valueless"].Body).To(HaveSuffix("&last_status"))
		Expect(*e["occurred-at-space"].Body).To(ContainSubstring("occurred_at=2026-01-02+15%3A04%3A05%2B00%3A00"))
		Expect(*e["occurred-at-non-utc"].Body).To(ContainSubstring("occurred_at=2026-01-02T11%3A04%3A05-04%3A00"))
		Expect(strings.Count(*e["service-name-128-multibyte"].Body, "%C3%A9")).To(Equal(128))
		Expect(e["path-unknown-version"].Path).To(Equal("/com.statusgator/v2"))
		Expect(e["query-eid-invalid"].EventID).To(Equal("not-a-uuid"))
		Expect(e["query-platform"].Query).To(HavePrefix("p=web&eid="))
	})

	It("keeps the case's own query parameters with tagging off", func() {
		for _, r := range generate(sender.Options{Seed: 1, Corpus: sender.CorpusEdge, NoTag: true, MaxBodyBytes: 10}) {
			Expect(r.Query).NotTo(ContainSubstring("aid="), "request %s", r.Name)
			if !strings.HasPrefix(r.Name, "query-") {
				Expect(r.Query).To(BeEmpty(), "request %s", r.Name)
			}
		}
	})
})

var _ = Describe("predictions", func() {
	It("predicts every realistic v1 request good and schema-valid", func() {
		for _, r := range generate(sender.Options{Seed: 13, Count: 300, Format: sender.FormatV1}) {
			Expect(r.Expected.Outcome).To(Equal(adapter.Good), "request %s: %s", r.Name, badRowOf(r))
			Expect(r.Expected.RawEvent).NotTo(BeNil())
			Expect(r.Expected.RawEvent.Parameters).To(HaveKeyWithValue("tv", "com.statusgator-v1"))
			Expect(r.Expected.RawEvent.Parameters).To(HaveKeyWithValue("eid", r.EventID))
		}
	})

	It("predicts v2 and v3 JSON bad: the adapter wants a form body", func() {
		for _, r := range generate(sender.Options{Seed: 13, Count: 50, Format: sender.FormatMixed}) {
			if r.Format != sender.FormatV1 {
				Expect(r.Expected.Outcome).To(Equal(adapter.Bad), "request %s", r.Name)
			}
		}
	})

	It("carries the prediction of the default predictor", func() {
		for _, r := range generate(sender.Options{Seed: 2, Corpus: sender.CorpusEdge, MaxBodyBytes: 100}) {
			want, err := adapter.Default().Predict(r.Payload())
			Expect(err).NotTo(HaveOccurred())
			Expect(r.Expected.Outcome).To(Equal(want.Outcome), "request %s", r.Name)
		}
	})
})

func badRowOf(r sender.Request) string {
	if r.Expected.BadRow == nil {
		return "no bad row"
	}
	return string(r.Expected.BadRow.Data)
}
