package redshift_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sgkit/sgkit/redshift"
)

// The expected table is the one described for
// atomic.com_statusgator_status_change_1 in snowplow/iglu-central
// (sql/com.statusgator/status_change_1.sql, igluctl 0.2.0) and schema-ddl's
// DdlGenerator of that time: hierarchy columns RUNLENGTH except root_id RAW
// and root_tstamp LZO, properties LZO.
var _ = Describe("ParseDDL", func() {
	table := redshift.StatusChangeTable()

	It("reads the shipped table name and Iglu URI", func() {
		Expect(table.QualifiedName()).To(Equal("atomic.com_statusgator_status_change_1"))
		Expect(table.SchemaURI).To(Equal("iglu:com.statusgator/status_change/jsonschema/1-0-0"))
	})

	It("reads the Redshift table attributes and foreign key", func() {
		Expect(table.DistStyle).To(Equal("KEY"))
		Expect(table.DistKey).To(Equal("root_id"))
		Expect(table.SortKey).To(Equal([]string{"root_tstamp"}))
		Expect(table.ForeignKey).To(Equal(&redshift.ForeignKey{
			Columns: []string{"root_id"}, RefTable: "atomic.events", RefColumns: []string{"event_id"},
		}))
	})

	It("reads the sixteen columns in order", func() {
		type col struct {
			name, typ, enc string
			notNull        bool
		}
		want := []col{
			{"schema_vendor", "VARCHAR(128)", "RUNLENGTH", true},
			{"schema_name", "VARCHAR(128)", "RUNLENGTH", true},
			{"schema_format", "VARCHAR(128)", "RUNLENGTH", true},
			{"schema_version", "VARCHAR(128)", "RUNLENGTH", true},
			{"root_id", "CHAR(36)", "RAW", true},
			{"root_tstamp", "TIMESTAMP", "LZO", true},
			{"ref_root", "VARCHAR(255)", "RUNLENGTH", true},
			{"ref_tree", "VARCHAR(1500)", "RUNLENGTH", true},
			{"ref_parent", "VARCHAR(255)", "RUNLENGTH", true},
			{"current_status", "VARCHAR(128)", "LZO", false},
			{"favicon_url", "VARCHAR(8192)", "LZO", false},
			{"home_page_url", "VARCHAR(8192)", "LZO", false},
			{"last_status", "VARCHAR(128)", "LZO", false},
			{"occurred_at", "TIMESTAMP", "LZO", false},
			{"service_name", "VARCHAR(128)", "LZO", false},
			{"status_page_url", "VARCHAR(8192)", "LZO", false},
		}
		got := make([]col, len(table.Columns))
		for i, c := range table.Columns {
			got[i] = col{c.Name, c.Type.String(), c.Encoding, c.NotNull}
		}
		Expect(got).To(Equal(want))
	})

	It("attaches one jsonpath per column", func() {
		Expect(table.JSONPaths).To(HaveLen(16))
		Expect(table.JSONPaths[4]).To(Equal("$.hierarchy.rootId"))
		Expect(table.JSONPaths[13]).To(Equal("$.data.occurredAt"))
	})

	It("reads current schema-ddl output too", func() {
		// Layout of ShredModel.toTableSql in schema-ddl 0.27.0.
		t, err := redshift.ParseDDL(`CREATE TABLE IF NOT EXISTS atomic.com_acme_thing_1 (
  "schema_vendor"  VARCHAR(128)     ENCODE ZSTD NOT NULL,
  "root_id"        CHAR(36)         ENCODE RAW  NOT NULL,
  "price"          DECIMAL (36, 2)  ENCODE ZSTD,
  "ratio"          DOUBLE PRECISION ENCODE RAW,
  "flag"           BOOLEAN          ENCODE RUNLENGTH,
  FOREIGN KEY (root_id) REFERENCES atomic.events(event_id)
)
DISTSTYLE KEY
DISTKEY (root_id)
SORTKEY (root_tstamp);

COMMENT ON TABLE atomic.com_acme_thing_1 IS 'iglu:com.acme/thing/jsonschema/1-0-0';
`)
		Expect(err).NotTo(HaveOccurred())
		Expect(t.Columns).To(HaveLen(5))
		Expect(t.Columns[2].Type).To(Equal(redshift.ColumnType{Name: "DECIMAL", Length: 36, Scale: 2}))
		Expect(t.Columns[3].Type.String()).To(Equal("DOUBLE PRECISION"))
		Expect(t.Columns[4].Encoding).To(Equal("RUNLENGTH"))
		Expect(t.Columns[4].NotNull).To(BeFalse())
	})

	DescribeTable("rejects input outside igluctl's layout, naming the line",
		func(ddl, wantInError string) {
			_, err := redshift.ParseDDL(ddl)
			Expect(err).To(HaveOccurred())
			Expect(err.Error()).To(ContainSubstring(wantInError))
			Expect(err.Error()).To(ContainSubstring("igluctl"))
		},
		Entry("empty file", "-- nothing\n", "line 2: no CREATE TABLE statement found"),
		Entry("unqualified table name", "CREATE TABLE events (\n a INT\n);", "line 1: expected \".\""),
		Entry("unknown type", "CREATE TABLE a.b (\n\"x\" VARCHAR(5),\n\"y\" JSONB\n);", "line 3: unsupported data type JSONB"),
		Entry("missing comma", "CREATE TABLE a.b (\n\"x\" VARCHAR(5)\n\"y\" INT\n);", "line 3: expected \")\""),
		Entry("MySQL table option", "CREATE TABLE a.b (\n\"x\" INT\n) ENGINE=InnoDB;", "line 3: unexpected character '='"),
		Entry("other statement", "CREATE TABLE a.b (\"x\" INT);\nALTER TABLE a.b ADD COLUMN y INT;", "line 2: expected CREATE SCHEMA, CREATE TABLE or COMMENT ON TABLE, found ALTER"),
		Entry("unterminated comment literal", "CREATE TABLE a.b (\"x\" INT);\nCOMMENT ON TABLE a.b IS 'iglu:", "line 2: unterminated"),
		Entry("comment that is no Iglu URI", "CREATE TABLE a.b (\"x\" INT);\nCOMMENT ON TABLE a.b IS 'Source: x.json';", "line 2: table comment: invalid Iglu URI"),
		Entry("comment on another table", "CREATE TABLE a.b (\"x\" INT);\n\nCOMMENT ON TABLE a.c IS 'iglu:a/b/jsonschema/1-0-0';", "line 3: COMMENT ON TABLE a.c names another table"),
		Entry("duplicate column", "CREATE TABLE a.b (\n\"x\" INT,\n\"x\" INT\n);", "line 3: column \"x\" defined twice"),
		Entry("VARCHAR without length", "CREATE TABLE a.b (\n\"x\" VARCHAR\n);", "line 3: expected \"(\""),
	)

	It("rejects jsonpaths that do not match the columns", func() {
		_, err := redshift.LoadTable(`CREATE TABLE a.b ("x" INT, "y" INT);`, []byte(`{"jsonpaths": ["$.data.x"]}`))
		Expect(err).To(MatchError(ContainSubstring("jsonpaths file has 1 paths but table a.b has 2 columns")))
	})

	It("rejects a jsonpaths file of another shape", func() {
		_, err := redshift.ParseJSONPaths([]byte(`{"paths": ["$.data.x"]}`))
		Expect(err).To(MatchError(ContainSubstring(`unknown field "paths"`)))
	})
})
