package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sgkit/sgkit/schemas"
	sgsql "github.com/sgkit/sgkit/sql"
)

// runCheck runs sgkit schema check with args and returns exit code and output.
func runCheck(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := dispatch(append([]string{"schema", "check"}, args...), strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// writeSchemaCopy writes the embedded status_change schema, changed by
// mutate, to a temporary file and returns its path.
func writeSchemaCopy(mutate func(schema map[string]any)) string {
	raw, err := schemas.FS.ReadFile(statusChangeSchemaPath)
	Expect(err).NotTo(HaveOccurred())
	var schema map[string]any
	Expect(json.Unmarshal(raw, &schema)).To(Succeed())
	mutate(schema)
	out, err := json.Marshal(schema)
	Expect(err).NotTo(HaveOccurred())
	path := filepath.Join(GinkgoT().TempDir(), "schema.json")
	Expect(os.WriteFile(path, out, 0o644)).To(Succeed())
	return path
}

func writeFile(name, content string) string {
	path := filepath.Join(GinkgoT().TempDir(), name)
	Expect(os.WriteFile(path, []byte(content), 0o644)).To(Succeed())
	return path
}

func shippedFile(name string) string {
	b, err := sgsql.FS.ReadFile(name)
	Expect(err).NotTo(HaveOccurred())
	return string(b)
}

var _ = Describe("sgkit schema check", func() {
	It("passes on the shipped files, listing encoding-only differences", func() {
		code, out, _ := runCheck()
		Expect(code).To(Equal(exitOK))
		Expect(out).To(ContainSubstring("encoding-only differences (15, not failing"))
		Expect(out).To(ContainSubstring("OK: schema, DDL and jsonpaths agree on 16 columns"))
	})

	It("fails naming the column when a maxLength changes", func() {
		schema := writeSchemaCopy(func(s map[string]any) {
			s["properties"].(map[string]any)["currentStatus"].(map[string]any)["maxLength"] = 64
		})
		code, out, _ := runCheck("--schema", schema)
		Expect(code).To(Equal(exitFail))
		Expect(out).To(ContainSubstring("column current_status: type differs: schema-ddl derives VARCHAR(64), found VARCHAR(128)"))
	})

	It("fails naming the column when a property is added", func() {
		schema := writeSchemaCopy(func(s map[string]any) {
			s["properties"].(map[string]any)["slug"] = map[string]any{"type": "string", "maxLength": 64}
		})
		code, out, _ := runCheck("--schema", schema)
		Expect(code).To(Equal(exitFail))
		Expect(out).To(ContainSubstring("column slug: missing from the DDL: schema-ddl derives VARCHAR(64) NULL at position 16"))
	})

	It("fails naming the column when a property is removed", func() {
		schema := writeSchemaCopy(func(s map[string]any) {
			delete(s["properties"].(map[string]any), "homePageUrl")
		})
		code, out, _ := runCheck("--schema", schema)
		Expect(code).To(Equal(exitFail))
		Expect(out).To(ContainSubstring("column home_page_url: not derived from the schema: the DDL has VARCHAR(8192) NULL (line "))
	})

	It("passes when only an ENCODE changes", func() {
		ddl := strings.Replace(shippedFile(sgsql.StatusChangeDDL), "VARCHAR(8192) ENCODE LZO", "VARCHAR(8192) ENCODE ZSTD", 1)
		code, out, _ := runCheck("--ddl", writeFile("t.sql", ddl))
		Expect(code).To(Equal(exitOK))
		Expect(out).To(ContainSubstring("encoding-only differences (14, not failing"))
	})

	It("fails naming the column when the jsonpaths order differs", func() {
		paths := strings.Replace(shippedFile(sgsql.StatusChangeJSONPaths), `"$.data.currentStatus"`, `"$.data.lastStatus"`, 1)
		code, out, _ := runCheck("--jsonpaths", writeFile("p.json", paths))
		Expect(code).To(Equal(exitFail))
		Expect(out).To(ContainSubstring("column current_status: jsonpath differs"))
	})

	It("exits 2 on DDL it cannot read, naming the line", func() {
		code, _, errOut := runCheck("--ddl", writeFile("t.sql", "CREATE TABLE a.b (\n\"x\" JSONB\n);"))
		Expect(code).To(Equal(exitUsage))
		Expect(errOut).To(ContainSubstring("line 2: unsupported data type JSONB"))
	})

	It("exits 2 on a missing file", func() {
		code, _, errOut := runCheck("--schema", "/nonexistent/schema.json")
		Expect(code).To(Equal(exitUsage))
		Expect(errOut).To(ContainSubstring("cannot read --schema"))
	})

	It("exits 2 on an unknown flag", func() {
		code, _, _ := runCheck("--nope")
		Expect(code).To(Equal(exitUsage))
	})

	It("names an unknown subcommand", func() {
		var stdout, stderr bytes.Buffer
		code := dispatch([]string{"schema", "bogus"}, strings.NewReader(""), &stdout, &stderr)
		Expect(code).To(Equal(exitUsage))
		Expect(stderr.String()).To(HavePrefix(`sgkit schema: unknown subcommand "bogus"; the only one is check`))
		Expect(stderr.String()).To(ContainSubstring("usage: sgkit schema check"))
	})

	It("exits 2 without the check subcommand", func() {
		var stdout, stderr bytes.Buffer
		Expect(dispatch([]string{"schema"}, strings.NewReader(""), &stdout, &stderr)).To(Equal(exitUsage))
		Expect(stderr.String()).To(ContainSubstring("usage: sgkit schema check"))
	})

	Describe("--registry", func() {
		serve := func(body string, status int) string {
			local, err := schemas.FS.ReadFile(statusChangeSchemaPath)
			Expect(err).NotTo(HaveOccurred())
			if body == "" {
				body = string(local)
			}
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/schemas/"+statusChangeSchemaPath || status != http.StatusOK {
					w.WriteHeader(http.StatusNotFound)
					return
				}
				_, _ = w.Write([]byte(body))
			}))
			DeferCleanup(srv.Close)
			return srv.URL
		}

		It("passes when the registry's copy equals the local schema", func() {
			code, out, _ := runCheck("--registry", serve("", http.StatusOK))
			Expect(code).To(Equal(exitOK))
			Expect(out).To(ContainSubstring("equals the local schema"))
		})

		It("fails naming the JSON pointer when the registry's copy differs", func() {
			local, err := schemas.FS.ReadFile(statusChangeSchemaPath)
			Expect(err).NotTo(HaveOccurred())
			changed := strings.Replace(string(local), `"serviceName":   {"type": "string", "maxLength": 128}`,
				`"serviceName":   {"type": "string", "maxLength": 255}`, 1)
			Expect(changed).NotTo(Equal(string(local)))
			code, out, _ := runCheck("--registry", serve(changed, http.StatusOK))
			Expect(code).To(Equal(exitFail))
			Expect(out).To(ContainSubstring("differs from the local schema in 1 place "))
			Expect(out).To(ContainSubstring("/properties/serviceName/maxLength: local 128, registry 255"))
			Expect(out).To(ContainSubstring("FAIL: the local schema, DDL and jsonpaths agree on 16 columns, but the registry's copy"))
			Expect(out).NotTo(ContainSubstring("schema, DDL and jsonpaths disagree"))
		})

		It("names a property the registry's copy lacks", func() {
			code, out, _ := runCheck("--registry", serve(`{"self": {}}`, http.StatusOK))
			Expect(code).To(Equal(exitFail))
			Expect(out).To(ContainSubstring("/properties: local {"))
			Expect(out).To(ContainSubstring("registry (absent)"))
		})

		It("fails with exit 1 when the registry does not hold the schema", func() {
			code, out, _ := runCheck("--registry", serve("", http.StatusNotFound))
			Expect(code).To(Equal(exitFail))
			Expect(out).To(ContainSubstring("HTTP 404, iglu:com.statusgator/status_change/jsonschema/1-0-0 is not published there"))
			Expect(out).To(ContainSubstring("sgkit adds /schemas/... itself"))
			Expect(out).NotTo(ContainSubstring("schema, DDL and jsonpaths disagree"))
		})

		It("exits 2 when the registry answers with an HTML page", func() {
			code, _, errOut := runCheck("--registry", serve("<!doctype html><html></html>", http.StatusOK))
			Expect(code).To(Equal(exitUsage))
			Expect(errOut).To(ContainSubstring("an HTML or XML page, not a JSON schema"))
			Expect(errOut).To(ContainSubstring("root URL"))
		})

		It("exits 2 on a server error, without advice to add the schema", func() {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(http.StatusInternalServerError)
			}))
			DeferCleanup(srv.Close)
			code, _, errOut := runCheck("--registry", srv.URL)
			Expect(code).To(Equal(exitUsage))
			Expect(errOut).To(ContainSubstring("HTTP 500 from the registry"))
			Expect(errOut).To(ContainSubstring("check that the registry runs"))
			Expect(errOut).NotTo(ContainSubstring("Add the schema"))
		})

		It("sends --api-key to an Iglu Server", func() {
			// Iglu Server serves /api/schemas/... and reads the key from the
			// apikey header.
			local, err := schemas.FS.ReadFile(statusChangeSchemaPath)
			Expect(err).NotTo(HaveOccurred())
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/api/schemas/"+statusChangeSchemaPath || r.Header.Get("apikey") != "key-1" {
					w.WriteHeader(http.StatusNotFound)
					return
				}
				_, _ = w.Write(local)
			}))
			DeferCleanup(srv.Close)
			code, out, _ := runCheck("--registry", srv.URL, "--api-key", "key-1")
			Expect(code).To(Equal(exitOK))
			Expect(out).To(ContainSubstring("equals the local schema"))
		})

		DescribeTable("rejects a registry URL with a query or fragment, naming the flag",
			func(registry string) {
				code, _, errOut := runCheck("--registry", registry)
				Expect(code).To(Equal(exitUsage))
				Expect(errOut).To(ContainSubstring(`--registry "` + registry + `" has a query or fragment`))
				Expect(errOut).To(ContainSubstring("e.g. http://127.0.0.1:18081/ "))
			},
			Entry("query", "http://127.0.0.1:18081/?x=1"),
			Entry("empty query", "http://127.0.0.1:18081/?"),
			Entry("fragment", "http://127.0.0.1:18081/#top"),
		)

		It("exits 2 for --api-key alone", func() {
			code, _, errOut := runCheck("--api-key", "key-1")
			Expect(code).To(Equal(exitUsage))
			Expect(errOut).To(ContainSubstring("--api-key needs --registry"))
		})

		It("exits 2 when the registry cannot be reached", func() {
			srv := httptest.NewServer(http.NotFoundHandler())
			url := srv.URL
			srv.Close()
			code, _, errOut := runCheck("--registry", url)
			Expect(code).To(Equal(exitUsage))
			Expect(errOut).To(ContainSubstring("--registry " + url))
			Expect(errOut).To(ContainSubstring("connection refused"))
			Expect(errOut).NotTo(ContainSubstring("Add the schema"))
		})
	})
})
