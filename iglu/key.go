package iglu

import (
	"fmt"
	"regexp"
	"strconv"
)

// schemaURIPattern is iglu-scala-core's SchemaKey.schemaUriRegex: vendor,
// name and format from a restricted alphabet, and a SchemaVer whose MODEL
// starts at 1 and whose parts carry no leading zeros.
var schemaURIPattern = regexp.MustCompile(
	`^iglu:([a-zA-Z0-9-_.]+)/([a-zA-Z0-9-_]+)/([a-zA-Z0-9-_]+)/([1-9][0-9]*)-(0|[1-9][0-9]*)-(0|[1-9][0-9]*)$`)

// SchemaVer is an Iglu schema version MODEL-REVISION-ADDITION.
type SchemaVer struct {
	Model, Revision, Addition int
}

// String formats the version as MODEL-REVISION-ADDITION, e.g. 1-0-0.
func (v SchemaVer) String() string {
	return fmt.Sprintf("%d-%d-%d", v.Model, v.Revision, v.Addition)
}

// SchemaKey identifies one Iglu schema, e.g.
// iglu:com.statusgator/status_change/jsonschema/1-0-0.
type SchemaKey struct {
	Vendor  string
	Name    string
	Format  string
	Version SchemaVer
}

// ParseURI parses an Iglu URI of the form
// iglu:vendor/name/format/MODEL-REVISION-ADDITION.
func ParseURI(uri string) (SchemaKey, error) {
	m := schemaURIPattern.FindStringSubmatch(uri)
	if m == nil {
		return SchemaKey{}, fmt.Errorf("invalid Iglu URI %q: expected iglu:vendor/name/format/MODEL-REVISION-ADDITION, e.g. iglu:com.statusgator/status_change/jsonschema/1-0-0", uri)
	}
	var parts [3]int
	for i, s := range m[4:7] {
		n, err := strconv.Atoi(s)
		if err != nil {
			return SchemaKey{}, fmt.Errorf("invalid Iglu URI %q: version part %q is out of range", uri, s)
		}
		parts[i] = n
	}
	return SchemaKey{
		Vendor:  m[1],
		Name:    m[2],
		Format:  m[3],
		Version: SchemaVer{Model: parts[0], Revision: parts[1], Addition: parts[2]},
	}, nil
}

// MustParseURI is ParseURI for URIs fixed in the source; it panics on an
// invalid one.
func MustParseURI(uri string) SchemaKey {
	k, err := ParseURI(uri)
	if err != nil {
		panic(err)
	}
	return k
}

// URI formats the key as an Iglu URI.
func (k SchemaKey) URI() string {
	return "iglu:" + k.Path()
}

// Path is the key's path inside an Iglu static repository, below its
// schemas/ folder: vendor/name/format/MODEL-REVISION-ADDITION.
func (k SchemaKey) Path() string {
	return k.Vendor + "/" + k.Name + "/" + k.Format + "/" + k.Version.String()
}

// String returns the Iglu URI.
func (k SchemaKey) String() string { return k.URI() }
