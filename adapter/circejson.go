package adapter

import "strings"

// writeCirceString appends s as a JSON string the way circe's
// Printer.noSpaces writes it (circe 0.14 Printer.PrintingFolder.onString,
// which enrich uses to build ue_pr): '"' and '\\' escaped; \b \f \n \r \t
// as short escapes; every other ISO control character (Character.isISOControl:
// U+0000-U+001F, U+007F-U+009F) as a lowercase \u00xx escape; everything
// else (non-ASCII, '<', '/', U+2028) as it is.
func writeCirceString(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 || (r >= 0x7F && r <= 0x9F) {
				b.WriteString(`\u00`)
				b.WriteByte(hex[r>>4])
				b.WriteByte(hex[r&0xF])
				continue
			}
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}
