package adapter

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// uriPrefix is what enrich puts before a body or query string to parse it
// with java.net.URI (StatusGatorAdapter.scala and Loader.scala:
// URI.create("http://localhost/?" + body)).
const uriPrefix = "http://localhost/?"

// uriError is the URISyntaxException java.net.URI throws for prefix+query.
type uriError struct {
	reason string // "Illegal character in query", "Malformed escape pair", ...
	index  int    // UTF-16 code units from the start of prefix+query
	input  string // prefix+query
}

// Error is URISyntaxException.getMessage: "<reason> at index <n>: <input>".
func (e *uriError) Error() string {
	return e.reason + " at index " + strconv.Itoa(e.index) + ": " + e.input
}

// isURIC reports whether an ASCII character is in java.net.URI's L_URIC/H_URIC
// set (OpenJDK 17): reserved ";/?:@&=+$,[]", unreserved alphanumerics and
// "-_.!~*'()". '%' is handled as an escape, non-ASCII separately.
func isURIC(c rune) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.ContainsRune(";/?:@&=+$,[]-_.!~*'()", c)
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// parseQueryURI checks query as java.net.URI does when it parses
// "http://localhost/?" + query, and returns the raw query: the text before
// the first '#'. Everything after that '#' is the fragment, checked with the
// same rules and then ignored by URLEncodedUtils.parse(URI, Charset), which
// reads only getRawQuery().
func parseQueryURI(query string) (string, *uriError) {
	rawQuery := query
	fragment, hasFragment := "", false
	if i := strings.IndexByte(query, '#'); i >= 0 {
		rawQuery, fragment, hasFragment = query[:i], query[i+1:], true
	}

	// Indexes count UTF-16 code units of the whole string, as String.charAt does.
	base := len(uriPrefix)
	if idx, reason, ok := scanURIC(rawQuery); !ok {
		return "", &uriError{reason: reasonIn(reason, "query"), index: base + idx, input: uriPrefix + query}
	}
	if hasFragment {
		// URI.parse: checkChars(p + 1, n, L_URIC, H_URIC, "fragment"), so a second '#' is illegal.
		fragBase := base + utf16Len(rawQuery) + 1
		if idx, reason, ok := scanURIC(fragment); !ok {
			return "", &uriError{reason: reasonIn(reason, "fragment"), index: fragBase + idx, input: uriPrefix + query}
		}
	}
	return rawQuery, nil
}

func reasonIn(reason, component string) string {
	if reason == "" {
		return "Illegal character in " + component
	}
	return reason
}

// scanURIC is java.net.URI.checkChars(start, end, L_URIC, H_URIC, what): it
// returns the UTF-16 index of the first character that is not allowed, with
// reason "Malformed escape pair" for a bad '%' escape and "" for an illegal
// character.
func scanURIC(s string) (int, string, bool) {
	idx := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < 0x80 {
			switch {
			case c == '%':
				// URI.scanEscape: '%' must be followed by two ASCII hex digits.
				if i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
					i += 3
					idx += 3
					continue
				}
				return idx, "Malformed escape pair", false
			case c != 0 && isURIC(rune(c)):
				i++
				idx++
				continue
			}
			return idx, "", false
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r >= 0x10000 {
			// Each surrogate of a supplementary character passes URI.scanEscape's
			// "c > 128 && !isSpaceChar && !isISOControl" test on its own.
			i += size
			idx += 2
			continue
		}
		// URI.scanEscape: other non-ASCII characters are legal unless they are
		// Unicode spaces (Character.isSpaceChar: Zs, Zl, Zp) or ISO controls.
		// U+0080 fails the strict "c > 128" test and is a control anyway.
		if r <= 128 || unicode.Is(unicode.Z, r) || (r >= 0x7F && r <= 0x9F) {
			return idx, "", false
		}
		i += size
		idx++
	}
	return idx, "", true
}

// utf16Len is String.length() of s.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

var instanceRef = regexp.MustCompile(`@[0-9a-z]+;`)

// stripInstanceEtc is enrich's JsonUtils.stripInstanceEtc, applied to a Java
// exception message before it goes into a bad row: "@<id>;" becomes
// "@xxxxxx;", each tab becomes four spaces, the other ASCII control
// characters (Java's \p{Cntrl}: U+0000-U+001F, U+007F) are removed, and
// String.trim drops leading and trailing characters up to U+0020.
func stripInstanceEtc(msg string) string {
	msg = instanceRef.ReplaceAllLiteralString(msg, "@xxxxxx;")
	msg = strings.ReplaceAll(msg, "\t", "    ")
	msg = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7F {
			return -1
		}
		return r
	}, msg)
	return strings.TrimFunc(msg, func(r rune) bool { return r <= ' ' })
}
