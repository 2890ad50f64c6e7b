package adapter

import (
	"fmt"
	"strings"
	"unicode/utf16"
)

// javaUUIDFromString returns what java.util.UUID.fromString (OpenJDK 17)
// and toString make of s: the canonical lower-case text, or false where Java
// throws IllegalArgumentException. Java takes five '-'-separated fields of
// at most 36 UTF-16 units in all. It reads each with
// Long.parseLong(s, begin, end, 16) and masks it to the field's width, so
// "1-2-3-4-5" reads as 00000001-0002-0003-0004-000000000005.
//
// TODO: Long.parseLong also takes non-ASCII digits (Character.digit, e.g.
// fullwidth forms), which this rejects.
func javaUUIDFromString(s string) (string, bool) {
	if len(utf16.Encode([]rune(s))) > 36 {
		return "", false // "UUID string too large"
	}
	fields := strings.Split(s, "-")
	if len(fields) != 5 {
		// Fewer than four dashes, or a fifth one: "Invalid UUID string".
		return "", false
	}
	widths := [5]uint{32, 16, 16, 16, 48}
	var vals [5]uint64
	for i, f := range fields {
		v, ok := javaParseHexLong(f)
		if !ok {
			return "", false
		}
		vals[i] = v & (1<<widths[i] - 1)
	}
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", vals[0], vals[1], vals[2], vals[3], vals[4]), true
}

// javaParseHexLong is Long.parseLong(s, 16) restricted to ASCII digits,
// returned as the two's-complement bits of the long.
func javaParseHexLong(s string) (uint64, bool) {
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" {
		return 0, false
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		d, ok := hexDigit(s[i])
		if !ok || v > (1<<63)>>4 {
			return 0, false
		}
		v = v<<4 | uint64(d)
		if v > 1<<63 || (v == 1<<63 && !neg) {
			return 0, false // outside Long.MIN_VALUE..Long.MAX_VALUE
		}
	}
	if neg {
		v = -v
	}
	return v, true
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
