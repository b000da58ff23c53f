package web

import (
	"bytes"
	"encoding/json"
)

// token is a run of pretty-printed JSON; Class names its kind for the
// stylesheet ("" for punctuation and whitespace). The template escapes Text,
// so highlighting needs no trusted HTML. Href, when set, links a string
// that names a definition to its documentation.
type token struct {
	Class string
	Text  string
	Href  string
}

// frame is an object or array highlight is inside: the key it is the
// value of, and for an object the key of the member being read.
type frame struct {
	array         bool
	key, memberOf string
}

// highlight pretty-prints raw JSON and splits it into tokens: object keys,
// strings, numbers and literals. Invalid JSON comes back as one plain token.
// A string that is the value of a "ref" member, or an item of a "refs"
// array, names a definition in a lexicon document: link, when not nil,
// gives its address ("" for none).
func highlight(raw []byte, link func(ref string) string) []token {
	buf, err := indentJSON(raw)
	if err != nil {
		return []token{{Text: string(raw)}}
	}
	var out []token
	var stack []frame
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
				if len(stack) > 0 {
					stack[len(stack)-1].key = unquote(buf[i:j])
				}
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
		case c == '{' || c == '[':
			f := frame{array: c == '['}
			if len(stack) > 0 {
				f.memberOf = stack[len(stack)-1].key
			}
			stack = append(stack, f)
			i++
			continue
		case c == '}' || c == ']':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			i++
			continue
		default:
			i++
			continue
		}
		flush(i)
		tok := token{Class: class, Text: string(buf[i:j])}
		if class == "str" && link != nil && len(stack) > 0 {
			if top := stack[len(stack)-1]; !top.array && top.key == "ref" || top.array && top.memberOf == "refs" {
				tok.Href = link(unquote(buf[i:j]))
			}
		}
		out = append(out, tok)
		i, plain = j, j
	}
	flush(len(buf))
	return out
}

// unquote is the string a JSON string literal holds; "" when it is not one.
func unquote(lit []byte) string {
	var s string
	if json.Unmarshal(lit, &s) != nil {
		return ""
	}
	return s
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
