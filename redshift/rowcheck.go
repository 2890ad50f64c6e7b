package redshift

import (
	"fmt"
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
)

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
