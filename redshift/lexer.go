package redshift

import (
	"fmt"
	"strings"
	"unicode"
)

// tokenKind classifies one lexical token of a DDL file.
type tokenKind int

const (
	tokWord   tokenKind = iota // keyword or unquoted identifier, kept as written
	tokQuoted                  // "double-quoted identifier", without the quotes
	tokString                  // 'string literal', without the quotes
	tokNumber                  // unsigned integer
	tokPunct                   // one of ( ) , ; .
	tokEOF
)

// token is one lexical token and the line it starts on, counted from 1.
type token struct {
	kind tokenKind
	text string
	line int
}

func (t token) String() string {
	switch t.kind {
	case tokQuoted:
		return `"` + t.text + `"`
	case tokString:
		return "'" + t.text + "'"
	case tokEOF:
		return "end of file"
	}
	return t.text
}

// lex splits DDL text into tokens, dropping whitespace and "--" comments.
// It covers the lexical subset igluctl and schema-ddl write; block comments,
// dollar quoting and escape strings are reported as errors with their line.
func lex(src string) ([]token, error) {
	var tokens []token
	line := 1
	runes := []rune(src)

	for i := 0; i < len(runes); {
		r := runes[i]
		switch {
		case r == '\n':
			line++
			i++
		case unicode.IsSpace(r):
			i++
		case r == '-' && i+1 < len(runes) && runes[i+1] == '-':
			for i < len(runes) && runes[i] != '\n' {
				i++
			}
		case r == '"' || r == '\'':
			end, text, err := lexQuoted(runes, i, r)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", line, err)
			}
			kind := tokQuoted
			if r == '\'' {
				kind = tokString
			}
			tokens = append(tokens, token{kind: kind, text: text, line: line})
			line += strings.Count(text, "\n")
			i = end
		case strings.ContainsRune("(),;.", r):
			tokens = append(tokens, token{kind: tokPunct, text: string(r), line: line})
			i++
		case r >= '0' && r <= '9':
			start := i
			for i < len(runes) && runes[i] >= '0' && runes[i] <= '9' {
				i++
			}
			tokens = append(tokens, token{kind: tokNumber, text: string(runes[start:i]), line: line})
		case r == '_' || unicode.IsLetter(r):
			start := i
			for i < len(runes) && (runes[i] == '_' || runes[i] == '$' ||
				unicode.IsLetter(runes[i]) || unicode.IsDigit(runes[i])) {
				i++
			}
			tokens = append(tokens, token{kind: tokWord, text: string(runes[start:i]), line: line})
		default:
			return nil, fmt.Errorf("line %d: unexpected character %q", line, r)
		}
	}
	return append(tokens, token{kind: tokEOF, line: line}), nil
}

// lexQuoted reads a quoted identifier or string literal starting at runes[start],
// where a doubled quote character stands for itself as in SQL. It returns the
// index after the closing quote and the unquoted text.
func lexQuoted(runes []rune, start int, quote rune) (int, string, error) {
	var b strings.Builder
	for i := start + 1; i < len(runes); i++ {
		if runes[i] != quote {
			b.WriteRune(runes[i])
			continue
		}
		if i+1 < len(runes) && runes[i+1] == quote {
			b.WriteRune(quote)
			i++
			continue
		}
		return i + 1, b.String(), nil
	}
	return 0, "", fmt.Errorf("unterminated %c-quoted text", quote)
}
