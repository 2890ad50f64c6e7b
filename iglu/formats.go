package iglu

import (
	"regexp"
	"strings"

	"github.com/xeipuuv/gojsonschema"
)

// gojsonschema keeps its format checkers in one process-wide registry,
// gojsonschema.FormatCheckers, whose defaults differ from what Snowplow
// validates with (its "uri" accepts what url.Parse accepts, its
// "date-time" is time.RFC3339, its "uuid" is lower case only). This
// package's init replaces every entry of that registry, so any schema
// compiled in a binary that links package iglu checks formats like
// networknt json-schema-validator 1.0.76 draft 4, the validator Snowplow
// uses through iglu-scala-client. The iglu tests assert that no other sgkit
// package imports gojsonschema.
func init() {
	for _, name := range gojsonschemaDefaultFormats {
		gojsonschema.FormatCheckers.Remove(name)
	}
	for name, checker := range networkntFormats() {
		gojsonschema.FormatCheckers.Add(name, checker)
	}
}

// gojsonschemaDefaultFormats are the names gojsonschema v1.2.0 registers
// by default (format_checkers.go). Formats networknt 1.0.76 does not know
// are unknown to it and pass any value, so they are removed here and,
// like any unknown format in gojsonschema, pass too.
var gojsonschemaDefaultFormats = []string{
	"date", "time", "date-time", "hostname", "email", "idn-email", "ipv4",
	"ipv6", "uri", "uri-reference", "iri", "iri-reference", "uri-template",
	"uuid", "regex", "json-pointer", "relative-json-pointer",
}

// Pattern formats of networknt 1.0.76, JsonMetaSchema.COMMON_BUILTIN_FORMATS,
// which draft 4 uses unchanged. PatternFormat calls Matcher.matches(), a
// match of the whole value, so each is compiled inside ^(?:...)$.
// NOTE: Go's RE2 differs from java.util.regex in \s (no vertical tab), \b
// and '.' on non-ASCII or line-separator input. Only the ipv6, color and
// style patterns use them, and no schema sgkit ships uses those formats.
var networkntPatterns = map[string]string{
	"time":       `^\d{2}:\d{2}:\d{2}(?:\.\d+)?$`,
	"ip-address": `^(?:(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.){3}(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)$`,
	"ipv4":       `^(([0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])\.){3}([0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])$`,
	"ipv6":       `^\s*((([0-9A-Fa-f]{1,4}:){7}([0-9A-Fa-f]{1,4}|:))|(([0-9A-Fa-f]{1,4}:){6}(:[0-9A-Fa-f]{1,4}|((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3})|:))|(([0-9A-Fa-f]{1,4}:){5}(((:[0-9A-Fa-f]{1,4}){1,2})|:((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3})|:))|(([0-9A-Fa-f]{1,4}:){4}(((:[0-9A-Fa-f]{1,4}){1,3})|((:[0-9A-Fa-f]{1,4})?:((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}))|:))|(([0-9A-Fa-f]{1,4}:){3}(((:[0-9A-Fa-f]{1,4}){1,4})|((:[0-9A-Fa-f]{1,4}){0,2}:((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}))|:))|(([0-9A-Fa-f]{1,4}:){2}(((:[0-9A-Fa-f]{1,4}){1,5})|((:[0-9A-Fa-f]{1,4}){0,3}:((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}))|:))|(([0-9A-Fa-f]{1,4}:){1}(((:[0-9A-Fa-f]{1,4}){1,6})|((:[0-9A-Fa-f]{1,4}){0,4}:((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}))|:))|(:(((:[0-9A-Fa-f]{1,4}){1,7})|((:[0-9A-Fa-f]{1,4}){0,5}:((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}))|:)))(%.+)?\s*$`,
	// URIPattern, with the RFC 3986 derivation networknt gives beside it.
	"uri":          URIPattern,
	"color":        `(#?([0-9A-Fa-f]{3,6})\b)|(aqua)|(black)|(blue)|(fuchsia)|(gray)|(green)|(lime)|(maroon)|(navy)|(olive)|(orange)|(purple)|(red)|(silver)|(teal)|(white)|(yellow)|(rgb\(\s*\b([0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])\b\s*,\s*\b([0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])\b\s*,\s*\b([0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])\b\s*\))|(rgb\(\s*(\d?\d%|100%)+\s*,\s*(\d?\d%|100%)+\s*,\s*(\d?\d%|100%)+\s*\))`,
	"hostname":     `^([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\-]{0,61}[a-zA-Z0-9])(\.([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\-]{0,61}[a-zA-Z0-9]))*$`,
	"alpha":        `^[a-zA-Z]+$`,
	"alphanumeric": `^[a-zA-Z0-9]+$`,
	"phone":        `^\+(?:[0-9] ?){6,14}[0-9]$`,
	"utc-millisec": `^[0-9]+(\.?[0-9]+)?$`,
	"style":        `\s*(.+?):\s*([^;]+);?`,
}

// URIPattern is networknt 1.0.76's `format: uri` pattern
// (JsonMetaSchema.java): a scheme, ':', an optional //authority, then only
// unreserved, sub-delim, '%', ':', '@' and '/' characters, an optional
// ?query and #fragment. It is ASCII only, so the empty string, spaces,
// non-ASCII characters, '|', '{' and '<' fail, while "mailto:x@y" passes
// and "//host/x" (no scheme) fails. networknt matches it against the whole
// value although it has no trailing '$'.
const URIPattern = `^[A-Za-z][A-Za-z0-9+.-]*:(\/\/([A-Za-z0-9._~\-%!$&'()*+,;=:]*@)?[A-Za-z0-9._~\-!$&'()*+,;=%:\[\]]*(:[0-9]*)?)?[A-Za-z0-9._~\-%!$&'()*+,;=:@\/]*([?][A-Za-z0-9._~\-%!$&'()*+,;=:@\/?]*)?([#][A-Za-z0-9._~\-%!$&'()*+,;=:@\/?]*)?`

// uuidPattern is networknt 1.0.76 UUIDValidator's regex; it accepts either
// letter case.
var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

var uriRegexp = regexp.MustCompile(`^(?:` + URIPattern + `)$`)

// IsURI reports whether s is a valid `format: uri` value for Snowplow.
func IsURI(s string) bool { return uriRegexp.MatchString(s) }

// IsUUID reports whether s is a valid `format: uuid` value for Snowplow.
func IsUUID(s string) bool { return uuidPattern.MatchString(s) }

// formatFunc adapts a string predicate to gojsonschema.FormatChecker.
// networknt format validators return no error for a value that is not a
// string, while gojsonschema also runs format checkers on numbers, so
// anything but a string passes.
type formatFunc func(string) bool

func (f formatFunc) IsFormat(input any) bool {
	s, ok := input.(string)
	if !ok {
		return true
	}
	return f(s)
}

// networkntFormats returns the format checkers of networknt 1.0.76 draft 4
// that sgkit reproduces: the pattern formats, "date-time" (ethlo ITU) and
// "uuid". sgkit does not port networknt's "date", "email" and "duration"
// validators, so the Validator rejects a schema that uses them instead of
// checking it with other semantics.
func networkntFormats() map[string]gojsonschema.FormatChecker {
	checkers := map[string]gojsonschema.FormatChecker{
		"date-time": formatFunc(IsDateTime),
		"uuid":      formatFunc(IsUUID),
	}
	for name, pattern := range networkntPatterns {
		re := regexp.MustCompile(`^(?:` + pattern + `)$`)
		checkers[name] = formatFunc(re.MatchString)
	}
	// FormatValidator rejects an ipv6 value with surrounding spaces or a
	// zone id ('%') before it applies the pattern, which allows both.
	ipv6 := regexp.MustCompile(`^(?:` + networkntPatterns["ipv6"] + `)$`)
	checkers["ipv6"] = formatFunc(func(s string) bool {
		return strings.TrimSpace(s) == s && !strings.Contains(s, "%") && ipv6.MatchString(s)
	})
	return checkers
}

// notReproducedFormats are networknt 1.0.76 formats with their own
// validator classes (FormatKeyword.newValidator) that sgkit does not port.
var notReproducedFormats = map[string]bool{"date": true, "email": true, "duration": true}

// formatFailure returns the networknt keyword and message arguments of a
// failed format. Pattern formats report keyword "format" with the format
// name and its pattern. date-time and uuid have their own validators, whose
// keyword is "dateTime" or "uuid" and whose arguments are the value and the
// format name.
func formatFailure(format, value string) (keyword string, targets []string) {
	switch format {
	case "date-time":
		return "dateTime", []string{value, format}
	case "uuid":
		return "uuid", []string{value, format}
	}
	return "format", []string{format, networkntPatterns[format]}
}
