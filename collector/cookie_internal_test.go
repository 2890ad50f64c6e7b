package collector

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// Expected values follow stream collector 3.4.0 Rfc6265Cookie.parse: spaces
// removed, parts holding a character outside RFC 6265's cookie-octet set
// dropped, trailing empty parts dropped by Java's String.split.
var _ = DescribeTable("parseRFC6265Cookie",
	func(raw, want string, ok bool) {
		got, gotOK := parseRFC6265Cookie(raw)
		Expect(gotOK).To(Equal(ok))
		Expect(got).To(Equal(want))
	},
	Entry("spaces removed", "sp=abc; other=1", "sp=abc;other=1", true),
	Entry("part with a comma dropped", "sp=abc; bad=a,b", "sp=abc", true),
	Entry("trailing separator dropped", "sp=abc;", "sp=abc", true),
	Entry("quoted value dropped", `q="x"`, "", false),
)
