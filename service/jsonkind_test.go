package service

import (
	"encoding/json"
	"testing"
)

func TestJSONKind(t *testing.T) {
	tests := []struct {
		name string
		v    any
		want string
	}{
		{name: "null", v: nil, want: "null"},
		{name: "object", v: map[string]any{}, want: "an object"},
		{name: "array", v: []any{}, want: "an array"},
		{name: "string", v: "x", want: "a string"},
		{name: "boolean", v: true, want: "a boolean"},
		{name: "number", v: json.Number("1"), want: "a number"},
		{name: "not from the decoder", v: 1.5, want: "float64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := JSONKind(tt.v); got != tt.want {
				t.Errorf("JSONKind(%#v): got %q, want %q", tt.v, got, tt.want)
			}
		})
	}
}
