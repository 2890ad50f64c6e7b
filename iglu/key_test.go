package iglu_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sgkit/sgkit/iglu"
)

// Valid and invalid URIs follow iglu-scala-core's SchemaKey.schemaUriRegex.
var _ = DescribeTable("ParseURI",
	func(uri string, want iglu.SchemaKey, valid bool) {
		got, err := iglu.ParseURI(uri)
		if !valid {
			Expect(err).To(MatchError(ContainSubstring(uri)))
			return
		}
		Expect(err).NotTo(HaveOccurred())
		Expect(got).To(Equal(want))
		Expect(got.URI()).To(Equal(uri))
	},
	Entry("status change", "iglu:com.statusgator/status_change/jsonschema/1-0-0",
		iglu.SchemaKey{Vendor: "com.statusgator", Name: "status_change", Format: "jsonschema", Version: iglu.SchemaVer{Model: 1}}, true),
	Entry("multi-digit version", "iglu:com.acme/a-b_c/jsonschema/12-3-45",
		iglu.SchemaKey{Vendor: "com.acme", Name: "a-b_c", Format: "jsonschema", Version: iglu.SchemaVer{Model: 12, Revision: 3, Addition: 45}}, true),
	Entry("MODEL 0", "iglu:com.acme/a/jsonschema/0-0-1", iglu.SchemaKey{}, false),
	Entry("leading zero", "iglu:com.acme/a/jsonschema/1-01-0", iglu.SchemaKey{}, false),
	Entry("iglu:// form", "iglu://com.acme/a/jsonschema/1-0-0", iglu.SchemaKey{}, false),
	Entry("dot in name", "iglu:com.acme/a.b/jsonschema/1-0-0", iglu.SchemaKey{}, false),
	Entry("missing addition", "iglu:com.acme/a/jsonschema/1-0", iglu.SchemaKey{}, false),
	Entry("empty", "", iglu.SchemaKey{}, false),
)
