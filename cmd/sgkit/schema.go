package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"reflect"

	"github.com/sgkit/sgkit/iglu"
	"github.com/sgkit/sgkit/redshift"
	"github.com/sgkit/sgkit/schemas"
	sgsql "github.com/sgkit/sgkit/sql"
)

const statusChangeSchemaPath = "com.statusgator/status_change/jsonschema/1-0-0"

func runSchema(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "check" {
		fmt.Fprintln(stderr, "usage: sgkit schema check [--schema FILE] [--ddl FILE] [--jsonpaths FILE] [--registry URL [--api-key KEY]]")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return exitOK
		}
		return exitUsage
	}
	return runSchemaCheck(args[1:], stdout, stderr)
}

// schemaInput is one file the check reads: from a flag's path or embedded.
type schemaInput struct {
	label string
	data  []byte
}

func readInput(path string, embedded func() ([]byte, error), embeddedName string) (schemaInput, error) {
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return schemaInput{}, err
		}
		return schemaInput{label: path, data: b}, nil
	}
	b, err := embedded()
	return schemaInput{label: embeddedName + " (embedded)", data: b}, err
}

func runSchemaCheck(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sgkit schema check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	schemaPath := fs.String("schema", "", "JSON schema file to check instead of the embedded status_change 1-0-0")
	ddlPath := fs.String("ddl", "", "Redshift DDL file to check instead of the embedded status_change_1.sql")
	jsonPathsPath := fs.String("jsonpaths", "", "jsonpaths file to check instead of the embedded status_change_1.json")
	registry := fs.String("registry", "", "base URL of an Iglu registry whose copy of the schema must equal the local one; "+
		"a static repository, or an Iglu Server with an API key")
	apiKey := fs.String("api-key", "", apiKeyUsage)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: sgkit schema check [flags]")
		fmt.Fprintln(stderr, "\nChecks that the Iglu schema, the Redshift DDL and the jsonpaths agree as schema-ddl")
		fmt.Fprintln(stderr, "derives them. Exit 0: they agree (encoding-only differences are listed); 1: a real")
		fmt.Fprintln(stderr, "difference, named by column; 2: bad flags or unreadable input.")
		fmt.Fprintln(stderr, "\nflags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "sgkit schema check: unexpected argument %q; files are given with --schema, --ddl and --jsonpaths\n", fs.Arg(0))
		return exitUsage
	}
	if *apiKey != "" && *registry == "" {
		fmt.Fprintln(stderr, "sgkit schema check: --api-key needs --registry URL; give the Iglu Server's URL")
		return exitUsage
	}

	schema, err := readInput(*schemaPath, func() ([]byte, error) { return schemas.FS.ReadFile(statusChangeSchemaPath) }, "schemas/"+statusChangeSchemaPath)
	if err != nil {
		fmt.Fprintf(stderr, "sgkit schema check: cannot read --schema: %v\n", err)
		return exitUsage
	}
	ddl, err := readInput(*ddlPath, func() ([]byte, error) { return sgsql.FS.ReadFile(sgsql.StatusChangeDDL) }, "sql/"+sgsql.StatusChangeDDL)
	if err != nil {
		fmt.Fprintf(stderr, "sgkit schema check: cannot read --ddl: %v\n", err)
		return exitUsage
	}
	jsonPaths, err := readInput(*jsonPathsPath, func() ([]byte, error) { return sgsql.FS.ReadFile(sgsql.StatusChangeJSONPaths) }, "sql/"+sgsql.StatusChangeJSONPaths)
	if err != nil {
		fmt.Fprintf(stderr, "sgkit schema check: cannot read --jsonpaths: %v\n", err)
		return exitUsage
	}

	derived, err := redshift.DeriveTable(schema.data)
	if err != nil {
		fmt.Fprintf(stderr, "sgkit schema check: %s: %v\n", schema.label, err)
		return exitUsage
	}
	table, err := redshift.ParseDDL(string(ddl.data))
	if err != nil {
		fmt.Fprintf(stderr, "sgkit schema check: %s: %v\n", ddl.label, err)
		return exitUsage
	}
	paths, err := redshift.ParseJSONPaths(jsonPaths.data)
	if err != nil {
		fmt.Fprintf(stderr, "sgkit schema check: %s: %v\n", jsonPaths.label, err)
		return exitUsage
	}
	// A count mismatch is a real difference that Compare names per entry,
	// so the paths are set directly instead of through AttachJSONPaths.
	table.JSONPaths = paths

	fmt.Fprintf(stdout, "schema     %s from %s\n", derived.SchemaURI, schema.label)
	fmt.Fprintf(stdout, "ddl        %s\n", ddl.label)
	fmt.Fprintf(stdout, "jsonpaths  %s\n", jsonPaths.label)

	report := redshift.Compare(derived, table)
	if enc := report.EncodingOnly(); len(enc) > 0 {
		fmt.Fprintf(stdout, "\nencoding-only differences (%d, not failing: the data loads the same):\n", len(enc))
		for _, d := range enc {
			fmt.Fprintf(stdout, "  %s\n", d)
		}
	}
	failed := false
	if real := report.Real(); len(real) > 0 {
		failed = true
		fmt.Fprintf(stdout, "\nreal differences (%d):\n", len(real))
		for _, d := range real {
			fmt.Fprintf(stdout, "  %s\n", d)
		}
	}

	if *registry != "" {
		ok, code := compareRegistry(*registry, *apiKey, derived.SchemaURI, schema.data, stdout, stderr)
		if code != exitOK {
			return code
		}
		failed = failed || !ok
	}

	if failed {
		fmt.Fprintln(stdout, "\nFAIL: schema, DDL and jsonpaths disagree; fix the lines named above")
		return exitFail
	}
	fmt.Fprintf(stdout, "\nOK: schema, DDL and jsonpaths agree on %d columns\n", len(table.Columns))
	return exitOK
}

// compareRegistry fetches the registry's copy of the schema and compares it
// with the local one as JSON values, so formatting does not count.
func compareRegistry(baseURL, apiKey, uri string, local []byte, stdout, stderr io.Writer) (bool, int) {
	key, err := iglu.ParseURI(uri)
	if err != nil {
		fmt.Fprintf(stderr, "sgkit schema check: %v\n", err)
		return false, exitUsage
	}
	repo, err := igluRegistry(baseURL, apiKey)
	if err != nil {
		fmt.Fprintf(stderr, "sgkit schema check: %v\n", err)
		return false, exitUsage
	}

	remote, err := iglu.NewResolver(repo).Resolve(context.Background(), key)
	var resErr *iglu.ResolutionError
	switch {
	case errors.As(err, &resErr) && resErr.NotFound():
		fmt.Fprintf(stdout, "\nregistry   %s: %s is not published there\n", repo.URL(key), uri)
		return false, exitOK
	case err != nil:
		fmt.Fprintf(stderr, "sgkit schema check: --registry %s: %v\n", baseURL, err)
		return false, exitUsage
	}

	same, err := sameJSON(local, remote)
	if err != nil {
		fmt.Fprintf(stderr, "sgkit schema check: registry copy at %s: %v\n", repo.URL(key), err)
		return false, exitFail
	}
	if !same {
		fmt.Fprintf(stdout, "\nregistry   %s differs from the local schema\n", repo.URL(key))
		return false, exitOK
	}
	fmt.Fprintf(stdout, "registry   %s equals the local schema\n", repo.URL(key))
	return true, exitOK
}

func sameJSON(a, b []byte) (bool, error) {
	var va, vb any
	if err := json.NewDecoder(bytes.NewReader(a)).Decode(&va); err != nil {
		return false, fmt.Errorf("local schema is not JSON: %w", err)
	}
	if err := json.NewDecoder(bytes.NewReader(b)).Decode(&vb); err != nil {
		return false, fmt.Errorf("not JSON: %w", err)
	}
	return reflect.DeepEqual(va, vb), nil
}
