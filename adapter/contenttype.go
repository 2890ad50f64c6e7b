package adapter

import (
	_ "embed"
	"strings"
	"sync"
)

// The collector's view of the Content-Type header (snowplow/stream-collector
// 3.4.0 Routes.scala: req.contentType.map(_.value.toLowerCase), on http4s
// 0.23.23). http4s parses the header with its Content-Type parser and
// renders it again, so what enrich sees is not the text the client sent:
//   - an unparsable header counts as no header (Headers.get drops it);
//   - type and subtype are lowercased; "*" as subtype is a media range and
//     fails (Content-Type.scala: "doesn't support media ranges");
//   - parameters are `;` OWS token [= token / quoted-string]; no space is
//     allowed before `;` or around `=`, and a trailing `;` fails the parse;
//   - every parameter but charset is rendered as `; name="value"` (always
//     quoted, MediaRange.renderExtensions with Writer.quote);
//   - charset (the name compared case-sensitively) is looked up among the
//     JVM's charsets: a known one is rendered last as `; charset=<canonical
//     name>` unquoted, an unknown one is dropped (Charset.fromString);
//   - the collector then lowercases the whole rendered value.
// Confirmed by reading http4s tag v0.23.23 headers/Content-Type.scala,
// MediaType.scala, Charset.scala, internal/parsing/CommonRules.scala and
// util/Renderable.scala (unchanged on series/0.23 at 95ece6c).

// javaCharsets lists the JVM's charsets, one per line: the canonical name,
// then its aliases. Generated from OpenJDK 17.0.15
// java.nio.charset.Charset.availableCharsets() with each charset's aliases().
//
//go:embed javacharsets.txt
var javaCharsetsText string

var (
	charsetsOnce sync.Once
	charsetNames map[string]string // lowercased name or alias -> canonical name
)

// javaCharset returns the canonical name of a JVM charset known by name or
// alias, compared case-insensitively as http4s Charset.fromString does.
func javaCharset(name string) (string, bool) {
	charsetsOnce.Do(func() {
		charsetNames = make(map[string]string)
		for _, line := range strings.Split(javaCharsetsText, "\n") {
			fields := strings.Fields(line)
			if len(fields) == 0 {
				continue
			}
			for _, n := range fields {
				charsetNames[strings.ToLower(n)] = fields[0]
			}
		}
	})
	c, ok := charsetNames[strings.ToLower(name)]
	return c, ok
}

// mediaParam is one Content-Type parameter other than a recognised charset.
type mediaParam struct{ name, value string }

// NormalizeContentType returns the content type a Snowplow collector stores
// for a Content-Type header sent with the value header, and false when the
// collector stores none because http4s cannot parse the header.
func NormalizeContentType(header string) (string, bool) {
	// HTTP/1.1 servers strip optional whitespace around a field value (RFC 7230 3.2.4).
	s := strings.Trim(header, " \t")
	p := ctParser{s: s}

	mainType, ok := p.token()
	if !ok || !p.consume('/') {
		return "", false
	}
	if p.peek() == '*' {
		// MediaRange.mediaRangeParser reads "*" as a wildcard subtype: a media range.
		return "", false
	}
	subType, ok := p.token()
	if !ok {
		return "", false
	}

	var params []mediaParam
	charset, hasCharset := "", false
	for !p.done() {
		if !p.consume(';') {
			return "", false
		}
		p.ows()
		name, ok := p.token()
		if !ok {
			return "", false
		}
		value := ""
		if p.consume('=') {
			if v, ok := p.token(); ok {
				value = v
			} else if v, ok := p.quoted(); ok {
				value = v
			} else {
				return "", false
			}
			// MediaRange.mediaTypeExtensionParser: String.replace("\\\\", "\\") on the raw value.
			value = strings.ReplaceAll(value, `\\`, `\`)
		}
		if name == "charset" {
			// Content-Type.parser: Charset.fromString(v).toOption, the last charset parameter wins.
			charset, hasCharset = javaCharset(value)
			continue
		}
		params = putParam(params, name, value)
	}

	var b strings.Builder
	b.WriteString(mainType)
	b.WriteByte('/')
	b.WriteString(subType)
	for _, prm := range params {
		b.WriteString("; ")
		b.WriteString(prm.name)
		b.WriteByte('=')
		writeQuoted(&b, prm.value)
	}
	if hasCharset {
		b.WriteString("; charset=")
		b.WriteString(charset)
	}
	// Routes.scala: _.value.toLowerCase (String.toLowerCase in the JVM's default locale, assumed English).
	return strings.ToLower(b.String()), true
}

// putParam adds a parameter as a Scala immutable Map does for up to four
// keys: a new key goes last, a repeated key keeps its place and takes the
// new value.
// TODO: with five or more distinct parameters http4s renders them in Scala
// HashMap order, but sgkit keeps request order.
func putParam(params []mediaParam, name, value string) []mediaParam {
	for i := range params {
		if params[i].name == name {
			params[i].value = value
			return params
		}
	}
	return append(params, mediaParam{name, value})
}

// writeQuoted renders s as http4s Writer.quote does: in double quotes, with
// a backslash before each double quote and backslash.
func writeQuoted(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
}

// ctParser walks a header value with the character classes of RFC 7230
// as http4s CommonRules defines them.
type ctParser struct {
	s   string
	pos int
}

func (p *ctParser) done() bool { return p.pos >= len(p.s) }

func (p *ctParser) peek() byte {
	if p.done() {
		return 0
	}
	return p.s[p.pos]
}

func (p *ctParser) consume(c byte) bool {
	if p.peek() == c && !p.done() {
		p.pos++
		return true
	}
	return false
}

func (p *ctParser) ows() {
	for !p.done() && (p.s[p.pos] == ' ' || p.s[p.pos] == '\t') {
		p.pos++
	}
}

// isTchar is CommonRules.tchar: "!#$%&'*+-.^_`|~", digits and letters.
func isTchar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

func (p *ctParser) token() (string, bool) {
	start := p.pos
	for !p.done() && isTchar(p.s[p.pos]) {
		p.pos++
	}
	return p.s[start:p.pos], p.pos > start
}

// quoted reads a CommonRules.quotedString and returns its raw content, with
// quoted pairs left escaped as cats-parse's .string keeps them. Bytes 0x80
// and above are obs-text.
func (p *ctParser) quoted() (string, bool) {
	if !p.consume('"') {
		return "", false
	}
	start := p.pos
	for !p.done() {
		c := p.s[p.pos]
		switch {
		case c == '"':
			raw := p.s[start:p.pos]
			p.pos++
			return raw, true
		case c == '\\':
			// quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
			if p.pos+1 >= len(p.s) {
				return "", false
			}
			n := p.s[p.pos+1]
			if !(n == '\t' || n == ' ' || (n >= 0x21 && n <= 0x7E) || n >= 0x80) {
				return "", false
			}
			p.pos += 2
		case c == '\t' || c == ' ' || c == 0x21 || (c >= 0x23 && c <= 0x5B) ||
			(c >= 0x5D && c <= 0x7E) || c >= 0x80:
			// qdtext
			p.pos++
		default:
			return "", false
		}
	}
	return "", false
}
