package adapter

import (
	"unicode/utf16"
	"unicode/utf8"
)

// Decoding bytes as Java's UTF-8 decoder does (OpenJDK 17
// sun.nio.cs.UTF_8.Decoder and String(byte[], UTF_8), action REPLACE).
// Java replaces a malformed sequence with one U+FFFD per "malformed length"
// it reports, which is not Go's one U+FFFD per bad byte:
//   - a 3-byte sequence that encodes a surrogate (ED A0 80) is one U+FFFD;
//   - a lead byte with a valid continuation then a bad byte (E2 82 41) is
//     one U+FFFD for the two bytes, then 'A';
//   - an incomplete but so-far valid sequence at the end of the input is one
//     U+FFFD for all its bytes.
// These were confirmed with a Java 17 program over every sequence of up to
// four bytes from the boundary values 00 41 7F 80 8F 90 9F A0 BF C0 C1 C2 DF
// E0 E1 EC ED EE EF F0 F1 F3 F4 F5 F8 FF (see javautf8_test.go).

// javaUTF8Units decodes b into UTF-16 code units the way Java does.
func javaUTF8Units(b []byte, dst []uint16) []uint16 {
	const repl = 0xFFFD
	isCont := func(c byte) bool { return c&0xC0 == 0x80 }
	n := len(b)
	for i := 0; i < n; {
		b1 := b[i]
		switch {
		case b1 < 0x80:
			dst = append(dst, uint16(b1))
			i++
		case b1 >= 0xC2 && b1 <= 0xDF: // 2 bytes
			if n-i < 2 {
				// UTF_8.Decoder: underflow, then the remainder at end of input is one malformed run.
				dst = append(dst, repl)
				i = n
				continue
			}
			if !isCont(b[i+1]) {
				dst = append(dst, repl)
				i++
				continue
			}
			dst = append(dst, uint16(b1&0x1F)<<6|uint16(b[i+1]&0x3F))
			i += 2
		case b1 >= 0xE0 && b1 <= 0xEF: // 3 bytes
			// isMalformed3_2: E0 followed by 80..9F (overlong), or a non-continuation.
			bad2 := func(b2 byte) bool { return (b1 == 0xE0 && b2&0xE0 == 0x80) || !isCont(b2) }
			if n-i < 3 {
				if n-i > 1 && bad2(b[i+1]) {
					dst = append(dst, repl)
					i++
					continue
				}
				dst = append(dst, repl)
				i = n
				continue
			}
			b2, b3 := b[i+1], b[i+2]
			if bad2(b2) {
				// malformedN(3) reports length 1.
				dst = append(dst, repl)
				i++
				continue
			}
			if !isCont(b3) {
				// malformedN(3) reports length 2.
				dst = append(dst, repl)
				i += 2
				continue
			}
			c := uint16(b1&0x0F)<<12 | uint16(b2&0x3F)<<6 | uint16(b3&0x3F)
			if c >= 0xD800 && c <= 0xDFFF {
				// Character.isSurrogate: the whole 3-byte sequence is one malformed run.
				dst = append(dst, repl)
			} else {
				dst = append(dst, c)
			}
			i += 3
		case b1 >= 0xF0 && b1 <= 0xF7: // 4 bytes
			// isMalformed4_2: F0 needs 90..BF, F4 needs 80..8F, F5..F7 never start a sequence.
			bad2 := func(b2 byte) bool {
				return b1 > 0xF4 || (b1 == 0xF0 && (b2 < 0x90 || b2 > 0xBF)) ||
					(b1 == 0xF4 && b2&0xF0 != 0x80) || !isCont(b2)
			}
			if n-i < 4 {
				switch {
				case b1 > 0xF4 || (n-i > 1 && bad2(b[i+1])):
					dst = append(dst, repl)
					i++
				case n-i > 2 && !isCont(b[i+2]):
					dst = append(dst, repl)
					i += 2
				default:
					dst = append(dst, repl)
					i = n
				}
				continue
			}
			b2, b3, b4 := b[i+1], b[i+2], b[i+3]
			if bad2(b2) {
				dst = append(dst, repl)
				i++
				continue
			}
			if !isCont(b3) {
				dst = append(dst, repl)
				i += 2
				continue
			}
			if !isCont(b4) {
				dst = append(dst, repl)
				i += 3
				continue
			}
			r := rune(b1&0x07)<<18 | rune(b2&0x3F)<<12 | rune(b3&0x3F)<<6 | rune(b4&0x3F)
			r1, r2 := utf16.EncodeRune(r)
			dst = append(dst, uint16(r1), uint16(r2))
			i += 4
		default: // 80..C1, F8..FF
			dst = append(dst, repl)
			i++
		}
	}
	return dst
}

// JavaUTF8 decodes b as UTF-8 the way a JVM component of the pipeline does
// (the collector reading a body, HttpClient's URLEncodedUtils decoding a
// field), replacing malformed input as OpenJDK 17 does. The result is valid
// UTF-8.
func JavaUTF8(b []byte) string {
	// Go's validator rejects exactly what Java replaces (surrogates and
	// overlong forms included), so valid input is returned unchanged.
	if utf8.Valid(b) {
		return string(b)
	}
	return unitsToString(javaUTF8Units(b, make([]uint16, 0, len(b))))
}

// unitsToString converts UTF-16 code units to a Go string. Unpaired
// surrogates cannot occur in units produced by javaUTF8Units.
func unitsToString(u []uint16) string {
	return string(utf16.Decode(u))
}

// DecodeBody is the body text a Snowplow collector records for raw request
// bytes: http4s bodyText (0.23) decodes with fs2's UTF-8 decoder, which
// drops a leading byte order mark (EF BB BF) and then builds Java strings
// (JavaUTF8).
// http4s decodes with the charset the Content-Type header names instead,
// and can reject the body (no event at all) or read other text. Predict
// returns an error for such a body (checkBodyCharset).
func DecodeBody(raw []byte) string {
	if len(raw) >= 3 && raw[0] == 0xEF && raw[1] == 0xBB && raw[2] == 0xBF {
		raw = raw[3:]
	}
	return JavaUTF8(raw)
}
