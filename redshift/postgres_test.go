package redshift_test

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sgkit/sgkit/redshift"
	"github.com/sgkit/sgkit/redshift/pgtest"
)

// These specs load shredded rows into a real PostgreSQL, the way a loader
// that passes values through does, and read them back. PostgreSQL is the
// stand-in for Redshift where both behave alike: types, NOT NULL, TIMESTAMP
// without time zone. Where they differ (VARCHAR length in characters, not
// bytes), the spec says so and the finding comes from redshift.Check.
var _ = Describe("PostgreSQL load", Ordered, Label("database"), func() {
	var (
		ctx     = context.Background()
		table   = redshift.StatusChangeTable()
		sandbox *pgtest.Sandbox
	)

	BeforeAll(func(start SpecContext) {
		// Stop is registered before Start so that a timeout or an interrupt
		// in the middle of start-up still stops the server: Ginkgo cancels
		// the SpecContext, Start stops what it had started, and Stop waits
		// for it.
		server := pgtest.New()
		DeferCleanup(server.Stop)
		Expect(server.Start(start)).To(Succeed(), "no PostgreSQL for the database specs")
		GinkgoWriter.Printf("PostgreSQL at %s, database %s (external: %v)\n", server.Host, server.Database, server.External)

		var err error
		sandbox, err = server.NewSandbox(ctx)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() error { return sandbox.Close(context.Background()) })

		Expect(table.CreateInPostgres(ctx, sandbox.Conn, sandbox.Schema)).To(Succeed())
	})

	load := func(mutate func(*redshift.Event)) (redshift.Row, error) {
		ev := cloudFlareEvent()
		ev.EventID = pgtest.RandomName("c6ef3124-b53a-4b13-a233-")
		mutate(&ev)
		row, err := table.Shred(ev)
		Expect(err).NotTo(HaveOccurred())
		return row, redshift.LoadPassThrough(ctx, sandbox.Conn, sandbox.Schema, row)
	}

	readBack := func(row redshift.Row) map[string]*string {
		values, err := redshift.ReadBack(ctx, sandbox.Conn, sandbox.Schema, table, *row.Values[4])
		Expect(err).NotTo(HaveOccurred())
		m := map[string]*string{}
		for i, c := range table.Columns {
			m[c.Name] = values[i]
		}
		return m
	}

	It("creates the translated table with the DDL's columns", func() {
		rows, err := sandbox.Conn.Query(ctx, `SELECT column_name, data_type, coalesce(character_maximum_length, 0), is_nullable
			FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
			sandbox.Schema, table.Name)
		Expect(err).NotTo(HaveOccurred())
		defer rows.Close()

		var got []string
		for rows.Next() {
			var name, typ, nullable string
			var length int
			Expect(rows.Scan(&name, &typ, &length, &nullable)).To(Succeed())
			got = append(got, strings.Join([]string{name, typ, itoa(length), nullable}, " "))
		}
		Expect(rows.Err()).NotTo(HaveOccurred())

		// PostgreSQL's names for the DDL's types: VARCHAR is character
		// varying, CHAR is character, TIMESTAMP is timestamp without time zone.
		Expect(got).To(Equal([]string{
			"schema_vendor character varying 128 NO",
			"schema_name character varying 128 NO",
			"schema_format character varying 128 NO",
			"schema_version character varying 128 NO",
			"root_id character 36 NO",
			"root_tstamp timestamp without time zone 0 NO",
			"ref_root character varying 255 NO",
			"ref_tree character varying 1500 NO",
			"ref_parent character varying 255 NO",
			"current_status character varying 128 YES",
			"favicon_url character varying 8192 YES",
			"home_page_url character varying 8192 YES",
			"last_status character varying 128 YES",
			"occurred_at timestamp without time zone 0 YES",
			"service_name character varying 128 YES",
			"status_page_url character varying 8192 YES",
		}))
	})

	It("keeps the Iglu URI as the table comment", func() {
		var comment string
		Expect(sandbox.Conn.QueryRow(ctx, "SELECT obj_description(($1 || '.' || $2)::regclass)",
			sandbox.Schema, table.Name).Scan(&comment)).To(Succeed())
		Expect(comment).To(Equal("iglu:com.statusgator/status_change/jsonschema/1-0-0"))
	})

	It("stores the CloudFlare row as shredded", func() {
		row, err := load(func(*redshift.Event) {})
		Expect(err).NotTo(HaveOccurred())
		want := cloudFlareRow()
		want["root_id"] = row.Values[4]
		Expect(readBack(row)).To(Equal(want))
		Expect(redshift.Check(row)).To(BeEmpty())
	})

	It("stores the local time of an offset date-time, the loss Check reports", func() {
		row, err := load(func(ev *redshift.Event) { ev.Data["occurredAt"] = "2022-01-20T10:52:30-04:00" })
		Expect(err).NotTo(HaveOccurred())

		// The correct row holds the UTC instant. A timestamp without time
		// zone ignores the -04:00 and keeps 10:52:30, four hours off
		// (PostgreSQL documentation, Date/Time Types; Amazon Redshift
		// Database Developer Guide, Datetime types).
		Expect(*row.Map()["occurred_at"]).To(Equal("2022-01-20 14:52:30"))
		Expect(readBack(row)["occurred_at"]).To(Equal(text("2022-01-20 10:52:30")))

		issues := redshift.Check(row)
		Expect(issues).To(HaveLen(1))
		Expect(issues[0].Rule).To(Equal(redshift.RuleTimestampOffset))
	})

	It("accepts 256 bytes in VARCHAR(128), which Redshift rejects and Check reports", func() {
		// PostgreSQL's VARCHAR(n) counts characters, so 128 two-byte
		// characters load; Redshift counts bytes and rejects the row
		// (error 1204). PostgreSQL cannot show the Redshift failure, so
		// the spec checks the stored byte length and sgkit's rule.
		name := strings.Repeat("é", 128)
		row, err := load(func(ev *redshift.Event) { ev.Data["serviceName"] = name })
		Expect(err).NotTo(HaveOccurred())
		Expect(readBack(row)["service_name"]).To(Equal(&name))

		var bytes int
		Expect(sandbox.Conn.QueryRow(ctx, "SELECT octet_length(service_name) FROM "+sandbox.Schema+
			".com_statusgator_status_change_1 WHERE root_id = $1", *row.Values[4]).Scan(&bytes)).To(Succeed())
		Expect(bytes).To(Equal(256))

		issues := redshift.Check(row)
		Expect(issues).To(HaveLen(1))
		Expect(issues[0].Rule).To(Equal(redshift.RuleVarcharBytes))
	})

	It("reads a leap second as the next minute, as Shred does", func() {
		row, err := load(func(ev *redshift.Event) { ev.Data["occurredAt"] = "2016-12-31T23:59:60Z" })
		Expect(err).NotTo(HaveOccurred())
		Expect(*row.Map()["occurred_at"]).To(Equal("2017-01-01 00:00:00"))
		Expect(readBack(row)["occurred_at"]).To(Equal(text("2017-01-01 00:00:00")))
		Expect(redshift.Check(row)).To(BeEmpty())
	})

	It("rejects 129 characters in VARCHAR(128), as Redshift and Check do", func() {
		row, err := load(func(ev *redshift.Event) { ev.Data["serviceName"] = strings.Repeat("a", 129) })
		Expect(sqlState(err)).To(Equal("22001")) // string_data_right_truncation
		Expect(redshift.Check(row)).To(ConsistOf(HaveField("Rule", redshift.RuleVarcharBytes)))
	})

	It("rejects a NULL root_id, as Check reports", func() {
		row, err := load(func(ev *redshift.Event) { ev.EventID = "" })
		Expect(sqlState(err)).To(Equal("23502")) // not_null_violation
		var pgErr *pgconn.PgError
		Expect(errors.As(err, &pgErr)).To(BeTrue())
		Expect(pgErr.ColumnName).To(Equal("root_id"))
		Expect(redshift.Check(row)).To(ConsistOf(HaveField("Rule", redshift.RuleNotNull)))
	})

	// Values that pass the schema's checks (ethlo ITU date-time, any
	// string) but that the warehouse may not load as written.
	It("reads a point with no fraction digits as whole seconds", func() {
		row, err := load(func(ev *redshift.Event) { ev.Data["occurredAt"] = "2016-05-19T09:26:31.Z" })
		Expect(err).NotTo(HaveOccurred())
		Expect(readBack(row)["occurred_at"]).To(Equal(text("2016-05-19 09:26:31")))
		Expect(*row.Map()["occurred_at"]).To(Equal("2016-05-19 09:26:31"))
		Expect(redshift.Check(row)).To(BeEmpty())
	})

	It("rejects year 0000, as Check reports", func() {
		row, err := load(func(ev *redshift.Event) { ev.Data["occurredAt"] = "0000-01-01T00:00:00Z" })
		Expect(sqlState(err)).To(Equal("22008")) // datetime_field_overflow
		Expect(redshift.Check(row)).To(ConsistOf(HaveField("Rule", redshift.RuleTimestamp)))
	})

	It("rejects an offset beyond 15:59, as Check reports", func() {
		row, err := load(func(ev *redshift.Event) { ev.Data["occurredAt"] = "2016-05-19T09:26:31+18:00" })
		Expect(sqlState(err)).To(Equal("22009")) // invalid_time_zone_displacement_value
		Expect(redshift.Check(row)).To(ConsistOf(HaveField("Rule", redshift.RuleTimestamp)))
	})

	It("loads an offset of 15:59, which Check reports for Redshift's ±14:59", func() {
		// PostgreSQL 15 takes offsets up to 15:59 and drops them for a
		// timestamp without time zone; Redshift documents ±14:59, so
		// Check, which models Redshift, reports the row as rejected.
		row, err := load(func(ev *redshift.Event) { ev.Data["occurredAt"] = "2016-05-19T09:26:31+15:59" })
		Expect(err).NotTo(HaveOccurred())
		Expect(readBack(row)["occurred_at"]).To(Equal(text("2016-05-19 09:26:31")))
		Expect(redshift.Check(row)).To(ConsistOf(HaveField("Rule", redshift.RuleTimestamp)))
	})

	It("rejects a NUL character, as Check reports", func() {
		row, err := load(func(ev *redshift.Event) { ev.Data["serviceName"] = "a\x00b" })
		Expect(sqlState(err)).To(Equal("22021")) // character_not_in_repertoire
		Expect(redshift.Check(row)).To(ConsistOf(HaveField("Rule", redshift.RuleNUL)))
	})

	It("rejects an unparseable timestamp, as Check reports", func() {
		row, err := load(func(ev *redshift.Event) { ev.Data["occurredAt"] = "2016-02-30T09:26:31Z" })
		Expect(sqlState(err)).To(Equal("22008")) // datetime_field_overflow
		Expect(redshift.Check(row)).To(ConsistOf(HaveField("Rule", redshift.RuleTimestamp)))
	})
})

func sqlState(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code
	}
	return "no PostgreSQL error: " + errorText(err)
}

func errorText(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

func itoa(n int) string { return strconv.Itoa(n) }
