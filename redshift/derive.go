package redshift

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// The rules below reproduce snowplow/schema-ddl 0.27.0 (commit a3ad1de),
// modules/core/.../iglu.schemaddl: redshift/ShredModelEntry.scala (the nine
// hierarchy columns, VARCHAR_SIZE 4096, encodings), redshift/internal/
// ColumnTypeSuggestions.scala (types), redshift/internal/FlatSchema.scala
// (flattening, nullability, order), StringUtils.snakeCase (names) and, for
// jsonpaths, JsonPathGenerator.scala of schema-ddl 0.17.0.

// defaultVarcharSize is schema-ddl's ShredModelEntry.VARCHAR_SIZE, the type
// of a string without maxLength and of anything no suggestion matches.
const defaultVarcharSize = 4096

// hierarchyColumns are ShredModelEntry.extraCols, with the encodings current
// schema-ddl writes.
var hierarchyColumns = []Column{
	{Name: "schema_vendor", Type: ColumnType{Name: "VARCHAR", Length: 128}, Encoding: "ZSTD", NotNull: true},
	{Name: "schema_name", Type: ColumnType{Name: "VARCHAR", Length: 128}, Encoding: "ZSTD", NotNull: true},
	{Name: "schema_format", Type: ColumnType{Name: "VARCHAR", Length: 128}, Encoding: "ZSTD", NotNull: true},
	{Name: "schema_version", Type: ColumnType{Name: "VARCHAR", Length: 128}, Encoding: "ZSTD", NotNull: true},
	{Name: "root_id", Type: ColumnType{Name: "CHAR", Length: 36}, Encoding: "RAW", NotNull: true},
	{Name: "root_tstamp", Type: ColumnType{Name: "TIMESTAMP"}, Encoding: "ZSTD", NotNull: true},
	{Name: "ref_root", Type: ColumnType{Name: "VARCHAR", Length: 255}, Encoding: "ZSTD", NotNull: true},
	{Name: "ref_tree", Type: ColumnType{Name: "VARCHAR", Length: 1500}, Encoding: "ZSTD", NotNull: true},
	{Name: "ref_parent", Type: ColumnType{Name: "VARCHAR", Length: 255}, Encoding: "ZSTD", NotNull: true},
}

// hierarchyJSONPaths are JsonPathGenerator's schema and hierarchy fields.
var hierarchyJSONPaths = []string{
	"$.schema.vendor", "$.schema.name", "$.schema.format", "$.schema.version",
	"$.hierarchy.rootId", "$.hierarchy.rootTstamp", "$.hierarchy.refRoot",
	"$.hierarchy.refTree", "$.hierarchy.refParent",
}

var (
	snakeAcronym = regexp.MustCompile(`([A-Z]+)([A-Z][a-z])`)
	snakeWord    = regexp.MustCompile(`([a-z\d])([A-Z])`)
)

// SnakeCase is schema-ddl's StringUtils.snakeCase: split camelCase and
// acronyms with underscores, hyphens become underscores, then lower case.
func SnakeCase(s string) string {
	s = snakeAcronym.ReplaceAllString(s, "${1}_${2}")
	s = snakeWord.ReplaceAllString(s, "${1}_${2}")
	return strings.ToLower(strings.ReplaceAll(s, "-", "_"))
}

// leaf is one flattened property: the path of member names from the data
// object's root, and its subschema.
type leaf struct {
	path     []string
	schema   map[string]any
	nullable bool
}

// DeriveTable builds the table and jsonpaths schema-ddl generates from a
// self-describing JSON schema: the nine hierarchy columns, then one column
// per flattened property, NOT NULL ones first, each group in order of the
// snake_case name. Schema constructs whose columns depend on rules sgkit
// does not reproduce (oneOf, $ref, ...) are an error naming the property.
func DeriveTable(schemaJSON []byte) (*Table, error) {
	var schema map[string]any
	dec := json.NewDecoder(bytes.NewReader(schemaJSON))
	dec.UseNumber()
	if err := dec.Decode(&schema); err != nil {
		return nil, fmt.Errorf("invalid JSON schema: %w", err)
	}
	key, err := selfKey(schema)
	if err != nil {
		return nil, err
	}

	var leaves []leaf
	if err := flatten(schema, nil, true, &leaves); err != nil {
		return nil, err
	}
	// FlatSchema.postProcess: sortBy (canBeNull, getName).
	sort.SliceStable(leaves, func(i, j int) bool {
		if leaves[i].nullable != leaves[j].nullable {
			return !leaves[i].nullable
		}
		return columnName(leaves[i].path) < columnName(leaves[j].path)
	})

	t := &Table{
		Schema:     "atomic",
		Name:       TableName(key),
		Columns:    append([]Column(nil), hierarchyColumns...),
		ForeignKey: &ForeignKey{Columns: []string{"root_id"}, RefTable: "atomic.events", RefColumns: []string{"event_id"}},
		DistStyle:  "KEY",
		DistKey:    "root_id",
		SortKey:    []string{"root_tstamp"},
		SchemaURI:  key.URI(),
		JSONPaths:  append([]string(nil), hierarchyJSONPaths...),
	}
	for _, l := range leaves {
		typ, err := suggestType(l.schema)
		if err != nil {
			return nil, fmt.Errorf("property %s: %w", strings.Join(l.path, "."), err)
		}
		t.Columns = append(t.Columns, Column{
			Name:     columnName(l.path),
			Type:     typ,
			Encoding: suggestEncoding(typ),
			NotNull:  !l.nullable,
		})
		t.JSONPaths = append(t.JSONPaths, "$.data."+strings.Join(l.path, "."))
	}
	return t, nil
}

// TableName is ShredModel.baseTableName: vendor with dots and hyphens as
// underscores, the snake_case name, and the model (major) version.
func TableName(k SchemaKey) string {
	vendor := strings.ToLower(strings.NewReplacer(".", "_", "-", "_").Replace(k.Vendor))
	model, _, _ := strings.Cut(k.Version, "-")
	return vendor + "_" + SnakeCase(k.Name) + "_" + model
}

// columnName is Pointer.getName: the snake_case members joined by dots.
func columnName(path []string) string {
	parts := make([]string, len(path))
	for i, p := range path {
		parts[i] = SnakeCase(p)
	}
	return strings.Join(parts, ".")
}

func selfKey(schema map[string]any) (SchemaKey, error) {
	self, ok := schema["self"].(map[string]any)
	if !ok {
		return SchemaKey{}, fmt.Errorf("JSON schema has no \"self\" object; a self-describing schema names its vendor, name, format and version there")
	}
	var k SchemaKey
	for field, dst := range map[string]*string{"vendor": &k.Vendor, "name": &k.Name, "format": &k.Format, "version": &k.Version} {
		s, ok := self[field].(string)
		if !ok {
			return SchemaKey{}, fmt.Errorf("JSON schema: self.%s is missing or not a string", field)
		}
		*dst = s
	}
	return ParseSchemaURI(k.URI())
}

// flatten walks nested objects as FlatSchema does: an object with
// properties (and a single type) is a parent, anything else a leaf. A
// property is nullable unless it and all its parents are required, or when
// its type or enum admits null (FlatSchema.withLeaf, Schema.canBeNull).
func flatten(schema map[string]any, path []string, required bool, out *[]leaf) error {
	for _, kw := range []string{"oneOf", "anyOf", "allOf", "$ref", "patternProperties"} {
		if _, ok := schema[kw]; ok && len(path) > 0 {
			return fmt.Errorf("property %s: keyword %s is not supported by sgkit's schema-ddl rules", strings.Join(path, "."), kw)
		}
	}
	props, hasProps := schema["properties"].(map[string]any)
	types := jsonTypes(schema)
	isObject := len(types) == 0 || types["object"]
	if len(path) > 0 && !(hasProps && isObject && nonNullCount(types) <= 1) {
		*out = append(*out, leaf{path: path, schema: schema, nullable: !required || canBeNull(schema)})
		return nil
	}

	req := map[string]bool{}
	if list, ok := schema["required"].([]any); ok {
		for _, r := range list {
			if s, ok := r.(string); ok {
				req[s] = true
			}
		}
	}
	names := make([]string, 0, len(props))
	for name := range props {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		sub, ok := props[name].(map[string]any)
		if !ok {
			return fmt.Errorf("property %s: subschema is not an object", strings.Join(append(path, name), "."))
		}
		childPath := append(append([]string(nil), path...), name)
		if err := flatten(sub, childPath, required && req[name], out); err != nil {
			return err
		}
	}
	return nil
}

// jsonTypes returns the set of the "type" keyword's values.
func jsonTypes(schema map[string]any) map[string]bool {
	set := map[string]bool{}
	switch t := schema["type"].(type) {
	case string:
		set[t] = true
	case []any:
		for _, v := range t {
			if s, ok := v.(string); ok {
				set[s] = true
			}
		}
	}
	return set
}

func nonNullCount(types map[string]bool) int {
	n := len(types)
	if types["null"] {
		n--
	}
	return n
}

func canBeNull(schema map[string]any) bool {
	if jsonTypes(schema)["null"] {
		return true
	}
	if enum, ok := schema["enum"].([]any); ok {
		for _, v := range enum {
			if v == nil {
				return true
			}
		}
	}
	return false
}

// possiblyWithNull is schema-ddl's Type.possiblyWithNull: the type is
// exactly t, or [t, null].
func possiblyWithNull(types map[string]bool, t string) bool {
	return types[t] && nonNullCount(types) == 1
}

// suggestType applies ColumnTypeSuggestions.columnTypeSuggestions in their
// order; the first match wins and VARCHAR(4096) is the fallback.
func suggestType(schema map[string]any) (ColumnType, error) {
	types := jsonTypes(schema)
	format, _ := schema["format"].(string)
	enum, hasEnum := schema["enum"].([]any)

	// complexEnumSuggestion: an enum mixing numbers, non-numbers and
	// booleans is a VARCHAR as long as its longest JSON text.
	if hasEnum && isComplexEnum(enum) {
		return ColumnType{Name: "VARCHAR", Length: longestJSON(enum, 16, true)}, nil
	}
	// productSuggestion: a union of several non-null types (other than
	// integer+number, which Type.isUnion excludes).
	if nonNullCount(types) > 1 && !(nonNullCount(types) == 2 && types["integer"] && types["number"]) {
		if nonNullCount(types) == 2 && types["boolean"] && types["integer"] {
			return ColumnType{Name: "VARCHAR", Length: 10}, nil // Int.MaxValue.toString.length
		}
		return ColumnType{Name: "VARCHAR", Length: defaultVarcharSize}, nil
	}
	if format == "date-time" && possiblyWithNull(types, "string") {
		return ColumnType{Name: "TIMESTAMP"}, nil
	}
	if format == "date" && possiblyWithNull(types, "string") {
		return ColumnType{Name: "DATE"}, nil
	}
	if possiblyWithNull(types, "array") {
		return ColumnType{Name: "VARCHAR", Length: 65535}, nil
	}
	if typ, ok, err := integerType(schema, types, enum, hasEnum); ok || err != nil {
		return typ, err
	}
	if possiblyWithNull(types, "number") {
		if m, ok := schema["multipleOf"].(json.Number); ok && m.String() == "0.01" {
			return ColumnType{Name: "DECIMAL", Length: 36, Scale: 2}, nil
		}
		return ColumnType{Name: "DOUBLE PRECISION"}, nil
	}
	if nonNullCount(types) == 2 && types["integer"] && types["number"] {
		return ColumnType{Name: "DOUBLE PRECISION"}, nil
	}
	if possiblyWithNull(types, "boolean") {
		return ColumnType{Name: "BOOLEAN"}, nil
	}

	minLen, hasMin, err := lengthKeyword(schema, "minLength")
	if err != nil {
		return ColumnType{}, err
	}
	maxLen, hasMax, err := lengthKeyword(schema, "maxLength")
	if err != nil {
		return ColumnType{}, err
	}
	if possiblyWithNull(types, "string") && hasMin && hasMax && minLen == maxLen {
		return ColumnType{Name: "CHAR", Length: minLen}, nil
	}
	if possiblyWithNull(types, "string") {
		switch format {
		case "uuid":
			return ColumnType{Name: "CHAR", Length: 36}, nil
		case "ipv6":
			return ColumnType{Name: "VARCHAR", Length: 39}, nil
		case "ipv4":
			return ColumnType{Name: "VARCHAR", Length: 15}, nil
		case "email":
			return ColumnType{Name: "VARCHAR", Length: 255}, nil
		}
		// varcharSuggestion: string with maxLength and no enum, whatever
		// other format it has (uri included).
		if hasMax && !hasEnum {
			return ColumnType{Name: "VARCHAR", Length: maxLen}, nil
		}
	}
	if hasEnum && len(enum) > 0 {
		n := longestJSON(enum, 0, false)
		if len(enum) == 1 {
			return ColumnType{Name: "CHAR", Length: n}, nil
		}
		return ColumnType{Name: "VARCHAR", Length: n}, nil
	}
	return ColumnType{Name: "VARCHAR", Length: defaultVarcharSize}, nil
}

// integerType is integerSuggestion: maximum picks SMALLINT, INT or BIGINT;
// an integer enum is sized by its largest value; a bare integer is BIGINT.
func integerType(schema map[string]any, types map[string]bool, enum []any, hasEnum bool) (ColumnType, bool, error) {
	if max, ok := schema["maximum"].(json.Number); ok && possiblyWithNull(types, "integer") {
		n, isInt := new(big.Int).SetString(max.String(), 10)
		if !isInt {
			return ColumnType{Name: "DECIMAL"}, true, nil
		}
		return intSize(n), true, nil
	}
	if hasEnum && (len(types) == 0 || possiblyWithNull(types, "integer")) {
		var largest *big.Int
		for _, v := range enum {
			num, ok := v.(json.Number)
			if !ok {
				return ColumnType{}, false, nil
			}
			n, ok := new(big.Int).SetString(num.String(), 10)
			if !ok {
				return ColumnType{}, false, nil
			}
			if largest == nil || n.Cmp(largest) > 0 {
				largest = n
			}
		}
		if largest != nil {
			return intSize(largest), true, nil
		}
		return ColumnType{}, false, nil
	}
	if possiblyWithNull(types, "integer") {
		return ColumnType{Name: "BIGINT"}, true, nil
	}
	return ColumnType{}, false, nil
}

func intSize(max *big.Int) ColumnType {
	switch {
	case max.Cmp(big.NewInt(32767)) <= 0:
		return ColumnType{Name: "SMALLINT"}
	case max.Cmp(big.NewInt(2147483647)) <= 0:
		return ColumnType{Name: "INT"}
	}
	return ColumnType{Name: "BIGINT"}
}

// lengthKeyword reads minLength or maxLength as schema-ddl 0.27.0 does:
// circe's Decoder[BigInt] (StringCodecs.scala), which takes any JSON
// number with a whole value, so 128.0 and 1.28e2 are 128, and fails on a
// fraction. JSON Schema requires a non-negative integer; schema-ddl would
// write VARCHAR(-1), which Redshift rejects, so a negative length is an
// error here. A value beyond int32 overflows schema-ddl's BigInt.toInt.
func lengthKeyword(schema map[string]any, kw string) (int, bool, error) {
	raw, present := schema[kw]
	if !present {
		return 0, false, nil
	}
	n, ok := raw.(json.Number)
	if !ok {
		return 0, false, fmt.Errorf("keyword %s is %v, not a number; write a non-negative integer such as 128", kw, raw)
	}
	r, ok := new(big.Rat).SetString(n.String())
	if !ok || !r.IsInt() {
		return 0, false, fmt.Errorf("keyword %s is %s, not a whole number; write a non-negative integer such as 128", kw, n)
	}
	v := r.Num()
	if v.Sign() < 0 {
		return 0, false, fmt.Errorf("keyword %s is %s, but a length cannot be negative; write a non-negative integer such as 128", kw, n)
	}
	if !v.IsInt64() || v.Int64() > math.MaxInt32 {
		return 0, false, fmt.Errorf("keyword %s is %s, too large for a column length; Redshift VARCHAR takes at most 65535", kw, n)
	}
	return int(v.Int64()), true, nil
}

func isComplexEnum(enum []any) bool {
	var numeric, nonNumeric, boolean bool
	for _, v := range enum {
		switch v.(type) {
		case nil:
		case json.Number:
			numeric = true
		case bool:
			boolean, nonNumeric = true, true
		default:
			nonNumeric = true
		}
	}
	count := 0
	for _, b := range []bool{numeric, nonNumeric, boolean} {
		if b {
			count++
		}
	}
	return count >= 2
}

// longestJSON is the longest value's length as schema-ddl measures it: the
// compact JSON text (noSpaces), except that jsonLength counts a string's
// characters without quotes when quoted is false. Nulls are skipped;
// fallback is returned when nothing is left.
func longestJSON(enum []any, fallback int, quoted bool) int {
	longest := -1
	for _, v := range enum {
		if v == nil {
			continue
		}
		var n int
		if s, ok := v.(string); ok && !quoted {
			n = utf8.RuneCountInString(s)
		} else {
			var b bytes.Buffer
			enc := json.NewEncoder(&b)
			enc.SetEscapeHTML(false)
			_ = enc.Encode(v)
			n = utf8.RuneCount(bytes.TrimSpace(b.Bytes()))
		}
		if n > longest {
			longest = n
		}
	}
	if longest < 0 {
		return fallback
	}
	return longest
}

// suggestEncoding is ShredModelEntry.compressionEncoding.
func suggestEncoding(t ColumnType) string {
	switch t.Name {
	case "BOOLEAN":
		return "RUNLENGTH"
	case "DOUBLE PRECISION":
		return "RAW"
	}
	return "ZSTD"
}
