package validator

import "testing"

func TestClassifyNumber(t *testing.T) {
	tests := []struct {
		in    string
		want  int64
		class numberClass
	}{
		{"0", 0, numberInteger},
		{"-0", 0, numberInteger},
		{"0.0", 0, numberInteger},
		{"123", 123, numberInteger},
		{"123.0", 123, numberInteger},
		{"123.000", 123, numberInteger},
		{"1e2", 100, numberInteger},
		{"1E+2", 100, numberInteger},
		{"1.5e1", 15, numberInteger},
		{"1500e-2", 15, numberInteger},
		{"9007199254740993", 9007199254740993, numberInteger},
		{"9223372036854775807", 9223372036854775807, numberInteger},
		{"-9223372036854775808", -9223372036854775808, numberInteger},
		{"0.000e5", 0, numberInteger},
		{"1.5", 0, numberFraction},
		{"123.456", 0, numberFraction},
		{"1e-1", 0, numberFraction},
		{"100e-3", 0, numberFraction},
		{"1e-99999999999", 0, numberFraction},
		{"9223372036854775808", 0, numberOutOfRange},
		{"-9223372036854775809", 0, numberOutOfRange},
		{"18446744073709551616", 0, numberOutOfRange},
		{"1e19", 0, numberOutOfRange},
		{"1e999999999", 0, numberOutOfRange},
		{"123456789012345678901234567890", 0, numberOutOfRange},
		{"", 0, numberMalformed},
		{"-", 0, numberMalformed},
		{"01", 0, numberMalformed},
		{"1.", 0, numberMalformed},
		{".5", 0, numberMalformed},
		{"1e", 0, numberMalformed},
		{"1x", 0, numberMalformed},
		{"NaN", 0, numberMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, class := classifyNumber(tc.in)
			if got != tc.want || class != tc.class {
				t.Errorf("got %d, class %d; want %d, class %d", got, class, tc.want, tc.class)
			}
		})
	}
}
