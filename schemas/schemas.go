// Package schemas is an Iglu static repository embedded in the binary: the
// StatusGator event schema, the unstruct_event envelope, the self-describing
// meta-schema and the bad-row schemas sgkit emits, each equal in content to
// its copy in snowplow/iglu-central.
package schemas

import "embed"

// FS holds every schema at its static-repository path without the leading
// "schemas/", e.g. com.statusgator/status_change/jsonschema/1-0-0.
//
//go:embed com.*
var FS embed.FS
