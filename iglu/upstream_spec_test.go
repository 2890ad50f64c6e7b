package iglu_test

import (
	"context"
	"strings"
	"testing/fstest"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sgkit/sgkit/iglu"
)

// withSelf makes a plain JSON schema self-describing under key, so a
// repository can serve it; networknt ignores "self" when validating.
func withSelf(key iglu.SchemaKey, schema string) string {
	self := `{"self": {"vendor": "` + key.Vendor + `", "name": "` + key.Name + `", "format": "` + key.Format +
		`", "version": "` + key.Version.String() + `"}, `
	return self + strings.TrimPrefix(strings.TrimSpace(schema), "{")
}

// The cases of iglu-scala-client 4.0.2 RawValidationSpec (e1 to e10), which
// runs CirceValidator on networknt 1.0.76, with its expected reports.
var _ = Describe("iglu-scala-client RawValidationSpec", func() {
	key := iglu.MustParseURI("iglu:com.acme/spec/jsonschema/1-0-0")
	validate := func(schema, instance string) ([]iglu.Report, error) {
		fs := fstest.MapFS{key.Path(): &fstest.MapFile{Data: []byte(withSelf(key, schema))}}
		v := iglu.New(iglu.NewResolver(iglu.EmbeddedRepository{FS: fs}))
		return v.Validate(context.Background(), key, []byte(instance))
	}
	// beer-schema.json from the spec's test resources.
	beerSchema := `{
		"$schema": "https://json-schema.org/draft-04/schema",
		"description": "Simple schema for testing Validatable",
		"type": "object",
		"properties": {
			"country": {"type": "string"},
			"beers": {"type": "array", "items": {"type": "string"}}
		},
		"required": ["country", "beers"],
		"additionalProperties": false
	}`

	DescribeTable("reports",
		func(schema, instance string, want []iglu.Report) {
			reports, err := validate(schema, instance)
			Expect(err).NotTo(HaveOccurred())
			Expect(reports).To(Equal(want))
		},
		Entry("e1 valid JP", beerSchema, `{"country": "JP", "beers": ["Asahi", "Orion", "..."]}`, nil),
		Entry("e1 valid empty list", beerSchema, `{"country": "AQ", "beers": []}`, nil),
		Entry("e2 non-string", beerSchema, `{"country": 123, "beers": []}`, []iglu.Report{
			{Message: "$.country: integer found, string expected", Path: "$.country", Keyword: "type", Targets: []string{"integer", "string"}},
		}),
		Entry("e2 missing key", beerSchema, `{"country": "cy"}`, []iglu.Report{
			{Message: "$.beers: is missing but it is required", Path: "$", Keyword: "required", Targets: []string{"beers"}},
		}),
		Entry("e2 heterogeneous array", beerSchema, `{"country": "GB", "beers": ["ale", false]}`, []iglu.Report{
			{Message: "$.beers[1]: boolean found, string expected", Path: "$.beers[1]", Keyword: "type", Targets: []string{"boolean", "string"}},
		}),
		Entry("e2 two errors in schema order", beerSchema, `{"country": 23, "beers": ["ale", false]}`, []iglu.Report{
			{Message: "$.country: integer found, string expected", Path: "$.country", Keyword: "type", Targets: []string{"integer", "string"}},
			{Message: "$.beers[1]: boolean found, string expected", Path: "$.beers[1]", Keyword: "type", Targets: []string{"boolean", "string"}},
		}),
		Entry("e3 maxLength", `{"properties": {"shortKey": {"maxLength": 3}}}`, `{"shortKey": "aaaa"}`, []iglu.Report{
			{Message: "$.shortKey: may only be 3 characters long", Path: "$.shortKey", Keyword: "maxLength", Targets: []string{"3"}},
		}),
		Entry("e4 maxLength ignores an integer", `{"properties": {"shortKey": {"maxLength": 3}}}`, `{"shortKey": 5}`, nil),
		Entry("e5 additionalProperties",
			`{"properties": {"twoKeys": {"properties": {"one": {}, "two": {}}, "additionalProperties": false}}}`,
			`{"twoKeys": {"one": 1, "two": 2, "three": 3}}`, []iglu.Report{
				{Message: "$.twoKeys.three: is not defined in the schema and the schema does not allow additional properties", Path: "$.twoKeys", Keyword: "additionalProperties", Targets: []string{"three"}},
			}),
		Entry("e6 ipv4 format", `{"properties": {"address": {"format": "ipv4"}}}`, `{"address": "non-ip"}`, []iglu.Report{{
			Message: `$.address: does not match the ipv4 pattern ^(([0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])\.){3}([0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])$`,
			Path:    "$.address",
			Keyword: "format",
			Targets: []string{"ipv4", `^(([0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])\.){3}([0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])$`},
		}}),
		Entry("e8 null in [array, null]", `{"type": ["array", "null"], "items": {"type": "object"}}`, `null`, nil),
		Entry("e10 integer for number", `{"type": "number"}`, `5`, nil),
	)

	// e7 and e9 only assert valid or invalid.
	It("e7 accepts an integer above Long.MAX_VALUE", func() {
		reports, err := validate(`{"type": "integer"}`, `9223372036854775809`)
		Expect(err).NotTo(HaveOccurred())
		Expect(reports).To(BeEmpty())
	})

	It("e9 rejects a string for integer", func() {
		reports, err := validate(`{"type": "integer"}`, `"5"`)
		Expect(err).NotTo(HaveOccurred())
		Expect(reports).NotTo(BeEmpty())
	})
})
