package redshift_test

import (
	"regexp"
	"testing"

	"github.com/sgkit/sgkit/redshift"
)

// BenchmarkShred measures shredding the CloudFlare event into its row.
func BenchmarkShred(b *testing.B) {
	table := redshift.StatusChangeTable()
	ev := cloudFlareEvent()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := table.Shred(ev); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "shreds/s")
}

// BenchmarkShredAndCheck adds the row checks, as a prediction runs both.
func BenchmarkShredAndCheck(b *testing.B) {
	table := redshift.StatusChangeTable()
	ev := cloudFlareEvent()
	ev.Data["occurredAt"] = "2022-01-20T10:52:30-04:00"
	b.ReportAllocs()
	for b.Loop() {
		row, err := table.Shred(ev)
		if err != nil {
			b.Fatal(err)
		}
		if len(redshift.Check(row)) != 1 {
			b.Fatal("expected the offset issue")
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "shreds/s")
}

// FuzzParseDDL checks that any input gives a table or an error, never a panic.
func FuzzParseDDL(f *testing.F) {
	f.Add(`CREATE TABLE IF NOT EXISTS atomic.t ("a" VARCHAR(5) ENCODE ZSTD NOT NULL) DISTKEY (a);`)
	f.Add("COMMENT ON TABLE a.b IS 'x")
	f.Add(`CREATE TABLE a.b ("x" DECIMAL (36, 2));`)
	f.Fuzz(func(t *testing.T, ddl string) {
		table, err := redshift.ParseDDL(ddl)
		if err == nil && table == nil {
			t.Fatal("nil table without an error")
		}
	})
}

// dateTimeShape is the date-time grammar ParseTimestamp implements by hand
// (ethlo ITU 1.7.0's shapes), as an independent check of what it accepts.
var dateTimeShape = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d*)?([Zz]|[+-]\d{2}:\d{2})$`)

// FuzzParseTimestamp checks that a parsed value has the date-time shape
// and that its instant and local time differ by exactly its offset.
func FuzzParseTimestamp(f *testing.F) {
	f.Add("2022-01-20T10:52:30-04:00")
	f.Add("2016-12-31T23:59:60Z")
	f.Add("2016-05-19 09:26:31.123456789+05:30")
	f.Fuzz(func(t *testing.T, s string) {
		ts, ok := redshift.ParseTimestamp(s)
		if !ok {
			return
		}
		if !dateTimeShape.MatchString(s) {
			t.Fatalf("%q parsed but is not a date-time", s)
		}
		if got := ts.Local.Sub(ts.Instant).Seconds(); int(got) != ts.OffsetSeconds {
			t.Fatalf("%q: local - instant = %vs, offset %ds", s, got, ts.OffsetSeconds)
		}
	})
}
