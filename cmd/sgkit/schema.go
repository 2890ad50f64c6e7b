package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"reflect"
	"sort"
	"strings"

	"github.com/sgkit/sgkit/iglu"
	"github.com/sgkit/sgkit/redshift"
	"github.com/sgkit/sgkit/schemas"
	sgsql "github.com/sgkit/sgkit/sql"
)

const statusChangeSchemaPath = "com.statusgator/status_change/jsonschema/1-0-0"

func runSchema(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "check" {
		help := len(args) > 0 && (args[0] == "-h" || args[0] == "--help")
		switch {
		case len(args) == 0:
			fmt.Fprintln(stderr, "sgkit schema: no subcommand given; the only one is check")
		case !help:
			fmt.Fprintf(stderr, "sgkit schema: unknown subcommand %q; the only one is check\n", args[0])
		}
		fmt.Fprintln(stderr, "usage: sgkit schema check [--schema FILE] [--ddl FILE] [--jsonpaths FILE] [--registry URL [--api-key KEY]]")
		if help {
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
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "sgkit schema check: unexpected argument %q; files are given with --schema, --ddl and --jsonpaths\n", fs.Arg(0))
		return exitUsage
	}
	if *registry != "" {
		// sgkit appends /schemas/... (or /api/schemas/...) to the URL, so a
		// query or fragment would end up inside the path: ?x=1/schemas/...
		if u, err := url.Parse(*registry); err == nil && (u.RawQuery != "" || u.ForceQuery || u.Fragment != "") {
			fmt.Fprintf(stderr, "sgkit schema check: --registry %q has a query or fragment; give the registry's "+
				"root URL without them, e.g. %s (sgkit adds /schemas/... itself)\n", *registry, rootOnly(u))
			return exitUsage
		}
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

	registryFailed := false
	if *registry != "" {
		ok, code := compareRegistry(*registry, *apiKey, derived.SchemaURI, schema.data, stdout, stderr)
		if code != exitOK {
			return code
		}
		registryFailed = !ok
	}

	switch {
	case failed && registryFailed:
		fmt.Fprintln(stdout, "\nFAIL: schema, DDL and jsonpaths disagree, and the registry's copy is not the local schema; fix what is named above")
	case failed:
		fmt.Fprintln(stdout, "\nFAIL: schema, DDL and jsonpaths disagree; fix what is named above")
	case registryFailed:
		fmt.Fprintf(stdout, "\nFAIL: the local schema, DDL and jsonpaths agree on %d columns, but the registry's copy "+
			"is not the local schema; see the registry lines above\n", len(table.Columns))
	default:
		fmt.Fprintf(stdout, "\nOK: schema, DDL and jsonpaths agree on %d columns\n", len(table.Columns))
		return exitOK
	}
	return exitFail
}

// compareRegistry fetches the registry's copy of the schema and compares it
// with the local one as JSON values, so formatting does not count. It
// returns whether they are equal and, when the comparison could not be
// made, exitUsage. A schema the registry responds 404 for is a failed check
// (exit 1), not an unreachable registry: the registry answered, and the
// schema is not published there.
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

	remote, location, err := repo.Lookup(context.Background(), key)
	switch {
	case errors.Is(err, iglu.ErrNotFound):
		fmt.Fprintf(stdout, "\nregistry   %s: HTTP 404, %s is not published there; publish it, or check that "+
			"--registry is the registry's root URL (sgkit adds %s itself)\n", location, uri, registryPathPrefix(repo))
		return false, exitOK
	case err != nil:
		fmt.Fprintf(stderr, "sgkit schema check: --registry %s: cannot fetch %s: %v; check that the registry "+
			"runs and that the URL is its root\n", baseURL, location, err)
		return false, exitUsage
	}

	var remoteValue any
	if err := json.NewDecoder(bytes.NewReader(remote)).Decode(&remoteValue); err != nil {
		what := "not JSON"
		if t := bytes.TrimSpace(remote); len(t) > 0 && t[0] == '<' {
			what = "an HTML or XML page, not a JSON schema"
		}
		fmt.Fprintf(stderr, "sgkit schema check: --registry %s: %s responded with %s (%v); check that "+
			"--registry is the registry's root URL (sgkit adds %s itself)\n", baseURL, location, what, err, registryPathPrefix(repo))
		return false, exitUsage
	}
	var localValue any
	if err := json.NewDecoder(bytes.NewReader(local)).Decode(&localValue); err != nil {
		fmt.Fprintf(stderr, "sgkit schema check: the local schema is not JSON: %v\n", err)
		return false, exitUsage
	}

	diffs := jsonDiff("", localValue, remoteValue, nil)
	if len(diffs) > 0 {
		places := "places"
		if len(diffs) == 1 {
			places = "place"
		}
		fmt.Fprintf(stdout, "\nregistry   %s differs from the local schema in %d %s "+
			"(JSON pointer: local, registry):\n", location, len(diffs), places)
		for _, d := range diffs {
			fmt.Fprintf(stdout, "  %s\n", d)
		}
		fmt.Fprintln(stdout, "  A published Iglu schema version must not change: publish the local one as a new "+
			"version, or make the local copy match the registry's")
		return false, exitOK
	}
	fmt.Fprintf(stdout, "registry   %s equals the local schema\n", location)
	return true, exitOK
}

// registryPathPrefix is the path the repository puts after its base URL.
func registryPathPrefix(repo *iglu.HTTPRepository) string {
	if repo.APIKey != "" {
		return "/api/schemas/..."
	}
	return "/schemas/..."
}

// jsonDiff appends one line per place where local and remote differ, named
// by JSON pointer (RFC 6901), e.g. /properties/serviceName/maxLength:
// local 128, registry 255. Object keys are visited in sorted order.
func jsonDiff(pointer string, local, remote any, out []string) []string {
	where := pointer
	if where == "" {
		where = "/"
	}
	switch l := local.(type) {
	case map[string]any:
		r, ok := remote.(map[string]any)
		if !ok {
			break
		}
		keys := make([]string, 0, len(l)+len(r))
		for k := range l {
			keys = append(keys, k)
		}
		for k := range r {
			if _, ok := l[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			child := pointer + "/" + strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
			lv, lok := l[k]
			rv, rok := r[k]
			switch {
			case !rok:
				out = append(out, fmt.Sprintf("%s: local %s, registry (absent)", child, jsonText(lv)))
			case !lok:
				out = append(out, fmt.Sprintf("%s: local (absent), registry %s", child, jsonText(rv)))
			default:
				out = jsonDiff(child, lv, rv, out)
			}
		}
		return out
	case []any:
		r, ok := remote.([]any)
		if !ok || len(r) != len(l) {
			break
		}
		for i := range l {
			out = jsonDiff(fmt.Sprintf("%s/%d", pointer, i), l[i], r[i], out)
		}
		return out
	default:
		if reflect.DeepEqual(local, remote) {
			return out
		}
	}
	return append(out, fmt.Sprintf("%s: local %s, registry %s", where, jsonText(local), jsonText(remote)))
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if len(b) > 120 {
		return string(b[:117]) + "..."
	}
	return string(b)
}

// rootOnly is u without its query and fragment.
func rootOnly(u *url.URL) string {
	c := *u
	c.RawQuery, c.ForceQuery, c.Fragment, c.RawFragment = "", false, "", ""
	return c.String()
}
