package adapter

import "unicode/utf16"

// NameValue is one decoded form field, as HttpClient's NameValuePair: Value
// is nil for a token without '='.
type NameValue struct {
	Name  string  `json:"name"`
	Value *string `json:"value"`
}

// FormDecode splits and decodes a raw query (already accepted by
// java.net.URI) as Apache HttpClient 4.5.13 URLEncodedUtils.parse(String,
// UTF-8) does, returning the fields in order, repeats included.
//   - '&' and ';' both separate fields (QP_SEP_A, QP_SEP_S);
//   - a field splits at its first '='; without '=' the value is null;
//   - fields whose name is empty are skipped;
//   - names and values are decoded by urlDecode(plusAsBlank=true).
func FormDecode(rawQuery string) []NameValue {
	var out []NameValue
	s := rawQuery
	for i := 0; i < len(s); {
		// TokenParser.parseToken with delimiters {'&', ';', '='}. The whitespace
		// it would fold cannot occur: java.net.URI rejects it first.
		start := i
		for i < len(s) && s[i] != '&' && s[i] != ';' && s[i] != '=' {
			i++
		}
		name := s[start:i]
		var value *string
		if i < len(s) {
			delim := s[i]
			i++
			if delim == '=' {
				// Only '&' and ';' end the value: later '=' belong to it.
				vs := i
				for i < len(s) && s[i] != '&' && s[i] != ';' {
					i++
				}
				v := urlDecode(s[vs:i])
				value = &v
				if i < len(s) {
					i++
				}
			}
		}
		if name != "" {
			out = append(out, NameValue{Name: urlDecode(name), Value: value})
		}
	}
	return out
}

// urlDecode is URLEncodedUtils.urlDecode(content, UTF-8, plusAsBlank=true)
// of HttpClient 4.5.13: "%XY" becomes byte XY, '+' becomes a space, and every
// other UTF-16 code unit is cast to a byte, keeping its low eight bits. The
// bytes are then decoded by Charset.decode, which replaces malformed UTF-8
// with U+FFFD. So raw "é" (U+00E9) becomes byte E9 and then U+FFFD.
func urlDecode(content string) string {
	// Fast path: plain ASCII with no escapes or '+' decodes to itself.
	plain := true
	for i := 0; i < len(content); i++ {
		if c := content[i]; c >= 0x80 || c == '%' || c == '+' {
			plain = false
			break
		}
	}
	if plain {
		return content
	}

	units := utf16.Encode([]rune(content))
	buf := make([]byte, 0, len(units))
	for i := 0; i < len(units); i++ {
		c := units[i]
		switch {
		case c == '%' && len(units)-i-1 >= 2:
			// Character.digit(c, 16) also accepts non-ASCII digits, but java.net.URI
			// has already rejected any '%' not followed by two ASCII hex digits.
			uc, lc := units[i+1], units[i+2]
			if uc < 0x80 && lc < 0x80 && isHex(byte(uc)) && isHex(byte(lc)) {
				buf = append(buf, unhex(byte(uc))<<4|unhex(byte(lc)))
			} else {
				buf = append(buf, '%', byte(uc), byte(lc))
			}
			i += 2
		case c == '+':
			buf = append(buf, ' ')
		default:
			// (byte) c: the low eight bits of the UTF-16 unit, surrogates included.
			buf = append(buf, byte(c))
		}
	}
	return JavaUTF8(buf)
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}
