package datamodel

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func TestKindOf(t *testing.T) {
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"null", nil, "null"},
		{"boolean", false, "a boolean"},
		{"string", "x", "a string"},
		{"integer", json.Number("-7"), "an integer"},
		{"integer written with a fraction", json.Number("123.0"), "an integer"},
		{"integer written with an exponent", json.Number("1e2"), "an integer"},
		{"largest int64", json.Number("9223372036854775807"), "an integer"},
		{"2^63", json.Number("9223372036854775808"), "an integer beyond 64 bits"},
		{"float", json.Number("1.5"), "a float"},
		{"not number syntax", json.Number("1.5.5"), "a number"},
		{"array", []any{}, "an array"},
		{"object", map[string]any{}, "an object"},
		{"Go float, whole", 3.0, "an integer"},
		{"Go float, fraction", 1.5, "a float"},
		{"Go float, beyond 64 bits", 1e19, "an integer beyond 64 bits"},
		{"Go float, infinite", math.Inf(1), "a float"},
		{"Go integer", 7, "an integer"},
		{"not from the decoder", struct{}{}, "struct {}"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := KindOf(tc.v); got != tc.want {
				t.Errorf("KindOf(%#v): got %q, want %q", tc.v, got, tc.want)
			}
		})
	}
}

func TestDescribe(t *testing.T) {
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"string", "hi", `"hi"`},
		{"long string, cut at a rune", strings.Repeat("a", 63) + "é" + "z", `"` + strings.Repeat("a", 63) + `"…`},
		{"number as written", json.Number("1.50e+3"), "1.50e+3"},
		{"boolean", true, "true"},
		{"null", nil, "null"},
		{"Go int64", int64(-3), "-3"},
		{"Go int", 7, "7"},
		{"array", []any{}, "an array"},
		{"object", map[string]any{}, "an object"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Describe(tc.v); got != tc.want {
				t.Errorf("Describe(%#v): got %q, want %q", tc.v, got, tc.want)
			}
		})
	}
}
