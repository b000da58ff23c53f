package cli

import (
	"encoding/json"
	"strconv"
	"strings"
)

// pointerLines returns, for each JSON Pointer in ptrs, the 1-based line in
// data (one JSON document) where the value it names starts, so annotations
// land on the offending line. A pointer deeper than the document (a missing
// required field) gets the line of its deepest existing ancestor; when data
// is not JSON, what could be read counts. One pass over data answers every
// pointer, so a value with many errors costs no more than one with a few.
func pointerLines(data string, ptrs []string) []int {
	offs := pointerOffsets(data, ptrs)
	lines := make([]int, len(ptrs))
	for i, off := range offs {
		lines[i] = 1 + strings.Count(data[:off], "\n")
	}
	return lines
}

// pointerOffsets is pointerLines' answer as byte offsets in data: where the
// value each pointer names (or its deepest existing ancestor) starts.
func pointerOffsets(data string, ptrs []string) []int {
	// Record the offset of every prefix of a wanted pointer: the pointers'
	// own values, and the ancestors that stand in for missing ones.
	offsets := make(map[string]int)
	for _, p := range ptrs {
		for q := p; ; q = parentPointer(q) {
			offsets[q] = -1
			if q == "" {
				break
			}
		}
	}
	w := &pointerWalker{dec: json.NewDecoder(strings.NewReader(data)), data: data, offsets: offsets}
	w.dec.UseNumber()
	w.value("", skipSpace(data, 0))

	out := make([]int, len(ptrs))
	for i, p := range ptrs {
		for q := p; ; q = parentPointer(q) {
			if o := offsets[q]; o >= 0 {
				out[i] = o
				break
			}
			if q == "" {
				break
			}
		}
	}
	return out
}

// parentPointer drops the last reference token: "/a/b" → "/a", "/a" → "".
func parentPointer(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return ""
}

var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

type pointerWalker struct {
	dec     *json.Decoder
	data    string
	offsets map[string]int // wanted pointers (and ancestors) → offset, -1 until seen
}

// value reads the value at path, which starts at offset start. It returns
// false when the document ends early or is not JSON.
func (w *pointerWalker) value(path string, start int) bool {
	if _, wanted := w.offsets[path]; !wanted {
		// Nothing below is wanted either: every prefix of a wanted pointer is.
		return skipValue(w.dec) == nil
	}
	w.offsets[path] = start
	tok, err := w.dec.Token()
	if err != nil {
		return false
	}
	switch tok {
	case json.Delim('{'):
		for w.dec.More() {
			key, err := w.dec.Token()
			if err != nil {
				return false
			}
			child := path + "/" + pointerEscaper.Replace(key.(string))
			if !w.value(child, skipSpace(w.data, int(w.dec.InputOffset()))) {
				return false
			}
		}
	case json.Delim('['):
		for i := 0; w.dec.More(); i++ {
			child := path + "/" + strconv.Itoa(i)
			if !w.value(child, skipSpace(w.data, int(w.dec.InputOffset()))) {
				return false
			}
		}
	default:
		return true
	}
	_, err = w.dec.Token() // the closing delimiter
	return err == nil
}

// skipSpace returns the offset of the next value's first byte at or after
// off, past whitespace and the separators the decoder leaves behind.
func skipSpace(data string, off int) int {
	for off < len(data) {
		switch data[off] {
		case ' ', '\t', '\r', '\n', ':', ',':
			off++
		default:
			return off
		}
	}
	return len(data)
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
