package adapter

import (
	"fmt"
	"strings"
)

// asciiOpaqueCharsets are the JVM charsets whose decoder does not turn the
// bytes 0x00-0x7F into the same characters (OpenJDK 17, every charset of
// Charset.availableCharsets() decoding all 128 bytes with REPORT, checked
// with a throwaway program): EBCDIC, UTF-16/32 and ISO-2022 families.
var asciiOpaqueCharsets = setOf(`IBM-Thai IBM01140 IBM01141 IBM01142 IBM01143
IBM01144 IBM01145 IBM01146 IBM01147 IBM01148 IBM01149 IBM037 IBM1026 IBM1047
IBM273 IBM277 IBM278 IBM280 IBM284 IBM285 IBM290 IBM297 IBM420 IBM424 IBM500
IBM864 IBM870 IBM871 IBM918 ISO-2022-CN ISO-2022-JP ISO-2022-JP-2 ISO-2022-KR
JIS_X0212-1990 UTF-16 UTF-16BE UTF-16LE UTF-32 UTF-32BE UTF-32LE x-IBM1025
x-IBM1097 x-IBM1112 x-IBM1122 x-IBM1123 x-IBM1166 x-IBM1364 x-IBM300
x-IBM33722 x-IBM833 x-IBM834 x-IBM875 x-IBM930 x-IBM933 x-IBM935 x-IBM937
x-IBM939 x-IBM942 x-IBM943 x-IBM949 x-ISO-2022-CN-CNS x-ISO-2022-CN-GB
x-JIS0208 x-MacDingbat x-MacSymbol x-UTF-16LE-BOM X-UTF-32BE-BOM
X-UTF-32LE-BOM x-windows-50220 x-windows-50221 x-windows-iso2022jp`)

func setOf(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// checkBodyCharset returns an error for a body sgkit cannot read as the
// collector does. Stream collector 3.4.0 reads a POST body with http4s
// bodyText (Routes.scala), which decodes with the Content-Type's charset.
// For UTF-8 that is fs2's UTF-8 decoder (DecodeBody). For another charset
// fs2 3.x uses decodeCWithGenericCharset, and sgkit models neither its text
// nor its failure on undecodable bytes, which leaves no event at all. So
// Predict goes on only where the text is the same: an ASCII body in a
// charset that reads ASCII as ASCII.
// NOTE: the fs2 behaviour (MalformedInputException) and the status the
// collector then responds with were not confirmed against fs2's source.
// TODO: decode with the named charset (golang.org/x/text) and predict the
// collector's response for undecodable bytes.
func checkBodyCharset(cp CollectorPayload) error {
	if cp.Body == nil {
		return nil
	}
	stored := storedContentType(cp.ContentType)
	if stored == nil {
		return nil
	}
	// NormalizeContentType renders a known charset last, lowercased.
	i := strings.LastIndex(*stored, "; charset=")
	if i < 0 {
		return nil
	}
	charset, known := javaCharset((*stored)[i+len("; charset="):])
	if !known || charset == "UTF-8" {
		return nil
	}
	ascii := true
	for i := 0; i < len(*cp.Body); i++ {
		if (*cp.Body)[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii && !asciiOpaqueCharsets[charset] {
		return nil
	}
	return fmt.Errorf("the Content-Type names charset %s, which the collector decodes the body with (http4s bodyText), "+
		"and it sinks nothing for bytes %s cannot decode; sgkit models UTF-8 bodies, and ASCII bodies in a charset that reads ASCII as ASCII, only: "+
		"percent-encode the body's non-ASCII bytes, or name charset UTF-8 or none", charset, charset)
}
