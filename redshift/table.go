package redshift

import (
	"fmt"
	"sync"

	sgsql "github.com/sgkit/sgkit/sql"
)

var statusChange = sync.OnceValues(func() (*Table, error) {
	return LoadTable(string(mustRead(sgsql.StatusChangeDDL)), mustRead(sgsql.StatusChangeJSONPaths))
})

func mustRead(name string) []byte {
	b, err := sgsql.FS.ReadFile(name)
	if err != nil {
		panic(fmt.Sprintf("embedded file %s missing from package sql: %v", name, err))
	}
	return b
}

// StatusChangeTable returns the model of the shipped
// atomic.com_statusgator_status_change_1 definition with its jsonpaths.
// It panics when the embedded files do not parse, which the package's
// tests rule out; callers must not modify the returned table.
func StatusChangeTable() *Table {
	t, err := statusChange()
	if err != nil {
		panic(fmt.Sprintf("embedded %s: %v", sgsql.StatusChangeDDL, err))
	}
	return t
}

// LoadTable parses a DDL file and its jsonpaths file into one table model.
func LoadTable(ddl string, jsonPaths []byte) (*Table, error) {
	t, err := ParseDDL(ddl)
	if err != nil {
		return nil, err
	}
	paths, err := ParseJSONPaths(jsonPaths)
	if err != nil {
		return nil, err
	}
	if err := t.AttachJSONPaths(paths); err != nil {
		return nil, err
	}
	return t, nil
}
