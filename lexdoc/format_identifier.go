package lexdoc

import "strings"

// Identifier syntaxes: DID, handle, NSID, at-identifier, record key, TID.
// Limits and rules follow https://atproto.com/specs/did, /handle, /nsid,
// /record-key and /tid; indigo's atproto/syntax agrees with all of them except
// where noted.

// scanDID: "did:", a method of lower-case letters, ":", then an identifier of
// [A-Za-z0-9._:%-] that does not end in ':' or '%'. At most 2 KiB. Percent
// escapes are not checked (the spec leaves that to DID methods).
func scanDID(s string) bool {
	if len(s) > 2048 || len(s) < len("did:m:x") || s[:4] != "did:" {
		return false
	}
	i := 4
	for i < len(s) && 'a' <= s[i] && s[i] <= 'z' {
		i++
	}
	if i == 4 || i+1 >= len(s) || s[i] != ':' {
		return false
	}
	for i++; i < len(s); i++ {
		if c := s[i]; !asciiAlnum(c) && c != '.' && c != '_' && c != ':' && c != '%' && c != '-' {
			return false
		}
	}
	last := s[len(s)-1]
	return last != ':' && last != '%'
}

// scanHandle: a DNS name of at least two labels, at most 253 characters; each
// label 1-63 of [A-Za-z0-9-], not starting or ending with '-'; the last label
// (the TLD) starts with a letter.
func scanHandle(s string) bool {
	if len(s) > 253 {
		return false
	}
	labels, last := domainLabels(s)
	return labels >= 2 && asciiAlpha(s[last])
}

// domainLabels checks s as dot-separated DNS labels and returns how many there
// are and where the last one starts; labels is 0 when s is not well formed.
func domainLabels(s string) (labels, last int) {
	start := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] != '.' {
			if c := s[i]; !asciiAlnum(c) && c != '-' {
				return 0, 0
			}
			continue
		}
		n := i - start
		if n == 0 || n > 63 || s[start] == '-' || s[i-1] == '-' {
			return 0, 0
		}
		labels, last = labels+1, start
		start = i + 1
	}
	return labels, last
}

// scanNSID: a reversed domain authority of at least two labels (the first
// starting with a letter) then a name of 1-63 letters and digits starting
// with a letter; at most 317 characters.
//
// The NSID spec also limits the authority to 253 characters, but the fixture
// nsid_syntax_valid.txt lists as valid an NSID whose authority has 283
// ("com.middle.middle...foo", line 4), and indigo and @atproto/syntax accept
// it too; we follow the fixture and check only the 317 total.
func scanNSID(s string) bool {
	if len(s) > 317 {
		return false
	}
	dot := strings.LastIndexByte(s, '.')
	if dot < 0 {
		return false
	}
	authority, name := s[:dot], s[dot+1:]
	if labels, _ := domainLabels(authority); labels < 2 || !asciiAlpha(authority[0]) {
		return false
	}
	if len(name) == 0 || len(name) > 63 || !asciiAlpha(name[0]) {
		return false
	}
	for i := 1; i < len(name); i++ {
		if !asciiAlnum(name[i]) {
			return false
		}
	}
	return true
}

// scanATIdentifier: a DID or a handle; a DID always starts with "did:" and a
// handle never contains ':'.
func scanATIdentifier(s string) bool {
	if strings.HasPrefix(s, "did:") {
		return scanDID(s)
	}
	return scanHandle(s)
}

// scanRecordKey: 1-512 of [A-Za-z0-9_~.:-], except "." and "..".
func scanRecordKey(s string) bool {
	if len(s) == 0 || len(s) > 512 || s == "." || s == ".." {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !asciiAlnum(c) && c != '_' && c != '~' && c != '.' && c != ':' && c != '-' {
			return false
		}
	}
	return true
}

// scanTID: 13 characters of the base32-sortable alphabet (234567a-z); the
// first is at most 'j' because the top bit of the 64-bit value is 0.
func scanTID(s string) bool {
	if len(s) != 13 {
		return false
	}
	if c := s[0]; !('2' <= c && c <= '7' || 'a' <= c && c <= 'j') {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !('2' <= c && c <= '7' || 'a' <= c && c <= 'z') {
			return false
		}
	}
	return true
}
