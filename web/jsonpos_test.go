package web

import "testing"

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
