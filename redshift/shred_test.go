package redshift_test

import (
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sgkit/sgkit/redshift"
)

const statusChangeURI = "iglu:com.statusgator/status_change/jsonschema/1-0-0"

// cloudFlareData is the unstruct event data of snowplow/enrich
// StatusGatorAdapterSpec e1 (commit 607962e).
func cloudFlareData() map[string]any {
	return map[string]any{
		"lastStatus":    "warn",
		"statusPageUrl": "https://www.cloudflarestatus.com/",
		"serviceName":   "CloudFlare",
		"faviconUrl":    "https://dwxjd9cd6rwno.cloudfront.net/favicons/cloudflare.ico",
		"occurredAt":    "2016-05-19T09:26:31+00:00",
		"homePageUrl":   "http://www.cloudflare.com",
		"currentStatus": "up",
	}
}

// cloudFlareEvent adds an event id and the spec's collector time
// (Shared.context, 2013-08-29T00:18:48.000+00:00).
func cloudFlareEvent() redshift.Event {
	return redshift.Event{
		SchemaURI:       statusChangeURI,
		Data:            cloudFlareData(),
		EventID:         "c6ef3124-b53a-4b13-a233-0088f79dcbcb",
		CollectorTstamp: time.Date(2013, 8, 29, 0, 18, 48, 0, time.UTC),
	}
}

func text(s string) *string { return &s }

// cloudFlareRow is the expected row: schema_* from the Iglu URI, root_id and
// root_tstamp from the event, ref_* as the Snowplow shredder writes them for
// a top-level entity, then the properties in jsonpaths order.
func cloudFlareRow() map[string]*string {
	return map[string]*string{
		"schema_vendor":   text("com.statusgator"),
		"schema_name":     text("status_change"),
		"schema_format":   text("jsonschema"),
		"schema_version":  text("1-0-0"),
		"root_id":         text("c6ef3124-b53a-4b13-a233-0088f79dcbcb"),
		"root_tstamp":     text("2013-08-29 00:18:48"),
		"ref_root":        text("events"),
		"ref_tree":        text(`["events","status_change"]`),
		"ref_parent":      text("events"),
		"current_status":  text("up"),
		"favicon_url":     text("https://dwxjd9cd6rwno.cloudfront.net/favicons/cloudflare.ico"),
		"home_page_url":   text("http://www.cloudflare.com"),
		"last_status":     text("warn"),
		"occurred_at":     text("2016-05-19 09:26:31"),
		"service_name":    text("CloudFlare"),
		"status_page_url": text("https://www.cloudflarestatus.com/"),
	}
}

var _ = Describe("Shred", func() {
	table := redshift.StatusChangeTable()

	It("shreds the CloudFlare event into its row", func() {
		row, err := table.Shred(cloudFlareEvent())
		Expect(err).NotTo(HaveOccurred())
		Expect(row.Map()).To(Equal(cloudFlareRow()))
	})

	It("keeps enrich's collector_tstamp text as the loader's source", func() {
		ev := cloudFlareEvent()
		ev.CollectorTstamp = time.Date(2013, 8, 29, 0, 18, 48, 123e6, time.UTC)
		row, err := table.Shred(ev)
		Expect(err).NotTo(HaveOccurred())
		// EventEnrichments.toTimestamp: yyyy-MM-dd HH:mm:ss.SSS, UTC.
		Expect(*row.Sources[5]).To(Equal("2013-08-29 00:18:48.123"))
		Expect(*row.Values[5]).To(Equal("2013-08-29 00:18:48.123"))
	})

	It("stores occurred_at as the UTC instant and keeps the source as sent", func() {
		ev := cloudFlareEvent()
		ev.Data["occurredAt"] = "2022-01-20T10:52:30-04:00"
		row, err := table.Shred(ev)
		Expect(err).NotTo(HaveOccurred())
		Expect(*row.Map()["occurred_at"]).To(Equal("2022-01-20 14:52:30"))
		Expect(*row.Sources[13]).To(Equal("2022-01-20T10:52:30-04:00"))
	})

	It("makes a missing or null property NULL", func() {
		ev := cloudFlareEvent()
		delete(ev.Data, "faviconUrl")
		ev.Data["lastStatus"] = nil
		row, err := table.Shred(ev)
		Expect(err).NotTo(HaveOccurred())
		Expect(row.Map()["favicon_url"]).To(BeNil())
		Expect(row.Map()["last_status"]).To(BeNil())
	})

	It("keeps an empty string as an empty string", func() {
		ev := cloudFlareEvent()
		ev.Data["faviconUrl"] = ""
		row, err := table.Shred(ev)
		Expect(err).NotTo(HaveOccurred())
		Expect(row.Map()["favicon_url"]).To(Equal(text("")))
	})

	It("makes root_id NULL when the event id is unknown", func() {
		ev := cloudFlareEvent()
		ev.EventID = ""
		row, err := table.Shred(ev)
		Expect(err).NotTo(HaveOccurred())
		Expect(row.Map()).To(HaveKeyWithValue("root_id", BeNil()))
	})

	It("rejects an event of another schema", func() {
		ev := cloudFlareEvent()
		ev.SchemaURI = "iglu:com.statusgator/status_change/jsonschema/2-0-0"
		_, err := table.Shred(ev)
		Expect(err).To(MatchError(ContainSubstring("does not match table atomic.com_statusgator_status_change_1")))
	})

	It("writes a non-string value as its JSON text", func() {
		ev := cloudFlareEvent()
		ev.Data["serviceName"] = map[string]any{"a": 1.0}
		row, err := table.Shred(ev)
		Expect(err).NotTo(HaveOccurred())
		Expect(*row.Map()["service_name"]).To(Equal(`{"a":1}`))
	})
})

var _ = Describe("ParseTimestamp", func() {
	// Shapes from ethlo ITU 1.7.0's date-time grammar; instants by hand.
	DescribeTable("parses the date-time shapes the schema accepts",
		func(in, instant, offset string) {
			ts, ok := redshift.ParseTimestamp(in)
			Expect(ok).To(BeTrue())
			Expect(ts.Instant.Format(time.RFC3339Nano)).To(Equal(instant))
			Expect(ts.Offset).To(Equal(offset))
		},
		Entry("Z", "2016-05-19T09:26:31Z", "2016-05-19T09:26:31Z", "+00:00"),
		Entry("lower-case z and t", "2016-05-19t09:26:31z", "2016-05-19T09:26:31Z", "+00:00"),
		Entry("space separator", "2016-05-19 09:26:31+00:00", "2016-05-19T09:26:31Z", "+00:00"),
		Entry("negative offset", "2022-01-20T10:52:30-04:00", "2022-01-20T14:52:30Z", "-04:00"),
		Entry("positive offset over midnight", "2022-01-01T01:00:00+05:30", "2021-12-31T19:30:00Z", "+05:30"),
		Entry("fraction", "2016-05-19T09:26:31.123456789Z", "2016-05-19T09:26:31.123456789Z", "+00:00"),
		Entry("point without fraction digits", "2016-05-19T09:26:31.Z", "2016-05-19T09:26:31Z", "+00:00"),
	)

	DescribeTable("rejects what a TIMESTAMP column cannot load",
		func(in string) {
			_, ok := redshift.ParseTimestamp(in)
			Expect(ok).To(BeFalse())
		},
		Entry("February 30", "2016-02-30T09:26:31Z"),
		Entry("hour 24", "2016-05-19T24:00:00Z"),
		Entry("no seconds", "2016-05-19T09:26Z"),
		Entry("empty", ""),
		Entry("offset hour 24", "2016-05-19T09:26:31+24:00"),
	)
})

var _ = Describe("Check", func() {
	table := redshift.StatusChangeTable()

	shred := func(mutate func(*redshift.Event)) redshift.Row {
		ev := cloudFlareEvent()
		mutate(&ev)
		row, err := table.Shred(ev)
		Expect(err).NotTo(HaveOccurred())
		return row
	}

	It("finds nothing in the CloudFlare row", func() {
		Expect(redshift.Check(shred(func(*redshift.Event) {}))).To(BeEmpty())
	})

	It("measures VARCHAR in bytes", func() {
		// 128 characters pass maxLength 128 (code points) but are 256
		// bytes of UTF-8, over Redshift's VARCHAR(128).
		issues := redshift.Check(shred(func(ev *redshift.Event) {
			ev.Data["serviceName"] = strings.Repeat("é", 128)
		}))
		Expect(issues).To(HaveLen(1))
		Expect(issues[0].Column).To(Equal("service_name"))
		Expect(issues[0].Rule).To(Equal(redshift.RuleVarcharBytes))
		Expect(issues[0].Detail).To(ContainSubstring("256 bytes (128 characters) exceed VARCHAR(128)"))
	})

	It("accepts exactly 128 bytes", func() {
		issues := redshift.Check(shred(func(ev *redshift.Event) {
			ev.Data["serviceName"] = strings.Repeat("é", 64)
		}))
		Expect(issues).To(BeEmpty())
	})

	It("flags the offset a TIMESTAMP column drops", func() {
		issues := redshift.Check(shred(func(ev *redshift.Event) {
			ev.Data["occurredAt"] = "2022-01-20T10:52:30-04:00"
		}))
		Expect(issues).To(HaveLen(1))
		Expect(issues[0].Column).To(Equal("occurred_at"))
		Expect(issues[0].Rule).To(Equal(redshift.RuleTimestampOffset))
		Expect(issues[0].Detail).To(ContainSubstring("stores 2022-01-20 10:52:30 instead of the UTC instant 2022-01-20 14:52:30"))
	})

	DescribeTable("finds no offset issue for a zero offset",
		func(occurredAt string) {
			Expect(redshift.Check(shred(func(ev *redshift.Event) { ev.Data["occurredAt"] = occurredAt }))).To(BeEmpty())
		},
		Entry("+00:00", "2016-05-19T09:26:31+00:00"),
		Entry("Z", "2016-05-19T09:26:31Z"),
		Entry("z", "2016-05-19T09:26:31z"),
	)

	It("flags fraction digits beyond microseconds", func() {
		issues := redshift.Check(shred(func(ev *redshift.Event) { ev.Data["occurredAt"] = "2016-05-19T09:26:31.1234567Z" }))
		Expect(issues).To(HaveLen(1))
		Expect(issues[0].Rule).To(Equal(redshift.RuleTimestampPrecision))
	})

	It("flags a value a TIMESTAMP column cannot parse", func() {
		issues := redshift.Check(shred(func(ev *redshift.Event) { ev.Data["occurredAt"] = "yesterday" }))
		Expect(issues).To(HaveLen(1))
		Expect(issues[0].Column).To(Equal("occurred_at"))
		Expect(issues[0].Rule).To(Equal(redshift.RuleTimestamp))
	})

	It("flags NULL in a NOT NULL hierarchy column", func() {
		issues := redshift.Check(shred(func(ev *redshift.Event) { ev.EventID = "" }))
		Expect(issues).To(HaveLen(1))
		Expect(issues[0].Column).To(Equal("root_id"))
		Expect(issues[0].Rule).To(Equal(redshift.RuleNotNull))
	})

	It("flags a CHAR(36) value over 36 bytes or with multi-byte characters", func() {
		issues := redshift.Check(shred(func(ev *redshift.Event) { ev.EventID = strings.Repeat("é", 20) }))
		Expect(issues).To(HaveLen(2))
		Expect(issues[0].Rule).To(Equal(redshift.RuleCharBytes))
		Expect(issues[1].Rule).To(Equal(redshift.RuleCharSingleByte))
	})
})
