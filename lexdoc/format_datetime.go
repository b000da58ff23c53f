package lexdoc

// scanDatetime: the datetime format (https://atproto.com/specs/lexicon#datetime),
// the intersection of RFC 3339, ISO 8601 and WHATWG HTML:
//
//	YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)
//
// with upper-case 'T' and 'Z', whole seconds required, any number of fraction
// digits, and "-00:00" refused.
//
// The spec says implementations "should" check that the datetime is real; we
// do (datetime_parse_invalid.txt): month 01-12, day within the month
// (Gregorian leap years, year 0000 being one), hour 00-23, minute and second
// 00-59 (no leap second: WHATWG HTML has none), offset hour 00-23 and minute
// 00-59, and no datetime before 0000-01-01T00:00:00Z once the offset is
// applied ("0000-01-01T00:00:00+01:00" normalizes to a negative time).
//
// indigo's ParseDatetime passes every fixture but limits the string to 64
// characters and the fraction to 20 digits, which the spec does not ("arbitrary
// fractional precision digits are allowed"); this scan does not. A time that
// normalizes past year 9999 (9999-12-31T23:00:00-05:00) is accepted, as by
// indigo: the spec sets no upper bound.
func scanDatetime(s string) bool {
	// Shortest: "1985-04-12T23:20:50Z".
	if len(s) < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return false
	}
	year, ok1 := decimal(s[0:4])
	month, ok2 := decimal(s[5:7])
	day, ok3 := decimal(s[8:10])
	hour, ok4 := decimal(s[11:13])
	minute, ok5 := decimal(s[14:16])
	second, ok6 := decimal(s[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
		return false
	}
	if month < 1 || month > 12 || day < 1 || day > daysIn(month, year) || hour > 23 || minute > 59 || second > 59 {
		return false
	}
	i := 19
	if s[i] == '.' {
		i++
		start := i
		for i < len(s) && asciiDigit(s[i]) {
			i++
		}
		if i == start {
			return false
		}
	}
	offset := 0 // minutes east of UTC
	switch tz := s[i:]; {
	case tz == "Z":
	case len(tz) == 6 && (tz[0] == '+' || tz[0] == '-') && tz[3] == ':':
		oh, okh := decimal(tz[1:3])
		om, okm := decimal(tz[4:6])
		if !okh || !okm || oh > 23 || om > 59 {
			return false
		}
		offset = oh*60 + om
		if tz[0] == '-' {
			if offset == 0 {
				return false // ISO 8601 forbids "-00:00"
			}
			offset = -offset
		}
	default:
		return false
	}
	// Only the first day of year 0000 can fall before year zero, and only by
	// less than a day, so comparing seconds since midnight suffices. A fraction
	// cannot lift a negative whole-second difference to zero.
	if year == 0 && month == 1 && day == 1 && hour*3600+minute*60+second < offset*60 {
		return false
	}
	return true
}

// decimal parses a short run of ASCII digits.
func decimal(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if !asciiDigit(s[i]) {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
