package resolver

import (
	"strconv"
	"strings"
)

// parseInteger returns the int64 a JSON number denotes. Numbers written with a
// fraction or exponent count when their value is a whole number ("123.0",
// "1.5e1"): the data model has only integers, and JSON cannot say which
// spelling a writer meant. It works on the decimal digits, never through
// float64 (which would round 2^53+1) and never through big.Rat (which would
// compute 10^exponent for "1e999999999").
func parseInteger(s string) (int64, error) {
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return i, nil
	}
	neg, digits, exp, ok := splitNumber(s)
	if !ok {
		return 0, dmErrorf("%q is not a number", s)
	}
	// Normalise to digits × 10^exp with no leading or trailing zeros.
	digits = strings.TrimLeft(digits, "0")
	for len(digits) > 0 && digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
		exp++
	}
	if digits == "" {
		return 0, nil
	}
	if exp < 0 {
		return 0, dmErrorf("number %s is not an integer (the data model has no floats)", s)
	}
	// int64 has at most 19 digits.
	if len(digits)+exp > 19 {
		return 0, dmErrorf("integer %s is outside the signed 64-bit range", s)
	}
	text := digits + strings.Repeat("0", exp)
	if neg {
		text = "-" + text
	}
	i, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		return 0, dmErrorf("integer %s is outside the signed 64-bit range", s)
	}
	return i, nil
}

// maxExponent bounds the exponent we read. Inputs are far shorter than it, so
// a clamped exponent still decides "out of range" or "not an integer" rightly.
const maxExponent = 1_000_000_000

// splitNumber splits a JSON number into sign, its significant digits (integer
// and fraction parts joined) and the power of ten that scales them.
func splitNumber(s string) (neg bool, digits string, exp int, ok bool) {
	if strings.HasPrefix(s, "-") {
		neg, s = true, s[1:]
	}
	mant, expPart, hasExp := strings.Cut(strings.ToLower(s), "e")
	intPart, frac, _ := strings.Cut(mant, ".")
	if intPart == "" || !allDigits(intPart) || !allDigits(frac) {
		return false, "", 0, false
	}
	if hasExp {
		sign := 1
		switch {
		case strings.HasPrefix(expPart, "+"):
			expPart = expPart[1:]
		case strings.HasPrefix(expPart, "-"):
			sign, expPart = -1, expPart[1:]
		}
		if expPart == "" || !allDigits(expPart) {
			return false, "", 0, false
		}
		expPart = strings.TrimLeft(expPart, "0")
		exp = maxExponent
		if len(expPart) < 10 {
			n, _ := strconv.Atoi("0" + expPart)
			exp = min(n, maxExponent)
		}
		exp *= sign
	}
	return neg, intPart + frac, exp - len(frac), true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
