package redshift

import (
	"fmt"
	"slices"
	"strings"
)

// Difference kinds reported by Compare.
const (
	DiffMissing     = "missing"     // a column the schema implies is not in the table
	DiffUnexpected  = "unexpected"  // a table column the schema does not imply
	DiffOrder       = "order"       // the column is at another position
	DiffType        = "type"        // another type or length
	DiffNullability = "nullability" // NOT NULL where the schema allows null, or the reverse
	DiffEncoding    = "encoding"    // another ENCODE; the data loads the same
	DiffJSONPath    = "jsonpath"    // the jsonpaths entry for the column differs
	DiffTable       = "table"       // table name, Iglu URI, keys or foreign key
)

// Difference is one way the shipped table or jsonpaths disagree with what
// schema-ddl derives from the JSON schema.
type Difference struct {
	// Column is the column concerned; empty for table-level differences.
	Column   string
	Kind     string
	Expected string
	Actual   string
}

// EncodingOnly reports whether the difference changes compression only,
// not what a row holds: schema-ddl moved from igluctl 0.2.0's LZO and
// RUNLENGTH encodings to ZSTD, and tables created earlier keep theirs.
func (d Difference) EncodingOnly() bool { return d.Kind == DiffEncoding }

func (d Difference) String() string {
	where := "table"
	if d.Column != "" {
		where = "column " + d.Column
	}
	switch d.Kind {
	case DiffMissing:
		return fmt.Sprintf("%s: missing from the DDL: schema-ddl derives %s", where, d.Expected)
	case DiffUnexpected:
		return fmt.Sprintf("%s: not derived from the schema: the DDL has %s", where, d.Actual)
	}
	return fmt.Sprintf("%s: %s differs: schema-ddl derives %s, found %s", where, d.Kind, d.Expected, d.Actual)
}

// Report is the result of Compare.
type Report struct {
	Differences []Difference
}

// Real returns the differences that change what the table holds or accepts.
func (r Report) Real() []Difference {
	var out []Difference
	for _, d := range r.Differences {
		if !d.EncodingOnly() {
			out = append(out, d)
		}
	}
	return out
}

// EncodingOnly returns the differences in ENCODE only.
func (r Report) EncodingOnly() []Difference {
	var out []Difference
	for _, d := range r.Differences {
		if d.EncodingOnly() {
			out = append(out, d)
		}
	}
	return out
}

// Compare checks a table (with its jsonpaths) against the one derived from
// its JSON schema: names, order, types and lengths, nullability, jsonpaths
// and table attributes, with encodings reported apart.
func Compare(derived, actual *Table) Report {
	var diffs []Difference
	// Each table-level difference names its DDL line, or the CREATE TABLE
	// line when the DDL lacks the part, so that every real difference
	// points at a place to fix.
	table := func(what, expected, found string) {
		if expected == found {
			return
		}
		at := ""
		if line, ok := actual.Lines[what]; ok {
			at = fmt.Sprintf(" (line %d)", line)
		} else if line, ok := actual.Lines["table"]; ok {
			at = fmt.Sprintf(" (absent; CREATE TABLE is at line %d)", line)
		}
		if what == "name" {
			at = ""
			if line, ok := actual.Lines["table"]; ok {
				at = fmt.Sprintf(" (line %d)", line)
			}
		}
		diffs = append(diffs, Difference{Kind: DiffTable,
			Expected: what + " " + orNone(expected), Actual: what + " " + orNone(found) + at})
	}
	table("name", derived.QualifiedName(), actual.QualifiedName())
	table("comment", derived.SchemaURI, actual.SchemaURI)
	table("DISTSTYLE", derived.DistStyle, actual.DistStyle)
	table("DISTKEY", derived.DistKey, actual.DistKey)
	table("SORTKEY", strings.Join(derived.SortKey, ", "), strings.Join(actual.SortKey, ", "))
	table("FOREIGN KEY", foreignKeyText(derived.ForeignKey), foreignKeyText(actual.ForeignKey))

	for i, want := range derived.Columns {
		j := slices.IndexFunc(actual.Columns, func(c Column) bool { return c.Name == want.Name })
		if j < 0 {
			diffs = append(diffs, Difference{Column: want.Name, Kind: DiffMissing,
				Expected: fmt.Sprintf("%s at position %d", columnText(want), i+1), Actual: "no such column"})
			continue
		}
		got := actual.Columns[j]
		if i != j {
			diffs = append(diffs, Difference{Column: want.Name, Kind: DiffOrder,
				Expected: fmt.Sprintf("position %d", i+1), Actual: fmt.Sprintf("position %d (line %d)", j+1, got.Line)})
		}
		if want.Type != got.Type {
			diffs = append(diffs, Difference{Column: want.Name, Kind: DiffType,
				Expected: want.Type.String(), Actual: fmt.Sprintf("%s (line %d)", got.Type, got.Line)})
		}
		if want.NotNull != got.NotNull {
			diffs = append(diffs, Difference{Column: want.Name, Kind: DiffNullability,
				Expected: nullText(want.NotNull), Actual: fmt.Sprintf("%s (line %d)", nullText(got.NotNull), got.Line)})
		}
		if want.Encoding != got.Encoding {
			diffs = append(diffs, Difference{Column: want.Name, Kind: DiffEncoding,
				Expected: "ENCODE " + want.Encoding, Actual: fmt.Sprintf("ENCODE %s (line %d)", got.Encoding, got.Line)})
		}
	}
	for _, got := range actual.Columns {
		if _, ok := derived.Column(got.Name); !ok {
			diffs = append(diffs, Difference{Column: got.Name, Kind: DiffUnexpected,
				Expected: "no such column", Actual: fmt.Sprintf("%s (line %d)", columnText(got), got.Line)})
		}
	}

	for i := range max(len(derived.JSONPaths), len(actual.JSONPaths)) {
		want, got := at(derived.JSONPaths, i), at(actual.JSONPaths, i)
		if want == got {
			continue
		}
		column := ""
		if i < len(derived.Columns) {
			column = derived.Columns[i].Name
		} else if i < len(actual.Columns) {
			column = actual.Columns[i].Name
		}
		diffs = append(diffs, Difference{Column: column, Kind: DiffJSONPath,
			Expected: fmt.Sprintf("entry %d %s", i+1, want), Actual: fmt.Sprintf("entry %d %s", i+1, got)})
	}
	return Report{Differences: diffs}
}

func at(list []string, i int) string {
	if i < len(list) {
		return list[i]
	}
	return "(none)"
}

func columnText(c Column) string {
	return c.Type.String() + " " + nullText(c.NotNull)
}

func nullText(notNull bool) string {
	if notNull {
		return "NOT NULL"
	}
	return "NULL"
}

func foreignKeyText(fk *ForeignKey) string {
	if fk == nil {
		return "(none)"
	}
	return fmt.Sprintf("(%s) REFERENCES %s(%s)",
		strings.Join(fk.Columns, ", "), fk.RefTable, strings.Join(fk.RefColumns, ", "))
}

// orNone prints an empty table attribute as (none), so that a missing
// comment does not read as "found comment " with nothing after it.
func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
