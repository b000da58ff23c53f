package datamodel

import (
	"encoding/json"
	"math"
)

// NumberClass is what JSON number text denotes in the data model, which has
// only 64-bit signed integers.
type NumberClass int

const (
	NumberInteger    NumberClass = iota // an int64, possibly written 123.0 or 1e2
	NumberFraction                      // not a whole number: a float
	NumberOutOfRange                    // a whole number beyond int64
	NumberMalformed                     // not JSON number syntax
)

// maxExponentDigits bounds the exponent we evaluate; anything larger is
// classified without arithmetic, so "1e999999999" costs nothing.
const maxExponentDigits = 4

// ClassifyNumber classifies JSON number text and returns its value when it is
// an integer in int64 range. It works on the decimal digits, never through
// float64 (which would round 2^53+1) nor big numbers (which would compute
// 10^999999999 for "1e999999999"), and it never allocates: it runs on every
// number of every value.
func ClassifyNumber(s string) (int64, NumberClass) {
	i := 0
	neg := false
	if i < len(s) && s[i] == '-' {
		neg = true
		i++
	}
	// Significant digits of integer and fraction parts, with trailing zeros
	// folded into the exponent.
	var mant uint64
	mantDigits := 0 // significant digits held in mant (leading zeros dropped)
	exp10 := 0
	pendingZeros := 0 // zeros seen after the last non-zero significant digit
	overflow := false
	digit := func(d byte, fractional bool) {
		if fractional {
			exp10--
		}
		if d == '0' {
			if mantDigits > 0 {
				pendingZeros++
			}
			return
		}
		// Flush the zeros between the previous non-zero digit and this one.
		for ; pendingZeros > 0; pendingZeros-- {
			if !mulAdd(&mant, 0) {
				overflow = true
			}
			mantDigits++
		}
		if !mulAdd(&mant, uint64(d-'0')) {
			overflow = true
		}
		mantDigits++
	}
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		digit(s[i], false)
		i++
	}
	if i == start || (s[start] == '0' && i-start > 1) {
		return 0, NumberMalformed
	}
	if i < len(s) && s[i] == '.' {
		i++
		fs := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			digit(s[i], true)
			i++
		}
		if i == fs {
			return 0, NumberMalformed
		}
	}
	exp := 0
	expHuge := false
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		expNeg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			expNeg = s[i] == '-'
			i++
		}
		es := i
		sig := 0 // significant exponent digits
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			if sig > 0 || s[i] != '0' {
				sig++
				if sig > maxExponentDigits {
					expHuge = true
				} else {
					exp = exp*10 + int(s[i]-'0')
				}
			}
			i++
		}
		if i == es {
			return 0, NumberMalformed
		}
		if expNeg {
			exp = -exp
			if expHuge {
				exp = -1 << 30
			}
		} else if expHuge {
			exp = 1 << 30
		}
	}
	if i != len(s) {
		return 0, NumberMalformed
	}
	if mantDigits == 0 {
		return 0, NumberInteger // zero, however written
	}
	// Value = mant * 10^(pendingZeros + exp10 + exp).
	e := pendingZeros + exp10 + exp
	if e < 0 {
		return 0, NumberFraction
	}
	if overflow || mantDigits+e > 19 {
		return 0, NumberOutOfRange
	}
	for ; e > 0; e-- {
		if !mulAdd(&mant, 0) {
			return 0, NumberOutOfRange
		}
	}
	if neg {
		if mant > 1<<63 {
			return 0, NumberOutOfRange
		}
		return -int64(mant), NumberInteger
	}
	if mant > 1<<63-1 {
		return 0, NumberOutOfRange
	}
	return int64(mant), NumberInteger
}

// mulAdd sets *m = *m*10 + d, reporting false on uint64 overflow.
func mulAdd(m *uint64, d uint64) bool {
	if *m > (1<<64-1-d)/10 {
		return false
	}
	*m = *m*10 + d
	return true
}

// Int64 returns the integer a decoded value holds: a json.Number from
// DecodeJSON, judged by ClassifyNumber (so "1e2" is 100), a float64 from
// encoding/json's defaults, or a Go int or int64. ok is false for anything
// else, fractions and integers beyond 64 bits included.
func Int64(v any) (n int64, ok bool) {
	switch x := v.(type) {
	case json.Number:
		i, class := ClassifyNumber(string(x))
		return i, class == NumberInteger
	case float64:
		if x != math.Trunc(x) || x < -(1<<63) || x >= 1<<63 {
			return 0, false
		}
		return int64(x), true
	case int:
		return int64(x), true
	case int64:
		return x, true
	}
	return 0, false
}
