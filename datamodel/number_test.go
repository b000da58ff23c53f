package datamodel

import (
	"encoding/json"
	"testing"
)

func TestClassifyNumber(t *testing.T) {
	tests := []struct {
		in    string
		want  int64
		class NumberClass
	}{
		{"0", 0, NumberInteger},
		{"-0", 0, NumberInteger},
		{"0.0", 0, NumberInteger},
		{"123", 123, NumberInteger},
		{"123.0", 123, NumberInteger},
		{"123.000", 123, NumberInteger},
		{"1e2", 100, NumberInteger},
		{"1E+2", 100, NumberInteger},
		{"1.5e1", 15, NumberInteger},
		{"1500e-2", 15, NumberInteger},
		{"9007199254740993", 9007199254740993, NumberInteger},
		{"9223372036854775807", 9223372036854775807, NumberInteger},
		{"-9223372036854775808", -9223372036854775808, NumberInteger},
		{"0.000e5", 0, NumberInteger},
		{"1.5", 0, NumberFraction},
		{"123.456", 0, NumberFraction},
		{"1e-1", 0, NumberFraction},
		{"100e-3", 0, NumberFraction},
		{"1e-99999999999", 0, NumberFraction},
		{"9223372036854775808", 0, NumberOutOfRange},
		{"-9223372036854775809", 0, NumberOutOfRange},
		{"18446744073709551616", 0, NumberOutOfRange},
		{"1e19", 0, NumberOutOfRange},
		{"1e999999999", 0, NumberOutOfRange},
		{"123456789012345678901234567890", 0, NumberOutOfRange},
		{"", 0, NumberMalformed},
		{"-", 0, NumberMalformed},
		{"01", 0, NumberMalformed},
		{"1.", 0, NumberMalformed},
		{".5", 0, NumberMalformed},
		{"1e", 0, NumberMalformed},
		{"1x", 0, NumberMalformed},
		{"NaN", 0, NumberMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, class := ClassifyNumber(tc.in)
			if got != tc.want || class != tc.class {
				t.Errorf("got %d, class %d; want %d, class %d", got, class, tc.want, tc.class)
			}
		})
	}
}

func TestInt64(t *testing.T) {
	tests := []struct {
		name string
		v    any
		want int64
		ok   bool
	}{
		{"JSON integer", json.Number("-7"), -7, true},
		{"JSON integer with an exponent", json.Number("1e2"), 100, true},
		{"JSON float", json.Number("1.5"), 0, false},
		{"JSON integer beyond 64 bits", json.Number("9223372036854775808"), 0, false},
		{"Go float, whole", 3.0, 3, true},
		{"Go float, fraction", 2.5, 0, false},
		{"Go float, beyond 64 bits", 1e19, 0, false},
		{"Go int", 4, 4, true},
		{"Go int64", int64(5), 5, true},
		{"string", "1", 0, false},
		{"null", nil, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Int64(tc.v)
			if got != tc.want || ok != tc.ok {
				t.Errorf("Int64(%#v): got %d, %v; want %d, %v", tc.v, got, ok, tc.want, tc.ok)
			}
		})
	}
}
