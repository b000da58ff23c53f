package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"unicode/utf8"
)

// syntaxPosition locates the first JSON syntax error in data as a 1-based
// line and column (in characters), for a decoding error that does not carry
// its position. It says nothing when data is syntactically fine.
func syntaxPosition(data []byte) (line, col int, ok bool) {
	var raw json.RawMessage
	err := json.Unmarshal(data, &raw)
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return 0, 0, false
	}
	// Offset counts the bytes read, including the offending one; text that
	// stops too early is at fault where it ends.
	off := min(max(int(se.Offset)-1, 0), len(data))
	if truncated(data) {
		off = len(data)
	}
	line, col = position(data, off)
	return line, col, true
}

// position is the 1-based line and column (in characters) of byte offset off.
func position(data []byte, off int) (line, col int) {
	off = min(max(off, 0), len(data))
	line, col = 1, 1
	for i := 0; i < off; {
		r, size := utf8.DecodeRune(data[i:])
		i += size
		if r == '\n' {
			line, col = line+1, 1
			continue
		}
		col++
	}
	return line, col
}

// truncated reports whether data is the beginning of a JSON value.
func truncated(data []byte) bool {
	var raw json.RawMessage
	err := json.NewDecoder(bytes.NewReader(data)).Decode(&raw)
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}
