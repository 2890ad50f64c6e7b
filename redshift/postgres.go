package redshift

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Querier is the part of *pgx.Conn, pgx.Tx and *pgxpool.Pool the load uses.
type Querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// quoteIdent quotes a PostgreSQL identifier.
func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

func quoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// PostgresDDL renders the table for PostgreSQL in the given database schema
// (the table's own, atomic, when schema is empty). Redshift-only clauses
// (ENCODE, DISTSTYLE, DISTKEY, SORTKEY) are left out. Types, lengths, NOT
// NULL, the foreign key and the comment are kept: PostgreSQL has the same
// types, but its VARCHAR(n) and CHAR(n) count characters, not bytes.
func (t *Table) PostgresDDL(schema string) string {
	if schema == "" {
		schema = t.Schema
	}
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE SCHEMA IF NOT EXISTS %s;\n\n", quoteIdent(schema))
	fmt.Fprintf(&b, "CREATE TABLE %s.%s (\n", quoteIdent(schema), quoteIdent(t.Name))

	lines := make([]string, 0, len(t.Columns)+1)
	for _, c := range t.Columns {
		line := "    " + quoteIdent(c.Name) + " " + c.Type.String()
		if c.NotNull {
			line += " NOT NULL"
		}
		lines = append(lines, line)
	}
	if fk := t.ForeignKey; fk != nil {
		// The referenced table keeps its name and moves to the given schema.
		_, refName, _ := strings.Cut(fk.RefTable, ".")
		cols := make([]string, len(fk.Columns))
		for i, c := range fk.Columns {
			cols[i] = quoteIdent(c)
		}
		refs := make([]string, len(fk.RefColumns))
		for i, c := range fk.RefColumns {
			refs[i] = quoteIdent(c)
		}
		lines = append(lines, fmt.Sprintf("    FOREIGN KEY (%s) REFERENCES %s.%s (%s)",
			strings.Join(cols, ", "), quoteIdent(schema), quoteIdent(refName), strings.Join(refs, ", ")))
	}
	b.WriteString(strings.Join(lines, ",\n"))
	b.WriteString("\n);\n\n")

	if t.SchemaURI != "" {
		fmt.Fprintf(&b, "COMMENT ON TABLE %s.%s IS %s;\n", quoteIdent(schema), quoteIdent(t.Name), quoteLiteral(t.SchemaURI))
	}
	return b.String()
}

// PostgresEventsDDL creates the minimal events table the foreign key
// needs: event_id and collector_tstamp as in Snowplow's atomic.events
// (CHAR(36) and TIMESTAMP, NOT NULL). PostgreSQL requires the referenced
// column to be unique; Redshift declares it UNIQUE without enforcing it.
func PostgresEventsDDL(schema string) string {
	return fmt.Sprintf(`CREATE SCHEMA IF NOT EXISTS %[1]s;

CREATE TABLE IF NOT EXISTS %[1]s.events (
    event_id         CHAR(36)  NOT NULL UNIQUE,
    collector_tstamp TIMESTAMP NOT NULL
);
`, quoteIdent(schema))
}

// CreateInPostgres creates the events table and this table in schema.
func (t *Table) CreateInPostgres(ctx context.Context, db Querier, schema string) error {
	if _, err := db.Exec(ctx, PostgresEventsDDL(schema)); err != nil {
		return fmt.Errorf("create %s.events: %w", schema, err)
	}
	if _, err := db.Exec(ctx, t.PostgresDDL(schema)); err != nil {
		return fmt.Errorf("create %s.%s: %w", schema, t.Name, err)
	}
	return nil
}

// LoadPassThrough inserts a row the way a loader that passes values through
// does (COPY from JSON with the jsonpaths file): each column gets its
// Sources text and the server parses it for the column's type, so a
// TIMESTAMP column receives the event's occurredAt as written. The parent
// atomic.events row is inserted first when root_id is known.
func LoadPassThrough(ctx context.Context, db Querier, schema string, row Row) error {
	t := row.Table
	rootID, rootTstamp := row.source("root_id"), row.source("root_tstamp")
	if rootID != nil && rootTstamp != nil {
		_, err := db.Exec(ctx, fmt.Sprintf(
			"INSERT INTO %s.events (event_id, collector_tstamp) VALUES ($1, $2) ON CONFLICT (event_id) DO NOTHING",
			quoteIdent(schema)), *rootID, *rootTstamp)
		if err != nil {
			return fmt.Errorf("insert parent event %s: %w", *rootID, err)
		}
	}

	cols := make([]string, len(t.Columns))
	params := make([]string, len(t.Columns))
	args := make([]any, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = quoteIdent(c.Name)
		params[i] = fmt.Sprintf("$%d", i+1)
		// A Go string goes to pgx as text, so the server does the parsing,
		// as it does for COPY; nil is NULL.
		if v := row.Sources[i]; v != nil {
			args[i] = *v
		}
	}
	_, err := db.Exec(ctx, fmt.Sprintf("INSERT INTO %s.%s (%s) VALUES (%s)",
		quoteIdent(schema), quoteIdent(t.Name), strings.Join(cols, ", "), strings.Join(params, ", ")), args...)
	if err != nil {
		return fmt.Errorf("insert into %s.%s: %w", schema, t.Name, err)
	}
	return nil
}

// ReadBack returns the stored row whose root_id is rootID, each column cast
// to text, in column order. With DateStyle ISO (the connection's setting)
// a TIMESTAMP reads as 2022-01-20 10:52:30, the form Row.Values uses.
func ReadBack(ctx context.Context, db Querier, schema string, t *Table, rootID string) ([]*string, error) {
	cols := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = quoteIdent(c.Name) + "::text"
	}
	values := make([]*string, len(t.Columns))
	dest := make([]any, len(t.Columns))
	for i := range values {
		dest[i] = &values[i]
	}
	err := db.QueryRow(ctx, fmt.Sprintf("SELECT %s FROM %s.%s WHERE root_id = $1",
		strings.Join(cols, ", "), quoteIdent(schema), quoteIdent(t.Name)), rootID).Scan(dest...)
	if err != nil {
		return nil, fmt.Errorf("read back %s.%s row %s: %w", schema, t.Name, rootID, err)
	}
	return values, nil
}

// source returns the Sources value of a column by name.
func (r Row) source(name string) *string {
	for i, c := range r.Table.Columns {
		if c.Name == name {
			return r.Sources[i]
		}
	}
	return nil
}
