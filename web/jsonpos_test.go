package web

import "testing"

func TestSyntaxPosition(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		line, col int
		ok        bool
	}{
		{name: "valid", in: `{"a": 1}`},
		{name: "missing value", in: "{\n  \"did\": plc\n}", line: 2, col: 10, ok: true},
		{name: "missing comma", in: "{\"a\": 1\n \"b\": 2}", line: 2, col: 2, ok: true},
		{name: "trailing comma", in: `[1,]`, line: 1, col: 4, ok: true},
		{name: "trailing data", in: `{} x`, line: 1, col: 4, ok: true},
		{name: "columns count characters", in: `["éé" x]`, line: 1, col: 7, ok: true},
		{name: "unexpected end", in: "{\n\"a\": ", line: 2, col: 6, ok: true},
		{name: "unclosed string", in: `["abc`, line: 1, col: 6, ok: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line, col, ok := syntaxPosition([]byte(tt.in))
			if line != tt.line || col != tt.col || ok != tt.ok {
				t.Errorf("got line %d column %d ok %v, want line %d column %d ok %v", line, col, ok, tt.line, tt.col, tt.ok)
			}
		})
	}
}

func TestJSONProblem(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		line, col int
	}{
		{name: "syntax", in: "{\n  \"did\": plc\n}", line: 2, col: 10},
		{name: "duplicate key", in: "{\"a\": 1,\n \"a\": 2}", line: 2, col: 2},
		{name: "columns count characters", in: `["éé" x]`, line: 1, col: 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeValue(tt.in)
			if err == nil {
				t.Fatal("decodeValue: got no error")
			}
			p := jsonProblem("Not valid JSON", "value", []byte(tt.in), err)
			if p.Line != tt.line || p.Column != tt.col {
				t.Errorf("got line %d column %d, want line %d column %d (%s)", p.Line, p.Column, tt.line, tt.col, p.Message)
			}
			if p.Message == "" || p.Status != 400 {
				t.Errorf("got status %d message %q, want 400 and a message", p.Status, p.Message)
			}
		})
	}
}
