package adapter

import (
	. "github.com/onsi/ginkgo/v2"
	gm "github.com/onsi/gomega"
)

// Expected values printed by a throwaway Java program on OpenJDK 17
// (UUID.fromString(s).toString(), or the exception it threw).
var _ = DescribeTable("javaUUIDFromString reads a UUID as UUID.fromString does",
	func(in, want string, ok bool) {
		got, gotOK := javaUUIDFromString(in)
		gm.Expect(gotOK).To(gm.Equal(ok))
		gm.Expect(got).To(gm.Equal(want))
	},
	Entry("canonical upper case", "C5F3A09F-75F8-4309-BEC5-FEA560F78455", "c5f3a09f-75f8-4309-bec5-fea560f78455", true),
	Entry("short fields padded", "1-2-3-4-5", "00000001-0002-0003-0004-000000000005", true),
	Entry("plus sign", "+a-b-c-d-e", "0000000a-000b-000c-000d-00000000000e", true),
	Entry("no dash", "abc", "", false),
	Entry("too few fields", "not-a-uuid", "", false),
	Entry("empty", "", "", false),
	Entry("empty first field", "-1-2-3-4", "", false),
	Entry("empty middle field", "1--3-4-5", "", false),
	Entry("six fields", "1-2-3-4-5-6", "", false),
	Entry("long overflow", "ffffffffffffffff-0-0-0-0", "", false),
	Entry("Long.MAX_VALUE + 1", "8000000000000000-0-0-0-0", "", false),
	Entry("over 36 characters", "123456789-12345-12345-12345-1234567890123", "", false),
	Entry("trailing space makes 37", "c5f3a09f-75f8-4309-bec5-fea560f78455 ", "", false),
)
