package web

import (
	"bytes"
	"encoding/json"
)

// token is a run of pretty-printed JSON; Class names its kind for the
// stylesheet ("" for punctuation and whitespace). The template escapes Text,
// so highlighting needs no trusted HTML.
type token struct {
	Class string
	Text  string
}

// highlight pretty-prints raw JSON and splits it into tokens: object keys,
// strings, numbers and literals. Invalid JSON comes back as one plain token.
func highlight(raw []byte) []token {
	buf, err := indentJSON(raw)
	if err != nil {
		return []token{{Text: string(raw)}}
	}
	var out []token
	plain := 0 // start of the pending plain run
	flush := func(i int) {
		if i > plain {
			out = append(out, token{Text: string(buf[plain:i])})
		}
	}
	for i := 0; i < len(buf); {
		c := buf[i]
		var class string
		j := i
		switch {
		case c == '"':
			j = stringEnd(buf, i)
			class = "str"
			if nextNonSpace(buf, j) == ':' {
				class = "key"
			}
		case c == '-' || (c >= '0' && c <= '9'):
			for j < len(buf) && isNumberByte(buf[j]) {
				j++
			}
			class = "num"
		case c == 't' || c == 'f' || c == 'n':
			for j < len(buf) && buf[j] >= 'a' && buf[j] <= 'z' {
				j++
			}
			class = "lit"
		default:
			i++
			continue
		}
		flush(i)
		out = append(out, token{Class: class, Text: string(buf[i:j])})
		i, plain = j, j
	}
	flush(len(buf))
	return out
}

func indentJSON(raw []byte) ([]byte, error) {
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// stringEnd returns the index just past the string literal starting at i.
func stringEnd(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(b)
}

func nextNonSpace(b []byte, i int) byte {
	for ; i < len(b); i++ {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			continue
		}
		return b[i]
	}
	return 0
}

func isNumberByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}
