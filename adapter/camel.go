package adapter

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// camelCase is enrich's Adapter.camelCase (snowplow/enrich 6.x): the first
// UTF-16 unit goes through Character.toLowerCase(char), then every match of
// the regex "[_-](\w)" is replaced by the captured character in upper case.
// Java's \w is ASCII [a-zA-Z_0-9] unless UNICODE_CHARACTER_CLASS is set.
func camelCase(key string) string {
	if key == "" {
		return key
	}
	r, size := utf8.DecodeRuneInString(key)
	lowered := key
	if r < 0x10000 {
		// Character.toLowerCase(char) maps one BMP character to one character. A
		// supplementary first character is a high surrogate there, left alone.
		lowered = string(javaToLower(r)) + key[size:]
	}

	// The regex runs over the whole string, the lowered first character included.
	var b strings.Builder
	b.Grow(len(lowered))
	for i := 0; i < len(lowered); i++ {
		c := lowered[i]
		if (c == '_' || c == '-') && i+1 < len(lowered) && isWordChar(lowered[i+1]) {
			// Scala StringOps.capitalize on the one captured character.
			b.WriteByte(byte(unicode.ToUpper(rune(lowered[i+1]))))
			i++
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// javaToLower is Character.toLowerCase(char) of OpenJDK 17, whose Unicode 13
// tables lack the case pairs Unicode 14 added and Go's tables have.
func javaToLower(r rune) rune {
	switch r {
	case 0x2C2F, 0xA7C0, 0xA7D0, 0xA7D6, 0xA7D8:
		return r
	}
	return unicode.ToLower(r)
}

func isWordChar(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}
