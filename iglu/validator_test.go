package iglu_test

import (
	"context"
	"errors"
	"strings"
	"testing/fstest"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sgkit/sgkit/iglu"
)

var statusChange = iglu.MustParseURI("iglu:com.statusgator/status_change/jsonschema/1-0-0")

// uriPattern is networknt 1.0.76's uri pattern as its failure message
// prints it (JsonMetaSchema.java).
const uriPattern = `^[A-Za-z][A-Za-z0-9+.-]*:(\/\/([A-Za-z0-9._~\-%!$&'()*+,;=:]*@)?[A-Za-z0-9._~\-!$&'()*+,;=%:\[\]]*(:[0-9]*)?)?[A-Za-z0-9._~\-%!$&'()*+,;=:@\/]*([?][A-Za-z0-9._~\-%!$&'()*+,;=:@\/?]*)?([#][A-Za-z0-9._~\-%!$&'()*+,;=:@\/?]*)?`

var _ = Describe("Validator", func() {
	ctx := context.Background()
	v := iglu.Default()

	// Messages are networknt 1.0.76 jsv-messages.properties texts; path,
	// keyword and targets are ValidationMessage's path, type and arguments
	// as iglu-scala-client's CirceValidator.fromValidationMessage copies them.
	DescribeTable("status_change reports",
		func(data string, want []iglu.Report) {
			reports, err := v.Validate(ctx, statusChange, []byte(data))
			Expect(err).NotTo(HaveOccurred())
			Expect(reports).To(Equal(want))
		},
		Entry("valid StatusGatorAdapterSpec-like event",
			`{"serviceName":"CloudFlare","faviconUrl":"https://dwxjd9cd6rwno.cloudfront.net/favicons/cloudflare.ico","occurredAt":"2016-05-19T09:26:31+00:00","extra":1}`,
			nil),
		Entry("maxLength",
			`{"serviceName":"`+strings.Repeat("a", 129)+`"}`,
			[]iglu.Report{{Message: "$.serviceName: may only be 128 characters long", Path: "$.serviceName", Keyword: "maxLength", Targets: []string{"128"}}}),
		Entry("maxLength in code points",
			`{"serviceName":"`+strings.Repeat("😀", 128)+`"}`,
			nil),
		Entry("type",
			`{"lastStatus":null}`,
			[]iglu.Report{{Message: "$.lastStatus: null found, string expected", Path: "$.lastStatus", Keyword: "type", Targets: []string{"null", "string"}}}),
		Entry("format uri",
			`{"homePageUrl":"//x"}`,
			[]iglu.Report{{Message: "$.homePageUrl: does not match the uri pattern " + uriPattern, Path: "$.homePageUrl", Keyword: "format", Targets: []string{"uri", uriPattern}}}),
		Entry("format date-time",
			`{"occurredAt":"2016-05-19T09:26:31"}`,
			[]iglu.Report{{Message: "$.occurredAt: 2016-05-19T09:26:31 is an invalid date-time", Path: "$.occurredAt", Keyword: "dateTime", Targets: []string{"2016-05-19T09:26:31", "date-time"}}}),
		// networknt visits "properties" in the Scala 2.12 Map order of their
		// names (lastStatus, statusPageUrl, serviceName, faviconUrl,
		// occurredAt, homePageUrl, currentStatus), not in document order.
		Entry("several, in networknt's property order",
			`{"occurredAt":"x","lastStatus":5,"serviceName":"`+strings.Repeat("a", 129)+`"}`,
			[]iglu.Report{
				{Message: "$.lastStatus: integer found, string expected", Path: "$.lastStatus", Keyword: "type", Targets: []string{"integer", "string"}},
				{Message: "$.serviceName: may only be 128 characters long", Path: "$.serviceName", Keyword: "maxLength", Targets: []string{"128"}},
				{Message: "$.occurredAt: x is an invalid date-time", Path: "$.occurredAt", Keyword: "dateTime", Targets: []string{"x", "date-time"}},
			}),
		Entry("not an object",
			`"x"`,
			[]iglu.Report{{Message: "$: string found, object expected", Path: "$", Keyword: "type", Targets: []string{"string", "object"}}}),
	)

	It("reports required and additional properties at the parent path", func() {
		envelope := iglu.MustParseURI("iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0")
		reports, err := v.Validate(ctx, envelope, []byte(`{"schema":"iglu:com.acme/a/jsonschema/1-0-0","extra":1}`))
		Expect(err).NotTo(HaveOccurred())
		Expect(reports).To(Equal([]iglu.Report{
			{Message: "$.extra: is not defined in the schema and the schema does not allow additional properties", Path: "$", Keyword: "additionalProperties", Targets: []string{"extra"}},
			{Message: "$.data: is missing but it is required", Path: "$", Keyword: "required", Targets: []string{"data"}},
		}))
	})

	It("reports a pattern failure", func() {
		badRows := iglu.MustParseURI("iglu:com.snowplowanalytics.snowplow.badrows/size_violation/jsonschema/1-0-0")
		reports, err := v.Validate(ctx, badRows, []byte(`{"failure":{"timestamp":"2020-01-01T00:00:00Z","maximumAllowedSizeBytes":1,"actualSizeBytes":2},"payload":"p","processor":{"artifact":"a","version":"x"}}`))
		Expect(err).NotTo(HaveOccurred())
		Expect(reports).To(Equal([]iglu.Report{
			{Message: `$.processor.version: does not match the regex pattern ^(\d+\.\d+\.\d+.*)$`, Path: "$.processor.version", Keyword: "pattern", Targets: []string{`^(\d+\.\d+\.\d+.*)$`}},
		}))
	})

	It("reports a union type as networknt's unionType", func() {
		sizeViolation := iglu.MustParseURI("iglu:com.snowplowanalytics.snowplow.badrows/collector_payload_format_violation/jsonschema/1-0-0")
		reports, err := v.Validate(ctx, sizeViolation, []byte(`{"failure":{"timestamp":"2020-01-01T00:00:00Z","loader":"thrift","message":{"payloadField":"f","value":5,"expectation":"e"}},"payload":"p","processor":{"artifact":"a","version":"1.0.0"}}`))
		Expect(err).NotTo(HaveOccurred())
		Expect(reports).To(ContainElement(iglu.Report{
			Message: "$.failure.message.value: integer found, but [string, null] is required",
			Path:    "$.failure.message.value",
			Keyword: "unionType",
			Targets: []string{"integer", "[string, null]"},
		}))
	})

	It("reports an enumeration as networknt prints it", func() {
		cpfv := iglu.MustParseURI("iglu:com.snowplowanalytics.snowplow.badrows/collector_payload_format_violation/jsonschema/1-0-0")
		reports, err := v.Validate(ctx, cpfv, []byte(`{"failure":{"timestamp":"2020-01-01T00:00:00Z","loader":"kafka","message":{"error":"e"}},"payload":"p","processor":{"artifact":"a","version":"1.0.0"}}`))
		Expect(err).NotTo(HaveOccurred())
		// EnumValidator joins each value's asText with ", " inside brackets.
		Expect(reports).To(Equal([]iglu.Report{{
			Message: "$.failure.loader: does not have a value in the enumeration [clj-tomcat, cloudfront, ndjson, thrift, tsv]",
			Path:    "$.failure.loader",
			Keyword: "enum",
			Targets: []string{"[clj-tomcat, cloudfront, ndjson, thrift, tsv]"},
		}}))
	})

	It("reports allOf failures as the members' errors", func() {
		// networknt 1.0.76 AllOfValidator adds each member's errors and no
		// message of its own.
		fs := fstest.MapFS{pingKey.Path(): &fstest.MapFile{Data: []byte(withSelf(pingKey,
			`{"allOf": [{"properties": {"a": {"type": "string"}}}, {"properties": {"b": {"maxLength": 1}}}]}`))}}
		reports, err := iglu.New(iglu.NewResolver(iglu.EmbeddedRepository{FS: fs})).Validate(ctx, pingKey, []byte(`{"a": 1, "b": "xy"}`))
		Expect(err).NotTo(HaveOccurred())
		Expect(reports).To(ConsistOf(
			iglu.Report{Message: "$.a: integer found, string expected", Path: "$.a", Keyword: "type", Targets: []string{"integer", "string"}},
			iglu.Report{Message: "$.b: may only be 1 characters long", Path: "$.b", Keyword: "maxLength", Targets: []string{"1"}},
		))
	})

	It("validates self-describing JSON", func() {
		key, reports, err := v.ValidateSelfDescribing(ctx, []byte(`{"schema":"iglu:com.statusgator/status_change/jsonschema/1-0-0","data":{"serviceName":"x"}}`))
		Expect(err).NotTo(HaveOccurred())
		Expect(key).To(Equal(statusChange))
		Expect(reports).To(BeEmpty())
	})

	It("validates against a schema from a registry", func() {
		reg := newRegistry()
		rv := iglu.New(iglu.NewResolver(iglu.Embedded(), iglu.ServerRegistry(reg.server.URL, "secret")))
		reports, err := rv.Validate(ctx, pingKey, []byte(`{"id":"abcd"}`))
		Expect(err).NotTo(HaveOccurred())
		Expect(reports).To(Equal([]iglu.Report{{Message: "$.id: may only be 3 characters long", Path: "$.id", Keyword: "maxLength", Targets: []string{"3"}}}))
	})

	It("returns a resolution error naming the URI for a missing schema", func() {
		_, err := v.Validate(ctx, iglu.MustParseURI("iglu:com.acme/missing/jsonschema/1-0-0"), []byte(`{}`))
		var resolution *iglu.ResolutionError
		Expect(errors.As(err, &resolution)).To(BeTrue())
		Expect(err).To(MatchError(ContainSubstring("iglu:com.acme/missing/jsonschema/1-0-0")))
	})

	Describe("schemas it cannot use", func() {
		validatorWith := func(schema string) *iglu.Validator {
			fs := fstest.MapFS{pingKey.Path(): &fstest.MapFile{Data: []byte(schema)}}
			return iglu.New(iglu.NewResolver(iglu.EmbeddedRepository{FS: fs}))
		}
		self := `"$schema": "http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#",
			"self": {"vendor": "com.acme", "name": "ping", "format": "jsonschema", "version": "1-0-0"}`

		It("rejects a schema whose self names another key", func() {
			_, err := validatorWith(strings.Replace(vendorSchema, `"ping"`, `"pong"`, 1)).Validate(ctx, pingKey, []byte(`{}`))
			var schemaErr *iglu.SchemaError
			Expect(errors.As(err, &schemaErr)).To(BeTrue())
			Expect(err).To(MatchError(ContainSubstring("iglu:com.acme/pong/jsonschema/1-0-0")))
		})

		It("rejects a schema without self", func() {
			_, err := validatorWith(`{"type":"object"}`).Validate(ctx, pingKey, []byte(`{}`))
			Expect(err).To(MatchError(ContainSubstring("not a valid self-describing JSON schema")))
		})

		It("rejects a format whose networknt semantics are not reproduced", func() {
			_, err := validatorWith(`{`+self+`, "properties": {"mail": {"type": "string", "format": "email"}}}`).Validate(ctx, pingKey, []byte(`{}`))
			Expect(err).To(MatchError(ContainSubstring(`format "email"`)))
		})

		It("accepts any value for an http $ref, as iglu-scala-client's fetcher returns {}", func() {
			reg := newRegistry()
			ref := reg.server.URL + "/schemas/" + pingKey.Path() + "#"
			reports, err := validatorWith(`{`+self+`, "properties": {"x": {"$ref": "`+ref+`"}}}`).Validate(ctx, pingKey, []byte(`{"x": 5}`))
			Expect(err).NotTo(HaveOccurred())
			Expect(reports).To(BeEmpty())
			// The Validator registers an empty schema for the URL instead of
			// fetching it.
			Expect(reg.requests.Load()).To(BeZero())
		})

		It("rejects a $ref to a file", func() {
			_, err := validatorWith(`{`+self+`, "properties": {"x": {"$ref": "file:///etc/passwd"}}}`).Validate(ctx, pingKey, []byte(`{}`))
			Expect(err).To(MatchError(ContainSubstring("file:///etc/passwd")))
		})
	})
})
