package redshift_test

import (
	"encoding/json"
	"fmt"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sgkit/sgkit/redshift"
	"github.com/sgkit/sgkit/schemas"
	sgsql "github.com/sgkit/sgkit/sql"
)

const statusChangeSchemaPath = "com.statusgator/status_change/jsonschema/1-0-0"

func shippedSchema() map[string]any {
	raw, err := schemas.FS.ReadFile(statusChangeSchemaPath)
	Expect(err).NotTo(HaveOccurred())
	var schema map[string]any
	Expect(json.Unmarshal(raw, &schema)).To(Succeed())
	return schema
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	Expect(err).NotTo(HaveOccurred())
	return b
}

func shippedDDL() string {
	b, err := sgsql.FS.ReadFile(sgsql.StatusChangeDDL)
	Expect(err).NotTo(HaveOccurred())
	return string(b)
}

func shippedJSONPaths() []byte {
	b, err := sgsql.FS.ReadFile(sgsql.StatusChangeJSONPaths)
	Expect(err).NotTo(HaveOccurred())
	return b
}

// compareWith derives the table from schema and compares the shipped (or
// given) DDL and jsonpaths with it.
func compareWith(schema map[string]any, ddl string) redshift.Report {
	derived, err := redshift.DeriveTable(mustJSON(schema))
	Expect(err).NotTo(HaveOccurred())
	actual, err := redshift.LoadTable(ddl, shippedJSONPaths())
	Expect(err).NotTo(HaveOccurred())
	return redshift.Compare(derived, actual)
}

func properties(schema map[string]any) map[string]any {
	return schema["properties"].(map[string]any)
}

var _ = Describe("schema regression", func() {
	It("finds no real difference in the shipped files", func() {
		report := compareWith(shippedSchema(), shippedDDL())
		Expect(report.Real()).To(BeEmpty())
	})

	It("reports igluctl 0.2.0's encodings as encoding-only", func() {
		// Current schema-ddl writes ZSTD everywhere but RAW for root_id;
		// the 2017 table has RUNLENGTH and LZO, so 15 of 16 columns differ.
		report := compareWith(shippedSchema(), shippedDDL())
		Expect(report.EncodingOnly()).To(HaveLen(15))
		for _, d := range report.EncodingOnly() {
			Expect(d.Column).NotTo(Equal("root_id"))
		}
	})

	It("finds nothing in a table written with current encodings", func() {
		ddl := strings.NewReplacer("ENCODE RUNLENGTH", "ENCODE ZSTD", "ENCODE LZO", "ENCODE ZSTD").Replace(shippedDDL())
		Expect(compareWith(shippedSchema(), ddl).Differences).To(BeEmpty())
	})

	It("keeps an ENCODE change apart from real differences", func() {
		ddl := strings.Replace(shippedDDL(), `"service_name"    VARCHAR(128)  ENCODE LZO`, `"service_name"    VARCHAR(128)  ENCODE BYTEDICT`, 1)
		report := compareWith(shippedSchema(), ddl)
		Expect(report.Real()).To(BeEmpty())
		Expect(report.EncodingOnly()).To(ContainElement(HaveField("Column", "service_name")))
	})

	It("names the column whose maxLength changed", func() {
		schema := shippedSchema()
		properties(schema)["serviceName"].(map[string]any)["maxLength"] = 255
		real := compareWith(schema, shippedDDL()).Real()
		Expect(real).To(HaveLen(1))
		Expect(real[0].Column).To(Equal("service_name"))
		Expect(real[0].Kind).To(Equal(redshift.DiffType))
		Expect(real[0].Expected).To(Equal("VARCHAR(255)"))
	})

	It("names an added property as a missing column", func() {
		schema := shippedSchema()
		properties(schema)["slug"] = map[string]any{"type": "string"}
		real := compareWith(schema, shippedDDL()).Real()
		Expect(real).To(ContainElement(SatisfyAll(
			HaveField("Column", "slug"), HaveField("Kind", redshift.DiffMissing),
			HaveField("Expected", "VARCHAR(4096) NULL at position 16"))))
		Expect(real).To(ContainElement(SatisfyAll(
			HaveField("Column", "slug"), HaveField("Kind", redshift.DiffJSONPath))))
	})

	It("names a removed property as an unexpected column", func() {
		schema := shippedSchema()
		delete(properties(schema), "lastStatus")
		real := compareWith(schema, shippedDDL()).Real()
		Expect(real).To(ContainElement(SatisfyAll(
			HaveField("Column", "last_status"), HaveField("Kind", redshift.DiffUnexpected))))
	})

	It("prints missing and unexpected columns in words, with the line", func() {
		schema := shippedSchema()
		delete(properties(schema), "lastStatus")
		properties(schema)["slug"] = map[string]any{"type": "string"}
		var lines []string
		for _, d := range compareWith(schema, shippedDDL()).Real() {
			lines = append(lines, d.String())
		}
		Expect(lines).To(ContainElement("column slug: missing from the DDL: schema-ddl derives VARCHAR(4096) NULL at position 15"))
		Expect(lines).To(ContainElement(MatchRegexp(`^column last_status: not derived from the schema: the DDL has VARCHAR\(128\) NULL \(line \d+\)$`)))
		for _, l := range lines {
			Expect(l).NotTo(ContainSubstring("missing differs"))
			Expect(l).NotTo(ContainSubstring("unexpected differs"))
		}
	})

	It("names the DDL line of each table-level difference", func() {
		ddl := shippedDDL()
		lineOf := func(substr string) int {
			for i, l := range strings.Split(ddl, "\n") {
				if strings.Contains(l, substr) {
					return i + 1
				}
			}
			Fail("no line with " + substr)
			return 0
		}
		changed := strings.Replace(ddl, "DISTKEY (root_id)", "DISTKEY (ref_root)", 1)
		Expect(changed).NotTo(Equal(ddl))
		real := compareWith(shippedSchema(), changed).Real()
		Expect(real).To(HaveLen(1))
		Expect(real[0].String()).To(Equal(fmt.Sprintf(
			"table: table differs: schema-ddl derives DISTKEY root_id, found DISTKEY ref_root (line %d)", lineOf("DISTKEY"))))
	})

	It("prints a missing comment as (none), with the CREATE TABLE line", func() {
		ddl := shippedDDL()
		i := strings.Index(ddl, "COMMENT ON TABLE")
		Expect(i).To(BeNumerically(">", 0))
		// LoadTable needs the comment's Iglu URI for the jsonpaths, so the
		// DDL is parsed alone, as sgkit schema check does.
		derived, err := redshift.DeriveTable(mustJSON(shippedSchema()))
		Expect(err).NotTo(HaveOccurred())
		actual, err := redshift.ParseDDL(ddl[:i])
		Expect(err).NotTo(HaveOccurred())
		actual.JSONPaths = derived.JSONPaths
		real := redshift.Compare(derived, actual).Real()
		Expect(real).To(HaveLen(1))
		Expect(real[0].String()).To(MatchRegexp(
			`^table: table differs: schema-ddl derives comment iglu:com\.statusgator/status_change/jsonschema/1-0-0, ` +
				`found comment \(none\) \(absent; CREATE TABLE is at line \d+\)$`))
	})

	It("names a property that became required", func() {
		schema := shippedSchema()
		schema["required"] = []any{"serviceName"}
		real := compareWith(schema, shippedDDL()).Real()
		Expect(real).To(ContainElement(SatisfyAll(
			HaveField("Column", "service_name"), HaveField("Kind", redshift.DiffNullability))))
		// FlatSchema.postProcess puts NOT NULL columns first.
		Expect(real).To(ContainElement(SatisfyAll(
			HaveField("Column", "service_name"), HaveField("Kind", redshift.DiffOrder),
			HaveField("Expected", "position 10"))))
	})

	It("derives schema-ddl's own example table", func() {
		// dummyModel and its expected DDL from schema-ddl 0.27.0
		// ShredModelSpec "render shred table, ordering column by nullability".
		schema := `{"self": {"vendor": "com.acme", "name": "example", "format": "jsonschema", "version": "1-0-0"},
		  "type": "object",
		  "properties": {
		    "foo": {"type": "string", "maxLength": 20},
		    "bar": {"type": "integer", "maximum": 4000},
		    "a_field": {"type": "object", "properties": {
		        "b_field": {"type": "string"},
		        "c_field": {"type": "object", "properties": {"d_field": {"type": "string"}, "e_field": {"type": "string"}}},
		        "d_field": {"type": "string"}},
		      "required": ["d_field"]},
		    "b_field": {"type": "integer"},
		    "c_field": {"type": "integer"},
		    "d_field": {"type": "object", "properties": {"e_field": {"type": "string"}, "f_field": {"type": "string"}}},
		    "e_field": {"type": "object", "properties": {"f_field": {"type": "string"}, "g_field": {"type": "string"}},
		      "required": ["g_field"]},
		    "f_field": {"type": "string"},
		    "g_field": {"type": "string"}},
		  "required": ["a_field", "e_field"]}`
		upstream := `CREATE TABLE IF NOT EXISTS atomic.com_acme_example_1 (
  "schema_vendor"           VARCHAR(128)  ENCODE ZSTD NOT NULL,
  "schema_name"             VARCHAR(128)  ENCODE ZSTD NOT NULL,
  "schema_format"           VARCHAR(128)  ENCODE ZSTD NOT NULL,
  "schema_version"          VARCHAR(128)  ENCODE ZSTD NOT NULL,
  "root_id"                 CHAR(36)      ENCODE RAW  NOT NULL,
  "root_tstamp"             TIMESTAMP     ENCODE ZSTD NOT NULL,
  "ref_root"                VARCHAR(255)  ENCODE ZSTD NOT NULL,
  "ref_tree"                VARCHAR(1500) ENCODE ZSTD NOT NULL,
  "ref_parent"              VARCHAR(255)  ENCODE ZSTD NOT NULL,
  "a_field.d_field"         VARCHAR(4096) ENCODE ZSTD NOT NULL,
  "e_field.g_field"         VARCHAR(4096) ENCODE ZSTD NOT NULL,
  "a_field.b_field"         VARCHAR(4096) ENCODE ZSTD,
  "a_field.c_field.d_field" VARCHAR(4096) ENCODE ZSTD,
  "a_field.c_field.e_field" VARCHAR(4096) ENCODE ZSTD,
  "b_field"                 BIGINT        ENCODE ZSTD,
  "bar"                     SMALLINT      ENCODE ZSTD,
  "c_field"                 BIGINT        ENCODE ZSTD,
  "d_field.e_field"         VARCHAR(4096) ENCODE ZSTD,
  "d_field.f_field"         VARCHAR(4096) ENCODE ZSTD,
  "e_field.f_field"         VARCHAR(4096) ENCODE ZSTD,
  "f_field"                 VARCHAR(4096) ENCODE ZSTD,
  "foo"                     VARCHAR(20)   ENCODE ZSTD,
  "g_field"                 VARCHAR(4096) ENCODE ZSTD,
  FOREIGN KEY (root_id) REFERENCES atomic.events(event_id)
)
DISTSTYLE KEY
DISTKEY (root_id)
SORTKEY (root_tstamp);

COMMENT ON TABLE atomic.com_acme_example_1 IS 'iglu:com.acme/example/jsonschema/1-0-0';
`
		derived, err := redshift.DeriveTable([]byte(schema))
		Expect(err).NotTo(HaveOccurred())
		actual, err := redshift.ParseDDL(upstream)
		Expect(err).NotTo(HaveOccurred())
		actual.JSONPaths = derived.JSONPaths
		Expect(redshift.Compare(derived, actual).Differences).To(BeEmpty())
		Expect(derived.JSONPaths[9]).To(Equal("$.data.a_field.d_field"))
	})

	DescribeTable("snake_case names as schema-ddl's StringUtils.snakeCase",
		func(in, want string) { Expect(redshift.SnakeCase(in)).To(Equal(want)) },
		Entry("camelCase", "serviceName", "service_name"),
		Entry("several words", "statusPageUrl", "status_page_url"),
		Entry("acronym before a word", "HTTPServer", "http_server"),
		Entry("trailing acronym", "userID", "user_id"),
		Entry("digit before capital", "v2Name", "v2_name"),
		Entry("hyphen", "some-thing", "some_thing"),
		Entry("already snake_case", "a_field", "a_field"),
	)

	DescribeTable("column types as schema-ddl's ColumnTypeSuggestions",
		func(property, want string) {
			schema := `{"self": {"vendor": "com.acme", "name": "t", "format": "jsonschema", "version": "1-0-0"},
			  "type": "object", "properties": {"p": ` + property + `}}`
			t, err := redshift.DeriveTable([]byte(schema))
			Expect(err).NotTo(HaveOccurred())
			Expect(t.Columns[9].Type.String()).To(Equal(want))
		},
		Entry("string with maxLength", `{"type": "string", "maxLength": 128}`, "VARCHAR(128)"),
		Entry("uri with maxLength", `{"type": "string", "format": "uri", "maxLength": 8192}`, "VARCHAR(8192)"),
		Entry("string without maxLength", `{"type": "string"}`, "VARCHAR(4096)"),
		Entry("nullable string", `{"type": ["string", "null"], "maxLength": 10}`, "VARCHAR(10)"),
		Entry("date-time", `{"type": "string", "format": "date-time"}`, "TIMESTAMP"),
		Entry("date", `{"type": "string", "format": "date"}`, "DATE"),
		Entry("uuid", `{"type": "string", "format": "uuid"}`, "CHAR(36)"),
		Entry("minLength equal to maxLength", `{"type": "string", "minLength": 2, "maxLength": 2}`, "CHAR(2)"),
		Entry("ipv4", `{"type": "string", "format": "ipv4"}`, "VARCHAR(15)"),
		Entry("email", `{"type": "string", "format": "email"}`, "VARCHAR(255)"),
		Entry("string enum", `{"type": "string", "enum": ["up", "down", "maintenance"]}`, "VARCHAR(11)"),
		Entry("single-value enum", `{"enum": ["up"]}`, "CHAR(2)"),
		Entry("integer", `{"type": "integer"}`, "BIGINT"),
		Entry("small integer", `{"type": "integer", "maximum": 32767}`, "SMALLINT"),
		Entry("int", `{"type": "integer", "maximum": 32768}`, "INT"),
		Entry("number", `{"type": "number"}`, "DOUBLE PRECISION"),
		Entry("money", `{"type": "number", "multipleOf": 0.01}`, "DECIMAL(36,2)"),
		Entry("boolean", `{"type": "boolean"}`, "BOOLEAN"),
		Entry("array", `{"type": "array"}`, "VARCHAR(65535)"),
		Entry("union", `{"type": ["string", "integer"]}`, "VARCHAR(4096)"),
		Entry("boolean or integer", `{"type": ["boolean", "integer"]}`, "VARCHAR(10)"),
		Entry("mixed enum", `{"enum": ["ab", 1]}`, "VARCHAR(4)"),
		// circe's Decoder[BigInt], which schema-ddl 0.27.0 decodes maxLength
		// with, takes a number with a whole value in any notation.
		Entry("maxLength with a zero fraction", `{"type": "string", "maxLength": 128.0}`, "VARCHAR(128)"),
		Entry("maxLength with an exponent", `{"type": "string", "maxLength": 1.28e2}`, "VARCHAR(128)"),
	)

	DescribeTable("rejects a length schema-ddl cannot turn into a column, naming it",
		func(property, want string) {
			schema := `{"self": {"vendor": "com.acme", "name": "t", "format": "jsonschema", "version": "1-0-0"},
			  "type": "object", "properties": {"p": ` + property + `}}`
			_, err := redshift.DeriveTable([]byte(schema))
			Expect(err).To(MatchError(ContainSubstring("property p: " + want)))
		},
		Entry("negative", `{"type": "string", "maxLength": -1}`, "keyword maxLength is -1, but a length cannot be negative"),
		Entry("fraction", `{"type": "string", "maxLength": 128.5}`, "keyword maxLength is 128.5, not a whole number"),
		Entry("negative minLength", `{"type": "string", "minLength": -2, "maxLength": 4}`, "keyword minLength is -2"),
		Entry("beyond int32", `{"type": "string", "maxLength": 4294967296}`, "keyword maxLength is 4294967296, too large for a column length"),
	)

	It("rejects a schema without self", func() {
		_, err := redshift.DeriveTable([]byte(`{"type": "object"}`))
		Expect(err).To(MatchError(ContainSubstring(`no "self" object`)))
	})

	It("rejects a construct it does not model, naming the property", func() {
		_, err := redshift.DeriveTable([]byte(`{"self": {"vendor": "a", "name": "b", "format": "jsonschema", "version": "1-0-0"},
		  "properties": {"x": {"oneOf": [{"type": "string"}, {"type": "integer"}]}}}`))
		Expect(err).To(MatchError(ContainSubstring("property x: keyword oneOf")))
	})
})
