package redshift

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Issue is one way a row breaks the table definition or loses data
// without an error.
type Issue struct {
	Column string `json:"column"`
	Rule   string `json:"rule"`
	Detail string `json:"detail"`
}

// Rules a row is checked against; each Issue names one.
const (
	// RuleNotNull: NULL in a NOT NULL column; COPY rejects the row.
	RuleNotNull = "not_null"
	// RuleVarcharBytes: a value longer than VARCHAR(n), which Redshift
	// measures in bytes of UTF-8 while JSON Schema's maxLength counts
	// characters.
	RuleVarcharBytes = "varchar_bytes"
	// RuleCharBytes: a value longer than CHAR(n) bytes.
	RuleCharBytes = "char_bytes"
	// RuleCharSingleByte: Redshift CHAR columns take single-byte characters only.
	RuleCharSingleByte = "char_single_byte"
	// RuleTimestamp: a value a TIMESTAMP column cannot parse.
	RuleTimestamp = "timestamp"
	// RuleTimestampOffset: a non-zero offset that a TIMESTAMP (without
	// time zone) column drops, storing the local time instead of the instant.
	RuleTimestampOffset = "timestamp_offset"
	// RuleTimestampPrecision: more fraction digits than TIMESTAMP's microseconds.
	RuleTimestampPrecision = "timestamp_precision"
	// RuleNotPredicted: a column the prediction cannot fill, because the
	// value is made when the event is collected or enriched (a generated
	// event_id, the receive time). The loaded row has a value; this is a
	// gap in the prediction, not a warehouse finding. Check never returns
	// it; the adapter turns a not_null issue into it.
	RuleNotPredicted = "not_predicted"
	// RuleNUL: a NUL character (U+0000) in a character column; COPY
	// rejects the row.
	RuleNUL = "nul_character"
)

// maxOffsetMinutes is the largest time zone displacement Redshift
// documents: TIMETZ ranges over offsets up to 14:59 (Amazon Redshift
// Database Developer Guide, Datetime types, "Storage and ranges"). The
// guide states nothing about TIMESTAMP input beyond "time zone values in input
// strings are ignored"; sgkit assumes the same limit applies when the
// offset is read. PostgreSQL 15 takes up to 15:59 and rejects more with
// 22009 (time zone displacement out of range), which the database specs
// confirm.
const maxOffsetMinutes = 14*60 + 59

// Check returns every issue of the row against its table, column by
// column in table order; nil means Redshift loads the row unchanged.
func Check(row Row) []Issue {
	var issues []Issue
	for i, col := range row.Table.Columns {
		issues = append(issues, checkValue(col, row.Values[i], row.Sources[i])...)
	}
	return issues
}

func checkValue(col Column, value, source *string) []Issue {
	if value == nil {
		if col.NotNull {
			return []Issue{{col.Name, RuleNotNull,
				"NULL in a NOT NULL column: Redshift COPY rejects the row"}}
		}
		return nil
	}

	v := *value
	if i := strings.IndexByte(v, 0); i >= 0 && (col.Type.Name == "VARCHAR" || col.Type.Name == "CHAR") {
		// "If you do not use NULL AS, null terminators will cause your COPY
		// to fail" (Amazon Redshift Database Developer Guide, Preparing your
		// input data); with NULL AS '\0' the value loads as NULL instead.
		// PostgreSQL rejects NUL in any text (22021).
		return []Issue{{col.Name, RuleNUL, fmt.Sprintf(
			"NUL character (U+0000) at byte %d: Redshift COPY rejects the row, or loads NULL when run with NULL AS '\\0'", i)}}
	}
	switch col.Type.Name {
	case "VARCHAR":
		// "CHAR and VARCHAR data types are defined in terms of bytes, not
		// characters" (Amazon Redshift Database Developer Guide, Character types).
		if len(v) > col.Type.Length {
			return []Issue{{col.Name, RuleVarcharBytes, fmt.Sprintf(
				"%d bytes (%d characters) exceed %s, which Redshift measures in bytes of UTF-8: "+
					"COPY rejects the row (stl_load_errors code 1204, String length exceeds DDL length) "+
					"or cuts the value when run with TRUNCATECOLUMNS",
				len(v), utf8.RuneCountInString(v), col.Type)}}
		}
	case "CHAR":
		var issues []Issue
		if len(v) > col.Type.Length {
			issues = append(issues, Issue{col.Name, RuleCharBytes, fmt.Sprintf(
				"%d bytes exceed %s: COPY rejects the row", len(v), col.Type)})
		}
		// "A CHAR column can only contain single-byte characters" (same page).
		if len(v) != utf8.RuneCountInString(v) {
			issues = append(issues, Issue{col.Name, RuleCharSingleByte,
				"multi-byte UTF-8 characters in a CHAR column, which Redshift allows single-byte characters only"})
		}
		return issues
	case "TIMESTAMP":
		return checkTimestamp(col, source)
	}
	return nil
}

func checkTimestamp(col Column, source *string) []Issue {
	ts, ok := ParseTimestamp(*source)
	if !ok {
		// root_tstamp's source is enrich's own UTC text, which always loads.
		if _, ok := timestampInstant(*source); ok {
			return nil
		}
		return []Issue{{col.Name, RuleTimestamp, fmt.Sprintf(
			"%q is not a date-time a TIMESTAMP column can load: COPY rejects the row", *source)}}
	}

	// "4713 BC to 294276 AD" (Datetime types, "Storage and ranges") has no
	// year 0, and PostgreSQL 15 rejects year 0000 with 22008
	// (datetime_field_overflow), which the database specs confirm.
	if ts.Local.Year() == 0 {
		return []Issue{{col.Name, RuleTimestamp, fmt.Sprintf(
			"%q has year 0000, which does not exist in the AD/BC years TIMESTAMP uses: COPY rejects the row", *source)}}
	}
	if m := abs(ts.OffsetSeconds) / 60; m > maxOffsetMinutes {
		return []Issue{{col.Name, RuleTimestamp, fmt.Sprintf(
			"%q has offset %s, beyond the ±14:59 Redshift documents for time zones: COPY rejects the row "+
				"(PostgreSQL 15 loads up to ±15:59)", *source, ts.Offset)}}
	}

	// For TIMESTAMP "time zone values in input strings are ignored", and
	// its resolution is one microsecond (Amazon Redshift Database Developer
	// Guide, Datetime types). PostgreSQL 15 does the same.
	var issues []Issue
	if ts.OffsetSeconds != 0 {
		issues = append(issues, Issue{col.Name, RuleTimestampOffset, fmt.Sprintf(
			"source %s has offset %s, which a TIMESTAMP (without time zone) column ignores: "+
				"it stores %s instead of the UTC instant %s",
			*source, ts.Offset,
			ts.Local.Round(time.Microsecond).Format(timestampTextLayout),
			ts.Instant.Round(time.Microsecond).Format(timestampTextLayout))})
	}
	if ts.FractionDigits > 6 {
		issues = append(issues, Issue{col.Name, RuleTimestampPrecision, fmt.Sprintf(
			"source %s has %d fraction digits but TIMESTAMP keeps microseconds, so the value is rounded",
			*source, ts.FractionDigits)})
	}
	return issues
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
