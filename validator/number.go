package validator

// numberClass is what JSON number text denotes in the data model, which has
// only 64-bit signed integers.
type numberClass int

const (
	numberInteger    numberClass = iota // an int64, possibly written 123.0 or 1e2
	numberFraction                      // not a whole number: a float
	numberOutOfRange                    // a whole number beyond int64
	numberMalformed                     // not JSON number syntax
)

// maxExponentDigits bounds the exponent we evaluate; anything larger is
// classified without arithmetic, so "1e999999999" costs nothing.
const maxExponentDigits = 4

// classifyNumber classifies JSON number text and returns its value when it is
// an integer in int64 range. It never allocates.
func classifyNumber(s string) (int64, numberClass) {
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
		return 0, numberMalformed
	}
	if i < len(s) && s[i] == '.' {
		i++
		fs := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			digit(s[i], true)
			i++
		}
		if i == fs {
			return 0, numberMalformed
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
			return 0, numberMalformed
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
		return 0, numberMalformed
	}
	if mantDigits == 0 {
		return 0, numberInteger // zero, however written
	}
	// Value = mant * 10^(pendingZeros + exp10 + exp).
	e := pendingZeros + exp10 + exp
	if e < 0 {
		return 0, numberFraction
	}
	if overflow || mantDigits+e > 19 {
		return 0, numberOutOfRange
	}
	for ; e > 0; e-- {
		if !mulAdd(&mant, 0) {
			return 0, numberOutOfRange
		}
	}
	if neg {
		if mant > 1<<63 {
			return 0, numberOutOfRange
		}
		return -int64(mant), numberInteger
	}
	if mant > 1<<63-1 {
		return 0, numberOutOfRange
	}
	return int64(mant), numberInteger
}

// mulAdd sets *m = *m*10 + d, reporting false on uint64 overflow.
func mulAdd(m *uint64, d uint64) bool {
	if *m > (1<<64-1-d)/10 {
		return false
	}
	*m = *m*10 + d
	return true
}
