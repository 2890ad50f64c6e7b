package redshift

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// ParseJSONPaths reads a Redshift COPY jsonpaths file: an object whose only
// key "jsonpaths" lists one path per column, in column order.
func ParseJSONPaths(src []byte) ([]string, error) {
	var file struct {
		JSONPaths []string `json:"jsonpaths"`
	}
	dec := json.NewDecoder(strings.NewReader(string(src)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&file); err != nil {
		return nil, fmt.Errorf("invalid jsonpaths file: %w; expected {\"jsonpaths\": [\"$.schema.vendor\", ...]}", err)
	}
	if len(file.JSONPaths) == 0 {
		return nil, fmt.Errorf("invalid jsonpaths file: the \"jsonpaths\" list is missing or empty")
	}
	for i, p := range file.JSONPaths {
		if _, err := splitJSONPath(p); err != nil {
			return nil, fmt.Errorf("invalid jsonpaths file: entry %d: %w", i+1, err)
		}
	}
	return file.JSONPaths, nil
}

// jsonPathField matches one dotted member name of the paths schema-ddl's
// JsonPathGenerator writes ($.data.serviceName); bracket notation is not used there.
var jsonPathField = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

// splitJSONPath splits "$.a.b" into ["a", "b"].
func splitJSONPath(p string) ([]string, error) {
	rest, ok := strings.CutPrefix(p, "$.")
	if !ok {
		return nil, fmt.Errorf("jsonpath %q does not start with \"$.\"", p)
	}
	fields := strings.Split(rest, ".")
	for _, f := range fields {
		if !jsonPathField.MatchString(f) {
			return nil, fmt.Errorf("jsonpath %q: member %q is not a plain name; sgkit reads only dotted paths such as $.data.serviceName", p, f)
		}
	}
	return fields, nil
}

// AttachJSONPaths sets the table's jsonpaths after checking there is one
// per column: Redshift COPY maps the n-th path to the n-th column.
func (t *Table) AttachJSONPaths(paths []string) error {
	if len(paths) != len(t.Columns) {
		return fmt.Errorf("jsonpaths file has %d paths but table %s has %d columns; COPY needs one path per column",
			len(paths), t.QualifiedName(), len(t.Columns))
	}
	split, err := splitJSONPaths(paths)
	if err != nil {
		return err
	}
	key, err := ParseSchemaURI(t.SchemaURI)
	if err != nil {
		return fmt.Errorf("table %s: %w", t.QualifiedName(), err)
	}
	t.JSONPaths, t.splitPaths, t.key = paths, split, key
	return nil
}

func splitJSONPaths(paths []string) ([][]string, error) {
	split := make([][]string, len(paths))
	for i, p := range paths {
		fields, err := splitJSONPath(p)
		if err != nil {
			return nil, err
		}
		split[i] = fields
	}
	return split, nil
}

// SchemaKey is the vendor, name, format and version of an Iglu URI.
type SchemaKey struct {
	Vendor, Name, Format, Version string
}

// igluURI is the Iglu URI grammar of iglu-core's SchemaKey:
// iglu:{vendor}/{name}/{format}/{model}-{revision}-{addition}.
var igluURI = regexp.MustCompile(`^iglu:([a-zA-Z0-9\-_.]+)/([a-zA-Z0-9\-_]+)/([a-zA-Z0-9\-_]+)/([1-9][0-9]*-(?:0|[1-9][0-9]*)-(?:0|[1-9][0-9]*))$`)

// ParseSchemaURI splits an Iglu URI such as
// iglu:com.statusgator/status_change/jsonschema/1-0-0.
func ParseSchemaURI(uri string) (SchemaKey, error) {
	m := igluURI.FindStringSubmatch(uri)
	if m == nil {
		return SchemaKey{}, fmt.Errorf("invalid Iglu URI %q; expected iglu:vendor/name/format/1-0-0", uri)
	}
	return SchemaKey{Vendor: m[1], Name: m[2], Format: m[3], Version: m[4]}, nil
}

// URI renders the key as an Iglu URI.
func (k SchemaKey) URI() string {
	return "iglu:" + k.Vendor + "/" + k.Name + "/" + k.Format + "/" + k.Version
}
