package lexdoc

import "slices"

// The Lexicon string formats (https://atproto.com/specs/lexicon#string-formats).
//
// Each format is a hand-written byte scan rather than indigo's
// atproto/syntax Parse functions: those are regular expressions (80 ns to
// 5 µs a call, and ParseATURI allocates), and CheckFormat runs on every string
// of every value validated. The scans accept exactly what indigo accepts
// except where indigo disagrees with the specification or the interop
// fixtures; each such place is documented on the scan. format_test.go checks
// every fixture line and fuzzes each scan against indigo, so a difference
// that is not documented fails the build.

// formatNames lists the Lexicon string formats, sorted.
var formatNames = []string{"at-identifier", "at-uri", "cid", "datetime", "did", "handle", "language", "nsid", "record-key", "tid", "uri"}

// FormatNames returns the names of the Lexicon string formats, sorted.
func FormatNames() []string { return slices.Clone(formatNames) }

// CheckFormat reports whether s is a valid value of the named Lexicon string
// format. ok is false for a format name that Lexicon does not define.
func CheckFormat(format, s string) (valid, ok bool) {
	check, ok := FormatChecker(format)
	if !ok {
		return false, false
	}
	return check(s), true
}

// FormatChecker returns the check of the named Lexicon string format, so that
// a compiled schema can look the format up once instead of on every value. ok
// is false for a format name that Lexicon does not define.
func FormatChecker(format string) (check func(string) bool, ok bool) {
	switch format {
	case "at-identifier":
		return scanATIdentifier, true
	case "at-uri":
		return scanATURI, true
	case "cid":
		return scanCID, true
	case "datetime":
		return scanDatetime, true
	case "did":
		return scanDID, true
	case "handle":
		return scanHandle, true
	case "language":
		return scanLanguage, true
	case "nsid":
		return scanNSID, true
	case "record-key":
		return scanRecordKey, true
	case "tid":
		return scanTID, true
	case "uri":
		return scanURI, true
	}
	return nil, false
}

// FormatNoun names what a value of the format is, for messages such as
// "must be a valid DID". For a name Lexicon does not define it returns the
// name unchanged.
func FormatNoun(format string) string {
	switch format {
	case "at-identifier":
		return "handle or DID"
	case "at-uri":
		return "AT-URI"
	case "cid":
		return "CID"
	case "datetime":
		return "datetime"
	case "did":
		return "DID"
	case "handle":
		return "handle"
	case "language":
		return "language tag"
	case "nsid":
		return "NSID"
	case "record-key":
		return "record key"
	case "tid":
		return "TID"
	case "uri":
		return "URI"
	}
	return format
}

func asciiDigit(c byte) bool { return '0' <= c && c <= '9' }

func asciiAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func asciiAlnum(c byte) bool { return asciiAlpha(c) || asciiDigit(c) }
