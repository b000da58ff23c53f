package cli

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// pointerLine returns the 1-based line in data (one JSON document) where the
// value at the JSON Pointer ptr starts, so annotations land on the offending
// line. When ptr goes deeper than the document (a missing required field),
// it is the line of the deepest value that exists; when data is not JSON,
// line 1.
func pointerLine(data []byte, ptr string) int {
	return 1 + bytes.Count(data[:pointerOffset(data, ptr)], []byte{'\n'})
}

// pointerUnescaper undoes RFC 6901 escaping; ~1 first, as the RFC requires.
var pointerUnescaper = strings.NewReplacer("~1", "/", "~0", "~")

func pointerOffset(data []byte, ptr string) int {
	dec := json.NewDecoder(bytes.NewReader(data))
	best := skipSpace(data, 0)
	if ptr == "" || ptr[0] != '/' {
		return best
	}
	for _, seg := range strings.Split(ptr[1:], "/") {
		seg = pointerUnescaper.Replace(seg)
		tok, err := dec.Token()
		if err != nil {
			return best
		}
		found := false
		switch tok {
		case json.Delim('{'):
			for dec.More() {
				key, err := dec.Token()
				if err != nil {
					return best
				}
				if key == seg {
					best, found = skipSpace(data, int(dec.InputOffset())), true
					break
				}
				if skipValue(dec) != nil {
					return best
				}
			}
		case json.Delim('['):
			want, err := strconv.Atoi(seg)
			if err != nil {
				return best
			}
			for i := 0; dec.More(); i++ {
				if i == want {
					best, found = skipSpace(data, int(dec.InputOffset())), true
					break
				}
				if skipValue(dec) != nil {
					return best
				}
			}
		}
		if !found {
			return best
		}
	}
	return best
}

// skipSpace returns the offset of the next value's first byte at or after
// off, past whitespace and the separators the decoder leaves behind.
func skipSpace(data []byte, off int) int {
	for off < len(data) {
		switch data[off] {
		case ' ', '\t', '\r', '\n', ':', ',':
			off++
		default:
			return off
		}
	}
	return min(off, len(data))
}

// skipValue consumes one whole value from dec.
func skipValue(dec *json.Decoder) error {
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}
