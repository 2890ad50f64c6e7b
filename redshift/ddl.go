// Package redshift models the Redshift table a Snowplow loader fills with
// shredded StatusGator events. It reads the table definition igluctl
// generates and shreds an event into its row following the jsonpaths file.
// It checks the row against the table, translates the table to PostgreSQL,
// and derives the expected table from the Iglu schema with schema-ddl's rules.
package redshift

import (
	"fmt"
	"strconv"
	"strings"
)

// Table is the model of one shredded-event table definition.
type Table struct {
	// Schema is the database schema, "atomic" for Snowplow tables.
	Schema string
	// Name is the table name, e.g. com_statusgator_status_change_1.
	Name string
	// Columns are in table order.
	Columns []Column
	// ForeignKey is the FOREIGN KEY table constraint; nil when absent.
	ForeignKey *ForeignKey
	// DistStyle, DistKey and SortKey are the Redshift table attributes.
	DistStyle string
	DistKey   string
	SortKey   []string
	// SchemaURI is the Iglu URI stored as the table comment, e.g.
	// iglu:com.statusgator/status_change/jsonschema/1-0-0.
	SchemaURI string
	// JSONPaths lists one jsonpath per column, in column order; empty until
	// AttachJSONPaths is called.
	JSONPaths []string
	// Lines are the DDL lines of the table-level parts, keyed "table" (the
	// CREATE TABLE), "comment", "DISTSTYLE", "DISTKEY", "SORTKEY" and
	// "FOREIGN KEY"; a part the DDL lacks has no entry. Nil for a derived table.
	Lines map[string]int

	// splitPaths and key are JSONPaths and SchemaURI parsed once by
	// AttachJSONPaths, so that Shred does no parsing per event.
	splitPaths [][]string
	key        SchemaKey
}

// Column is one column definition.
type Column struct {
	Name string
	Type ColumnType
	// Encoding is the ENCODE compression, e.g. ZSTD; empty when not given.
	Encoding string
	NotNull  bool
	// Line is the DDL line the column is defined on.
	Line int
}

// ColumnType is a Redshift data type: Name in upper case (VARCHAR, CHAR,
// TIMESTAMP, DOUBLE PRECISION, ...) and, for the types that take them,
// Length (VARCHAR, CHAR, DECIMAL precision) and Scale (DECIMAL).
type ColumnType struct {
	Name   string
	Length int
	Scale  int
}

// String renders the type as schema-ddl writes it, e.g. VARCHAR(128).
func (t ColumnType) String() string {
	switch t.Name {
	case "VARCHAR", "CHAR":
		return fmt.Sprintf("%s(%d)", t.Name, t.Length)
	case "DECIMAL":
		if t.Length > 0 {
			return fmt.Sprintf("DECIMAL(%d,%d)", t.Length, t.Scale)
		}
	}
	return t.Name
}

// ForeignKey is a FOREIGN KEY (columns) REFERENCES table(columns) constraint.
type ForeignKey struct {
	Columns    []string
	RefTable   string
	RefColumns []string
}

// Column returns the column with the given name, or false.
func (t *Table) Column(name string) (Column, bool) {
	for _, c := range t.Columns {
		if c.Name == name {
			return c, true
		}
	}
	return Column{}, false
}

// QualifiedName returns schema.name.
func (t *Table) QualifiedName() string { return t.Schema + "." + t.Name }

// ParseDDL reads a Redshift table definition in the layout igluctl (0.2.0
// and later) and schema-ddl generate. That is an optional CREATE SCHEMA and
// one CREATE TABLE with quoted column names, ENCODE and NOT NULL per column,
// a FOREIGN KEY constraint and DISTSTYLE/DISTKEY/SORTKEY attributes. A
// COMMENT ON TABLE holds the Iglu URI.
//
// No maintained Go SQL parser reads this: pganalyze/pg_query_go v6.2.5 (the
// PostgreSQL parser) fails with `syntax error at or near "ENCODE"` and at
// DISTSTYLE, and xwb1989/sqlparser parses MySQL. So this is a parser for
// igluctl's output only, and anything else is an error naming the line.
func ParseDDL(src string) (*Table, error) {
	tokens, err := lex(src)
	if err != nil {
		return nil, ddlError(err)
	}
	p := &ddlParser{tokens: tokens}
	t, err := p.parse()
	if err != nil {
		return nil, ddlError(err)
	}
	return t, nil
}

func ddlError(err error) error {
	return fmt.Errorf("%w (sgkit reads only the CREATE TABLE layout that igluctl and schema-ddl generate)", err)
}

type ddlParser struct {
	tokens []token
	pos    int
}

func (p *ddlParser) peek() token { return p.tokens[p.pos] }

func (p *ddlParser) next() token {
	t := p.tokens[p.pos]
	if t.kind != tokEOF {
		p.pos++
	}
	return t
}

// isWord reports whether the next token is the keyword kw, case-insensitively.
func (p *ddlParser) isWord(kw string) bool {
	t := p.peek()
	return t.kind == tokWord && strings.EqualFold(t.text, kw)
}

func (p *ddlParser) isPunct(s string) bool {
	t := p.peek()
	return t.kind == tokPunct && t.text == s
}

func (p *ddlParser) unexpected(what string) error {
	t := p.peek()
	return fmt.Errorf("line %d: expected %s, found %s", t.line, what, t)
}

// expectWords consumes a sequence of keywords.
func (p *ddlParser) expectWords(kws ...string) error {
	for _, kw := range kws {
		if !p.isWord(kw) {
			return p.unexpected(kw)
		}
		p.next()
	}
	return nil
}

func (p *ddlParser) expectPunct(s string) error {
	if !p.isPunct(s) {
		return p.unexpected(fmt.Sprintf("%q", s))
	}
	p.next()
	return nil
}

// identifier consumes a plain or double-quoted identifier.
func (p *ddlParser) identifier(what string) (string, error) {
	t := p.peek()
	if t.kind != tokWord && t.kind != tokQuoted {
		return "", p.unexpected(what)
	}
	p.next()
	return t.text, nil
}

// qualifiedName consumes schema.name.
func (p *ddlParser) qualifiedName(what string) (string, string, error) {
	schema, err := p.identifier(what)
	if err != nil {
		return "", "", err
	}
	if err := p.expectPunct("."); err != nil {
		return "", "", fmt.Errorf("%w: the table name must be schema-qualified, e.g. atomic.events", err)
	}
	name, err := p.identifier(what)
	return schema, name, err
}

func (p *ddlParser) number(what string) (int, error) {
	t := p.peek()
	if t.kind != tokNumber {
		return 0, p.unexpected(what)
	}
	p.next()
	n, err := strconv.Atoi(t.text)
	if err != nil {
		return 0, fmt.Errorf("line %d: %s %q out of range", t.line, what, t.text)
	}
	return n, nil
}

// identifierList consumes "(a, b, ...)".
func (p *ddlParser) identifierList(what string) ([]string, error) {
	if err := p.expectPunct("("); err != nil {
		return nil, err
	}
	var names []string
	for {
		name, err := p.identifier(what)
		if err != nil {
			return nil, err
		}
		names = append(names, name)
		if p.isPunct(",") {
			p.next()
			continue
		}
		return names, p.expectPunct(")")
	}
}

func (p *ddlParser) parse() (*Table, error) {
	var table *Table
	for p.peek().kind != tokEOF {
		switch {
		case p.isWord("CREATE") && p.tokens[p.pos+1].kind == tokWord &&
			strings.EqualFold(p.tokens[p.pos+1].text, "SCHEMA"):
			if err := p.createSchema(); err != nil {
				return nil, err
			}
		case p.isWord("CREATE"):
			if table != nil {
				return nil, fmt.Errorf("line %d: a second CREATE TABLE; one file defines one table", p.peek().line)
			}
			t, err := p.createTable()
			if err != nil {
				return nil, err
			}
			table = t
		case p.isWord("COMMENT"):
			if table == nil {
				return nil, fmt.Errorf("line %d: COMMENT ON TABLE before CREATE TABLE", p.peek().line)
			}
			if err := p.commentOn(table); err != nil {
				return nil, err
			}
		default:
			return nil, p.unexpected("CREATE SCHEMA, CREATE TABLE or COMMENT ON TABLE")
		}
	}

	if table == nil {
		return nil, fmt.Errorf("line %d: no CREATE TABLE statement found", p.peek().line)
	}
	return table, nil
}

func (p *ddlParser) createSchema() error {
	if err := p.expectWords("CREATE", "SCHEMA"); err != nil {
		return err
	}
	if p.isWord("IF") {
		if err := p.expectWords("IF", "NOT", "EXISTS"); err != nil {
			return err
		}
	}
	if _, err := p.identifier("schema name"); err != nil {
		return err
	}
	return p.expectPunct(";")
}

func (p *ddlParser) createTable() (*Table, error) {
	createLine := p.peek().line
	if err := p.expectWords("CREATE", "TABLE"); err != nil {
		return nil, err
	}
	if p.isWord("IF") {
		if err := p.expectWords("IF", "NOT", "EXISTS"); err != nil {
			return nil, err
		}
	}
	schema, name, err := p.qualifiedName("table name")
	if err != nil {
		return nil, err
	}
	t := &Table{Schema: schema, Name: name, Lines: map[string]int{"table": createLine}}

	if err := p.expectPunct("("); err != nil {
		return nil, err
	}
	for {
		if p.isWord("FOREIGN") {
			t.Lines["FOREIGN KEY"] = p.peek().line
			fk, err := p.foreignKey()
			if err != nil {
				return nil, err
			}
			t.ForeignKey = fk
		} else {
			c, err := p.column()
			if err != nil {
				return nil, err
			}
			if _, dup := t.Column(c.Name); dup {
				return nil, fmt.Errorf("line %d: column %q defined twice", c.Line, c.Name)
			}
			t.Columns = append(t.Columns, c)
		}
		if p.isPunct(",") {
			p.next()
			continue
		}
		if err := p.expectPunct(")"); err != nil {
			return nil, fmt.Errorf("%w after a column definition", err)
		}
		break
	}

	if err := p.tableAttributes(t); err != nil {
		return nil, err
	}
	return t, p.expectPunct(";")
}

// column reads `"name" TYPE [ENCODE X] [NOT NULL]`; igluctl writes the
// attribute before the constraint, and both orders are valid Redshift.
func (p *ddlParser) column() (Column, error) {
	line := p.peek().line
	name, err := p.identifier("column name or FOREIGN KEY")
	if err != nil {
		return Column{}, err
	}
	typ, err := p.columnType()
	if err != nil {
		return Column{}, err
	}
	c := Column{Name: name, Type: typ, Line: line}

	for {
		switch {
		case p.isWord("ENCODE"):
			p.next()
			enc, err := p.identifier("compression encoding")
			if err != nil {
				return Column{}, err
			}
			c.Encoding = strings.ToUpper(enc)
		case p.isWord("NOT"):
			if err := p.expectWords("NOT", "NULL"); err != nil {
				return Column{}, err
			}
			c.NotNull = true
		case p.isWord("NULL"):
			p.next()
		default:
			return c, nil
		}
	}
}

// columnType reads the Redshift types schema-ddl's ColumnType can produce.
func (p *ddlParser) columnType() (ColumnType, error) {
	t := p.peek()
	if t.kind != tokWord {
		return ColumnType{}, p.unexpected("data type")
	}
	p.next()
	name := strings.ToUpper(t.text)

	switch name {
	case "VARCHAR", "CHAR", "CHARACTER":
		if name == "CHARACTER" {
			name = "CHAR"
			if p.isWord("VARYING") {
				p.next()
				name = "VARCHAR"
			}
		}
		if err := p.expectPunct("("); err != nil {
			return ColumnType{}, fmt.Errorf("%w: %s needs a length", err, name)
		}
		n, err := p.number("length")
		if err != nil {
			return ColumnType{}, err
		}
		return ColumnType{Name: name, Length: n}, p.expectPunct(")")
	case "DECIMAL", "NUMERIC":
		typ := ColumnType{Name: "DECIMAL"}
		if !p.isPunct("(") {
			return typ, nil
		}
		p.next()
		var err error
		if typ.Length, err = p.number("precision"); err != nil {
			return ColumnType{}, err
		}
		if p.isPunct(",") {
			p.next()
			if typ.Scale, err = p.number("scale"); err != nil {
				return ColumnType{}, err
			}
		}
		return typ, p.expectPunct(")")
	case "DOUBLE":
		if err := p.expectWords("PRECISION"); err != nil {
			return ColumnType{}, err
		}
		return ColumnType{Name: "DOUBLE PRECISION"}, nil
	case "INTEGER":
		return ColumnType{Name: "INT"}, nil
	case "TIMESTAMP", "DATE", "SMALLINT", "INT", "BIGINT", "BOOLEAN", "REAL":
		return ColumnType{Name: name}, nil
	}
	return ColumnType{}, fmt.Errorf("line %d: unsupported data type %s", t.line, t.text)
}

func (p *ddlParser) foreignKey() (*ForeignKey, error) {
	if err := p.expectWords("FOREIGN", "KEY"); err != nil {
		return nil, err
	}
	cols, err := p.identifierList("column name")
	if err != nil {
		return nil, err
	}
	if err := p.expectWords("REFERENCES"); err != nil {
		return nil, err
	}
	schema, name, err := p.qualifiedName("referenced table")
	if err != nil {
		return nil, err
	}
	refCols, err := p.identifierList("referenced column")
	if err != nil {
		return nil, err
	}
	return &ForeignKey{Columns: cols, RefTable: schema + "." + name, RefColumns: refCols}, nil
}

// tableAttributes reads DISTSTYLE, DISTKEY and SORTKEY in any order.
func (p *ddlParser) tableAttributes(t *Table) error {
	for {
		switch {
		case p.isWord("DISTSTYLE"):
			t.Lines["DISTSTYLE"] = p.next().line
			style, err := p.identifier("distribution style")
			if err != nil {
				return err
			}
			t.DistStyle = strings.ToUpper(style)
		case p.isWord("DISTKEY"):
			t.Lines["DISTKEY"] = p.next().line
			keys, err := p.identifierList("distribution key column")
			if err != nil {
				return err
			}
			if len(keys) != 1 {
				return fmt.Errorf("line %d: DISTKEY takes one column, found %d", p.peek().line, len(keys))
			}
			t.DistKey = keys[0]
		case p.isWord("COMPOUND") || p.isWord("SORTKEY"):
			t.Lines["SORTKEY"] = p.peek().line
			if p.isWord("COMPOUND") {
				p.next()
			}
			if err := p.expectWords("SORTKEY"); err != nil {
				return err
			}
			keys, err := p.identifierList("sort key column")
			if err != nil {
				return err
			}
			t.SortKey = keys
		default:
			return nil
		}
	}
}

func (p *ddlParser) commentOn(t *Table) error {
	if err := p.expectWords("COMMENT", "ON", "TABLE"); err != nil {
		return err
	}
	line := p.peek().line
	schema, name, err := p.qualifiedName("table name")
	if err != nil {
		return err
	}
	if schema != t.Schema || name != t.Name {
		return fmt.Errorf("line %d: COMMENT ON TABLE %s.%s names another table than %s",
			line, schema, name, t.QualifiedName())
	}
	if err := p.expectWords("IS"); err != nil {
		return err
	}
	lit := p.peek()
	if lit.kind != tokString {
		return p.unexpected("the Iglu URI as a string literal")
	}
	p.next()
	if _, err := ParseSchemaURI(lit.text); err != nil {
		return fmt.Errorf("line %d: table comment: %w", lit.line, err)
	}
	t.SchemaURI = lit.text
	t.Lines["comment"] = lit.line
	return p.expectPunct(";")
}
