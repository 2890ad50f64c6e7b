package collector

import (
	"github.com/sgkit/sgkit/adapter"
)

// storedContentType returns the content type the collector stores for a
// Content-Type header, as the adapter models http4s' parse-and-render and
// the collector's lowercasing. It returns nil when there was no header or
// http4s cannot parse it.
func storedContentType(header *string) *string {
	if header == nil {
		return nil
	}
	s, ok := adapter.NormalizeContentType(*header)
	if !ok {
		return nil
	}
	return &s
}

// querystringPairs splits a raw query string into Micro's "name=value"
// strings (Routing.scala's NameValuePair encoder writes a null value as
// "null"), decoded as enrich's loader decodes them.
func querystringPairs(query string) []string {
	out := []string{}
	for _, nv := range adapter.FormDecode(query) {
		value := "null"
		if nv.Value != nil {
			value = *nv.Value
		}
		out = append(out, nv.Name+"="+value)
	}
	return out
}
