package adapter

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// Snowplow's Scala services (enrich, Micro) print JSON with circe's
// Printer.noSpaces, so a byte-exact prediction needs circe's string escaping
// (circe modules/core/shared/src/main/scala/io/circe/Printer.scala,
// PrintingFolder.onString). circe escapes '"' and '\\', writes \b \f \n \r
// \t as short escapes, and writes every other character that
// Character.isISOControl accepts (U+0000-U+001F and U+007F-U+009F) as a
// lowercase \u00xx escape. Everything else goes out as it is: non-ASCII,
// '<', '>', '&', U+2028 and U+2029. Go's encoding/json differs in three
// ways, which MarshalCirce undoes: it writes DEL and U+0080-U+009F raw, it
// always escapes U+2028 and U+2029, and it writes U+FFFD from invalid UTF-8
// as \ufffd.

// JSONMember is one member of a JSONObject.
type JSONMember struct {
	Name  string
	Value any
}

// JSONObject is a JSON object whose members keep their order, as circe's
// derived encoders write a case class's fields in declaration order.
type JSONObject []JSONMember

// MarshalJSON writes the members in order with circe's escaping.
func (o JSONObject) MarshalJSON() ([]byte, error) {
	return appendCirce(nil, o)
}

// MarshalCirce encodes v as compact JSON the way circe's Printer.noSpaces
// prints it. A json.RawMessage is written as it is, without being compacted
// again, because the collector passes large already-encoded events through.
func MarshalCirce(v any) ([]byte, error) {
	return appendCirce(nil, v)
}

func appendCirce(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return appendCirceString(b, x), nil
	case *string:
		if x == nil {
			return append(b, "null"...), nil
		}
		return appendCirceString(b, *x), nil
	case json.RawMessage:
		if x == nil {
			return append(b, "null"...), nil
		}
		return append(b, x...), nil
	case JSONObject:
		b = append(b, '{')
		for i, m := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendCirceString(b, m.Name)
			b = append(b, ':')
			var err error
			if b, err = appendCirce(b, m.Value); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return appendRecircedJSON(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))), nil
}

// appendCirceString appends s as a JSON string with circe's escaping.
func appendCirceString(b []byte, s string) []byte {
	b = append(b, '"')
	for _, r := range s {
		switch r {
		case '"':
			b = append(b, `\"`...)
		case '\\':
			b = append(b, `\\`...)
		case '\b':
			b = append(b, `\b`...)
		case '\f':
			b = append(b, `\f`...)
		case '\n':
			b = append(b, `\n`...)
		case '\r':
			b = append(b, `\r`...)
		case '\t':
			b = append(b, `\t`...)
		default:
			if isISOControl(r) {
				b = appendUnicodeEscape(b, r)
				continue
			}
			b = utf8.AppendRune(b, r)
		}
	}
	return append(b, '"')
}

// writeCirceString writes s as a JSON string with circe's escaping.
func writeCirceString(w *strings.Builder, s string) {
	w.Write(appendCirceString(make([]byte, 0, len(s)+2), s))
}

// appendRecircedJSON appends src, compact JSON from encoding/json, with its
// strings escaped as circe escapes them. Outside strings, compact JSON is
// plain ASCII, so only escapes and non-ASCII characters need a look.
func appendRecircedJSON(b, src []byte) []byte {
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '\\' && i+1 < len(src) && src[i+1] == 'u' && i+6 <= len(src):
			switch string(src[i+2 : i+6]) {
			case "2028":
				b = append(b, "\u2028"...)
			case "2029":
				b = append(b, "\u2029"...)
			case "fffd":
				b = append(b, "\ufffd"...)
			default:
				b = append(b, src[i:i+6]...)
			}
			i += 6
		case c == '\\' && i+1 < len(src):
			b = append(b, src[i:i+2]...)
			i += 2
		case c < utf8.RuneSelf:
			if isISOControl(rune(c)) {
				b = appendUnicodeEscape(b, rune(c))
			} else {
				b = append(b, c)
			}
			i++
		default:
			r, size := utf8.DecodeRune(src[i:])
			if isISOControl(r) {
				b = appendUnicodeEscape(b, r)
			} else {
				b = append(b, src[i:i+size]...)
			}
			i += size
		}
	}
	return b
}

// isISOControl is java.lang.Character.isISOControl for a BMP character.
func isISOControl(r rune) bool {
	return r <= 0x1F || (r >= 0x7F && r <= 0x9F)
}

// appendUnicodeEscape appends r, an ISO control character, as circe's
// String.format("u%04x") escape.
func appendUnicodeEscape(b []byte, r rune) []byte {
	const hex = "0123456789abcdef"
	return append(b, '\\', 'u', '0', '0', hex[r>>4], hex[r&0xF])
}
