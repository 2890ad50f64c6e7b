// Package sql embeds the Redshift table definitions and jsonpaths files a
// Snowplow loader uses for the shredded StatusGator events, laid out as in
// snowplow/iglu-central: sql/{vendor}/{name}_{model}.sql and
// jsonpaths/{vendor}/{name}_{model}.json (here both under one folder).
package sql

import "embed"

// FS holds the DDL and jsonpaths files by vendor folder.
//
//go:embed com.statusgator/*.sql com.statusgator/*.json
var FS embed.FS

// Paths of the shipped status_change files inside FS.
const (
	StatusChangeDDL       = "com.statusgator/status_change_1.sql"
	StatusChangeJSONPaths = "com.statusgator/status_change_1.json"
)
