package lexdoc

import "strings"

// maxURILength is the Lexicon limit on at-uri and uri strings (8 KiB).
const maxURILength = 8 * 1024

// scanATURI: the restricted AT-URI syntax Lexicon uses
// (https://atproto.com/specs/at-uri-scheme): "at://" authority, then
// optionally "/" collection and "/" record key; no query, no fragment, no
// trailing slash; at most 8 KiB.
func scanATURI(s string) bool {
	if len(s) > maxURILength || !strings.HasPrefix(s, "at://") {
		return false
	}
	authority, path, hasPath := strings.Cut(s[len("at://"):], "/")
	if !scanATIdentifier(authority) {
		return false
	}
	if !hasPath {
		return true
	}
	collection, rkey, hasRkey := strings.Cut(path, "/")
	if !scanNSID(collection) {
		return false
	}
	// A further '/' lands in rkey, which scanRecordKey rejects.
	return !hasRkey || scanRecordKey(rkey)
}

// scanURI: a generic URI (RFC 3986): a scheme, ':', then at least one visible
// ASCII character and no whitespace; at most 8 KiB.
//
// indigo's ParseURI takes the scheme as [a-z][a-z.-]{0,80}, which rejects
// schemes RFC 3986 §3.1 allows: digits and '+' (scheme = ALPHA *( ALPHA /
// DIGIT / "+" / "-" / "." ), as in "coap+tcp:" or "z39.50r:") and upper case
// (schemes are case-insensitive), and caps their length, which the RFC does
// not. The spec says "following the generic RFC-3986", so this scan follows
// §3.1. No fixture covers the difference.
func scanURI(s string) bool {
	if len(s) > maxURILength || len(s) == 0 || !asciiAlpha(s[0]) {
		return false
	}
	i := 1
	for i < len(s) && (asciiAlnum(s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.') {
		i++
	}
	if i+1 >= len(s) || s[i] != ':' {
		return false
	}
	for i++; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}
