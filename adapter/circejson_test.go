package adapter_test

import (
	"encoding/json"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sgkit/sgkit/adapter"
)

// The expected bytes follow circe's Printer.PrintingFolder.onString
// (circe/circe modules/core/shared/src/main/scala/io/circe/Printer.scala):
// Character.isISOControl characters as lowercase \u00xx, \b \f \n \r \t
// short, everything else, U+2028 included, unescaped.
var _ = Describe("MarshalCirce", func() {
	type nested struct {
		UserAgent string `json:"useragent"`
	}

	DescribeTable("escapes strings as circe does",
		func(v any, want string) {
			got, err := adapter.MarshalCirce(v)
			Expect(err).NotTo(HaveOccurred())
			Expect(string(got)).To(Equal(want))
		},
		Entry("DEL in a string", "a\x7fb", `"a\u007fb"`),
		Entry("U+2028 in a string", "a\u2028b", "\"a\u2028b\""),
		Entry("C1 control U+0085", "a\u0085b", `"a\u0085b"`),
		Entry("short escapes", "\b\f\n\r\t\"\\", `"\b\f\n\r\t\"\\"`),
		Entry("other C0 control", "\x01", `"\u0001"`),
		Entry("HTML characters", "<a&b>", `"<a&b>"`),
		Entry("DEL in a struct field", nested{"a\x7fb"}, `{"useragent":"a\u007fb"}`),
		Entry("U+2028 in a struct field", nested{"a\u2028b"}, "{\"useragent\":\"a\u2028b\"}"),
		Entry("escaped backslash before u2028", nested{`\u2028`}, `{"useragent":"\\u2028"}`),
		Entry("ordered object", adapter.JSONObject{{Name: "z", Value: "\x7f"}, {Name: "a", Value: nil}}, `{"z":"\u007f","a":null}`),
		Entry("raw message kept", json.RawMessage(`{"b":1,"a":2}`), `{"b":1,"a":2}`),
	)
})
