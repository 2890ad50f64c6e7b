package iglu_test

import (
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/xeipuuv/gojsonschema"

	"github.com/sgkit/sgkit/iglu"
)

// Expected outcomes come from ethlo ITU 1.7.0 EthloITU.parseDateTime with
// networknt 1.0.76 DateTimeValidator's leap-second rule; each was confirmed
// by running that library on OpenJDK 17.
var _ = DescribeTable("date-time format",
	func(value string, valid bool) {
		Expect(iglu.IsDateTime(value)).To(Equal(valid))
	},
	Entry("UTC with Z", "2016-05-19T09:26:31Z", true),
	Entry("space separator", "2016-05-19 09:26:31+00:00", true),
	Entry("lower-case t and z", "2016-05-19t09:26:31z", true),
	Entry("no offset", "2016-05-19T09:26:31", false),
	Entry("-00:00 unknown local offset", "2016-05-19T09:26:31-00:00", false),
	Entry("nine fraction digits", "2016-05-19T09:26:31.123456789Z", true),
	Entry("fraction before an offset", "2016-05-19T09:26:31.5+05:30", true),
	Entry("dot without fraction digits", "2016-05-19T09:26:31.Z", true),
	Entry("fraction without offset", "2016-05-19T09:26:31.5", false),
	Entry("ten fraction digits above a second", "2016-05-19T09:26:31.1234567890Z", false),
	Entry("fraction overflowing 32 bits", "2016-05-19T09:26:31.12345678901Z", false),
	Entry("30 February", "2016-02-30T09:26:31Z", false),
	Entry("29 February of a leap year", "2016-02-29T09:26:31Z", true),
	Entry("29 February of 2015", "2015-02-29T09:26:31Z", false),
	Entry("29 February of 1900", "1900-02-29T00:00:00Z", false),
	Entry("29 February of 2000", "2000-02-29T00:00:00Z", true),
	Entry("hour 24", "2016-05-19T24:00:00Z", false),
	Entry("minute 60", "2016-05-19T09:60:00Z", false),
	Entry("month 13", "2016-13-01T00:00:00Z", false),
	Entry("day 0", "2016-01-00T00:00:00Z", false),
	Entry("year 0000", "0000-01-01T00:00:00Z", true),
	Entry("offset -04:00", "2022-01-20T10:52:30-04:00", true),
	Entry("offset +05:30", "2016-05-19T15:26:31+05:30", true),
	Entry("offset +18:00", "2016-05-19T09:26:31+18:00", true),
	Entry("offset +18:30", "2016-05-19T09:26:31+18:30", false),
	Entry("offset +19:00", "2016-05-19T09:26:31+19:00", false),
	Entry("offset minutes 60", "2016-05-19T09:26:31+05:60", false),
	Entry("offset without colon", "2016-05-19T09:26:31+0530", false),
	Entry("offset with any character for the colon", "2016-05-19T09:26:31+05x30", true),
	Entry("offset with one-digit hour", "2016-05-19T09:26:31+5:30", false),
	Entry("no seconds", "2016-05-19T09:26Z", false),
	Entry("date only", "2016-05-19", false),
	Entry("trailing text", "2016-05-19T09:26:31Zjunk", false),
	Entry("space before Z", "2016-05-19T09:26:31 Z", false),
	Entry("empty", "", false),
	Entry("leap second of 2016-12", "2016-12-31T23:59:60Z", true),
	Entry("leap second at 23:59 UTC through an offset", "2016-12-31T22:59:60-01:00", true),
	Entry("leap second with a fraction", "2016-12-31T23:59:60.5Z", true),
	Entry("leap second without offset", "2016-12-31T23:59:60", false),
	Entry("leap second of 1971-12, listed by ITU", "1971-12-31T23:59:60Z", true),
	Entry("leap second of 1979-12, missing from ITU's list", "1979-12-31T23:59:60Z", false),
	Entry("second 60 in a year without leap second", "2017-12-31T23:59:60Z", false),
	Entry("second 60 after ITU's last known leap second", "2030-12-31T23:59:60Z", false),
	Entry("second 60 outside 23:59", "2016-05-19T09:26:60Z", false),
)

// Expected outcomes come from networknt 1.0.76's uri pattern
// (JsonMetaSchema.java) with Matcher.matches(), confirmed with
// java.util.regex on OpenJDK 17.
var _ = DescribeTable("uri format",
	func(value string, valid bool) {
		Expect(iglu.IsURI(value)).To(Equal(valid))
	},
	Entry("https URL", "https://www.cloudflarestatus.com/", true),
	Entry("query and fragment", "http://user:pw@host:8080/p;q?x=1&y=2#f", true),
	Entry("IPv6 host", "http://[::1]:80/a?b#c", true),
	Entry("invalid percent escape, not checked", "http://a/%zz", true),
	Entry("mailto", "mailto:x@y", true),
	Entry("scheme and colon only", "x:", true),
	Entry("scheme with + . -", "a+b.c-d:x", true),
	Entry("empty", "", false),
	Entry("space", "https://example.com/a b.png", false),
	Entry("non-ASCII", "https://exämple.com/x", false),
	Entry("pipe", "https://example.com/a|b", false),
	Entry("braces", "http://a/{x}", false),
	Entry("angle brackets", "http://a/<x>", false),
	Entry("scheme-relative", "//example.com/x", false),
	Entry("scheme starting with a digit", "1a:x", false),
	Entry("second fragment", "http://host/p?q#f#g", false),
)

// networknt 1.0.76 UUIDValidator's regex accepts either letter case.
var _ = DescribeTable("uuid format",
	func(value string, valid bool) {
		Expect(iglu.IsUUID(value)).To(Equal(valid))
	},
	Entry("lower case", "c6ef3124-b53a-4b13-a233-0088f79dcbcb", true),
	Entry("upper case", "C6EF3124-B53A-4B13-A233-0088F79DCBCB", true),
	Entry("no dashes", "c6ef3124b53a4b13a2330088f79dcbcb", false),
	Entry("short group", "1-2-3-4-5", false),
)

var _ = Describe("gojsonschema format registry", func() {
	It("holds networknt's uri checker instead of the default", func() {
		// gojsonschema's default uri checker accepts "//example.com/x".
		Expect(gojsonschema.FormatCheckers.IsFormat("uri", "//example.com/x")).To(BeFalse())
	})

	It("holds ITU's date-time checker instead of the default", func() {
		// gojsonschema's default is time.RFC3339, which rejects a space.
		Expect(gojsonschema.FormatCheckers.IsFormat("date-time", "2016-05-19 09:26:31+00:00")).To(BeTrue())
	})

	It("holds networknt's uuid checker instead of the default", func() {
		// gojsonschema's default accepts lower case only.
		Expect(gojsonschema.FormatCheckers.IsFormat("uuid", "C6EF3124-B53A-4B13-A233-0088F79DCBCB")).To(BeTrue())
	})

	It("passes formats networknt does not know", func() {
		// gojsonschema's default would reject "not a pointer" as json-pointer.
		Expect(gojsonschema.FormatCheckers.IsFormat("json-pointer", "not a pointer")).To(BeTrue())
	})

	It("passes non-string values, as networknt does", func() {
		Expect(gojsonschema.FormatCheckers.IsFormat("date-time", 12)).To(BeTrue())
	})

	It("is imported by package iglu only", func() {
		// Any other sgkit package that validated with gojsonschema directly
		// could run before the registry is replaced, or without iglu linked.
		root, err := filepath.Abs("..")
		Expect(err).NotTo(HaveOccurred())
		var offenders []string
		err = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") || filepath.Dir(path) == filepath.Join(root, "iglu") {
				return nil
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			if strings.Contains(string(src), `"github.com/xeipuuv/gojsonschema"`) {
				offenders = append(offenders, path)
			}
			return nil
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(offenders).To(BeEmpty())
	})
})
