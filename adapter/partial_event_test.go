package adapter_test

import (
	"encoding/json"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sgkit/sgkit/adapter"
)

// The partially enriched event of a schema_violations row, as enrich 6.10
// (commit 607962e) fills it: EnrichmentManager.enrichEvent runs all three
// phases whatever fails, setDerivedContexts attaches one failure entity per
// failure, and EnrichedEvent.toPartiallyEnrichedEvent writes every field of
// snowplow-badrows' PartiallyEnrichedEvent.
var _ = Describe("partially enriched event", func() {
	received := time.Date(2016, 5, 19, 9, 26, 32, 123_000_000, time.UTC)
	processed := time.Date(2016, 5, 19, 9, 26, 33, 0, time.UTC)

	enrichedOf := func(query string) map[string]any {
		body := "service_name=Papertrail&current_status=warn"
		formType := adapter.FormContentType
		p := adapter.Default()
		p.Now = func() time.Time { return processed }
		pred, err := p.Predict(adapter.CollectorPayload{
			Path: "/com.statusgator/v1", QueryString: query, ContentType: &formType,
			Body: &body, Timestamp: received, Collector: "ssc-3.4.0-kafka",
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(pred.BadRow).NotTo(BeNil())
		var data struct {
			Payload struct {
				Enriched map[string]any `json:"enriched"`
			} `json:"payload"`
		}
		Expect(json.Unmarshal(pred.BadRow.Data, &data)).To(Succeed())
		return data.Payload.Enriched
	}

	It("lists all 131 fields for an invalid eid", func() {
		Expect(enrichedOf("eid=1-2-3-4-5")).To(HaveLen(131))
	})

	It("keeps the fields later phases set", func() {
		enriched := enrichedOf("eid=1-2-3-4-5")
		// EnrichmentManager.setupEnrichedEvent: v_collector from the
		// collector's name, v_etl as MiscEnrichments.etlVersion.
		Expect(enriched).To(HaveKeyWithValue("v_collector", "ssc-3.4.0-kafka"))
		Expect(enriched).To(HaveKeyWithValue("v_etl", "sgkit-0.1.0"))
		// getDerivedTimestamp (phase 2): the collector time without ttm,
		// as EventEnrichments.toTimestamp writes it.
		Expect(enriched).To(HaveKeyWithValue("derived_tstamp", "2016-05-19 09:26:32.123"))
		Expect(enriched).To(HaveKeyWithValue("collector_tstamp", "2016-05-19 09:26:32.123"))
		// The unstruct event validated, so it and SchemaEnrichment's
		// event_* fields are set.
		Expect(enriched).To(HaveKeyWithValue("event_vendor", "com.statusgator"))
		Expect(enriched["unstruct_event"]).To(MatchJSON(`{"schema":"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0",
			"data":{"schema":"iglu:com.statusgator/status_change/jsonschema/1-0-0",
			"data":{"serviceName":"Papertrail","currentStatus":"warn"}}}`))
	})

	It("attaches the atomic failure entity", func() {
		// Failure.fromSchemaViolation of AtomicFields.errorsToSchemaViolation:
		// the reports with source "atomic_field", the atomic schema, and the
		// failed fields with their values as data.
		Expect(enrichedOf("eid=1-2-3-4-5")["derived_contexts"]).To(MatchJSON(`{
			"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1",
			"data":[{"schema":"iglu:com.snowplowanalytics.snowplow/failure/jsonschema/1-0-0","data":{
				"failureType":"ValidationError",
				"errors":[{"message":"Not a valid UUID","source":"atomic_field","path":"eid",
					"keyword":"atomic_field_parse_error","targets":[]}],
				"schema":"iglu:com.snowplowanalytics.snowplow/atomic/jsonschema/1-0-0",
				"data":{"eid":"1-2-3-4-5"},
				"timestamp":"2016-05-19T09:26:33Z",
				"componentName":"sgkit","componentVersion":"0.1.0"}}]}`))
	})

	It("uses true_tstamp as derived_tstamp when ttm is valid", func() {
		enriched := enrichedOf("ttm=1463650000000&p=bogus")
		Expect(enriched).To(HaveKeyWithValue("true_tstamp", "2016-05-19 09:26:40.000"))
		Expect(enriched).To(HaveKeyWithValue("derived_tstamp", "2016-05-19 09:26:40.000"))
		Expect(enriched).To(HaveKeyWithValue("platform", BeNil()))
	})
})
