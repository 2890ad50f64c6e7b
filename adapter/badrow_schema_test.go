package adapter_test

import (
	"context"
	"encoding/json"
	"io/fs"
	"strings"
	"testing/fstest"
	"time"
	"unicode/utf8"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sgkit/sgkit/adapter"
	"github.com/sgkit/sgkit/fixtures"
	"github.com/sgkit/sgkit/iglu"
)

// nonRequestGroups are fixture folders that hold other data than request
// cases (fixtures/README.md): micro/ holds Micro API responses.
var nonRequestGroups = map[string]bool{"micro": true}

// expectationLimit is the maxLength of "expectation" in the adapter_failures
// 1-0-0 and collector_payload_format_violation 1-0-0 schemas.
const expectationLimit = 256

// overLongExpectation returns the JSONPath of the failure message whose
// expectation exceeds the schema's 256 characters, or "". Enrich writes the
// whole java.net.URI message into that expectation ("could not parse body:
// Illegal character in query at index N: http://localhost/?<whole body>"),
// so upstream emits such rows too; it is the one documented exception.
func overLongExpectation(row *adapter.BadRow) string {
	var data struct {
		Failure struct {
			Messages []struct {
				Expectation string `json:"expectation"`
			} `json:"messages"`
			Message struct {
				Expectation string `json:"expectation"`
			} `json:"message"`
		} `json:"failure"`
	}
	Expect(json.Unmarshal(row.Data, &data)).To(Succeed())
	switch row.Schema {
	case adapter.AdapterFailuresSchema:
		for _, m := range data.Failure.Messages {
			if utf8.RuneCountInString(m.Expectation) > expectationLimit {
				Expect(m.Expectation).To(HavePrefix("could not parse body: "))
				return "$.failure.messages[0]"
			}
		}
	case adapter.CPFormatViolationSchema:
		if utf8.RuneCountInString(data.Failure.Message.Expectation) > expectationLimit {
			Expect(data.Failure.Message.Expectation).To(HavePrefix("could not extract name-value pairs from querystring with encoding UTF-8: "))
			return "$.failure.message"
		}
	}
	return ""
}

// expectValidBadRow validates a bad row against the schema it names and
// allows only the over-long expectation, reported exactly as the failed
// anyOf alternative and its maxLength.
func expectValidBadRow(row *adapter.BadRow, label string) {
	Expect(row).NotTo(BeNil(), label)
	reports, err := iglu.Default().Validate(context.Background(), iglu.MustParseURI(row.Schema), row.Data)
	Expect(err).NotTo(HaveOccurred(), label)

	messagePath := overLongExpectation(row)
	if messagePath == "" {
		Expect(reports).To(BeEmpty(), "%s: %s", label, row.Data)
		return
	}
	Expect(reports).To(ConsistOf(
		HaveField("Keyword", "anyOf"),
		iglu.Report{
			Message: messagePath + ".expectation: may only be 256 characters long",
			Path:    messagePath + ".expectation",
			Keyword: "maxLength",
			Targets: []string{"256"},
		},
	), "%s: %s", label, row.Data)
	Expect(reports).To(ContainElement(HaveField("Path", messagePath)), label)
}

var _ = Describe("bad rows sgkit emits", func() {
	groups, err := fs.ReadDir(fixtures.FS, ".")
	if err != nil {
		panic(err)
	}
	for _, g := range groups {
		if !g.IsDir() || nonRequestGroups[g.Name()] {
			continue
		}
		group := g.Name()
		It("validate against their schemas for fixtures/"+group, func() {
			cases, err := fixtures.Load(group)
			Expect(err).NotTo(HaveOccurred())
			predictor := adapter.Default()
			for _, c := range cases {
				pred, err := predictor.Predict(collectorPayloadOf(c.Request))
				if err != nil {
					// A payload outside the model has no bad row to check.
					continue
				}
				if pred.Outcome == adapter.Bad {
					expectValidBadRow(pred.BadRow, c.File)
				}
			}
		})
	}

	It("validate for the over-long body expectation, with the documented exception", func() {
		body := strings.Repeat("a b ", 100)
		ct := "application/x-www-form-urlencoded"
		pred, err := adapter.Default().Predict(adapter.CollectorPayload{Path: "/com.statusgator/v1", ContentType: &ct, Body: &body})
		Expect(err).NotTo(HaveOccurred())
		Expect(pred.Outcome).To(Equal(adapter.Bad))
		Expect(pred.BadRow.Schema).To(Equal(adapter.AdapterFailuresSchema))
		Expect(overLongExpectation(pred.BadRow)).To(Equal("$.failure.messages[0]"))
		expectValidBadRow(pred.BadRow, "over-long body")
	})

	It("validate for the over-long query string expectation, with the documented exception", func() {
		body := "service_name=x"
		ct := "application/x-www-form-urlencoded"
		pred, err := adapter.Default().Predict(adapter.CollectorPayload{
			Path: "/com.statusgator/v1", QueryString: strings.Repeat("a b ", 100), ContentType: &ct, Body: &body,
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(pred.BadRow.Schema).To(Equal(adapter.CPFormatViolationSchema))
		Expect(overLongExpectation(pred.BadRow)).To(Equal("$.failure.message"))
		expectValidBadRow(pred.BadRow, "over-long query string")
	})

	Describe("when the schema cannot be had", func() {
		body := "service_name=CloudFlare"
		ct := "application/x-www-form-urlencoded"
		cp := adapter.CollectorPayload{Path: "/com.statusgator/v1", ContentType: &ct, Body: &body}
		predictWith := func(fs fstest.MapFS) adapter.Prediction {
			// The embedded envelope and meta-schema stay available; only
			// status_change comes from fs, which may lack it.
			p := &adapter.Predictor{Validator: iglu.New(iglu.NewResolver(iglu.EmbeddedRepository{FS: fs}, envelopeOnly{}))}
			pred, err := p.Predict(cp)
			Expect(err).NotTo(HaveOccurred())
			return pred
		}

		It("writes a ResolutionError for a missing schema", func() {
			pred := predictWith(fstest.MapFS{})
			Expect(pred.Outcome).To(Equal(adapter.Bad))
			Expect(string(pred.BadRow.Data)).To(ContainSubstring(`"error":"ResolutionError"`))
			Expect(string(pred.BadRow.Data)).To(ContainSubstring(`"schemaKey":"iglu:com.statusgator/status_change/jsonschema/1-0-0"`))
			expectValidBadRow(pred.BadRow, "missing schema")
		})

		It("writes schemaIssues for an unusable schema", func() {
			pred := predictWith(fstest.MapFS{"com.statusgator/status_change/jsonschema/1-0-0": &fstest.MapFile{Data: []byte(`{"type":`)}})
			Expect(pred.Outcome).To(Equal(adapter.Bad))
			Expect(string(pred.BadRow.Data)).To(ContainSubstring(`"schemaIssues"`))
			expectValidBadRow(pred.BadRow, "unusable schema")
		})
	})

	Describe("from the exported constructors", func() {
		at := time.Date(2026, 1, 2, 3, 4, 5, 6_000_000, time.UTC)
		proc := adapter.SgkitProcessor()
		ct := "application/json"
		body := `{"a":1}`
		cp := adapter.CollectorPayload{
			Path: "/com.statusgator/v1", QueryString: "aid=x&nuid", ContentType: &ct, Body: &body,
			Timestamp: at, IPAddress: "127.0.0.1", Hostname: "localhost", UserAgent: "curl/8",
			RefererURI: "http://localhost/", Headers: []string{"Host: localhost"},
			NetworkUserID: "c6ef3124-b53a-4b13-a233-0088f79dcbcb",
		}

		It("adapter_failures", func() {
			row := adapter.NewAdapterFailures(proc, at, "com.statusgator", "v1", []adapter.AdapterFailure{
				{Field: "contentType", Value: &ct, Expectation: "expected application/x-www-form-urlencoded"},
				{Field: "body", Expectation: "empty body: no events to process"},
			}, adapter.NewBadRowPayload(cp))
			expectValidBadRow(row, "NewAdapterFailures")
		})

		It("collector_payload_format_violation", func() {
			q := "a=%zz"
			row := adapter.NewCPFormatViolation(proc, at, adapter.CPFormatViolationMessage{
				PayloadField: "querystring", Value: &q, Expectation: "could not extract name-value pairs from querystring with encoding UTF-8: Malformed escape pair",
			}, adapter.ThriftBase64(cp))
			expectValidBadRow(row, "NewCPFormatViolation")
		})

		It("size_violation", func() {
			row := adapter.NewSizeViolation(proc, at, 1_000_000, 1_000_001, "Payload exceeds the maximum size", adapter.ThriftString(cp))
			expectValidBadRow(row, "NewSizeViolation")
		})

		It("schema_violations for atomic fields", func() {
			value := "not-a-uuid"
			message := adapter.AtomicViolation([]adapter.AtomicError{{Message: "Not a valid UUID", Field: "eid", Value: &value}})
			row := adapter.NewSchemaViolations(proc, at, []json.RawMessage{message}, map[string]any{})
			expectValidBadRow(row, "NewSchemaViolations")
		})
	})
})

// envelopeOnly serves the embedded repository's schemas except
// status_change.
type envelopeOnly struct{}

func (envelopeOnly) Name() string { return "embedded without status_change" }

func (envelopeOnly) Lookup(ctx context.Context, key iglu.SchemaKey) ([]byte, string, error) {
	if key.Name == "status_change" {
		return nil, "none", iglu.ErrNotFound
	}
	return iglu.Embedded().Lookup(ctx, key)
}
