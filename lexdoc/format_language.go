package lexdoc

// scanLanguage: a "well-formed" BCP 47 language tag (RFC 5646 §2.1 and
// §2.2.9), which is all the Lexicon language format requires
// (https://atproto.com/specs/lexicon#language):
//
//	langtag    = language ["-" script] ["-" region] *("-" variant)
//	             *("-" extension) ["-" privateuse]
//	language   = 2*3ALPHA *3("-" extlang) / 5*8ALPHA    extlang = 3ALPHA
//	script     = 4ALPHA                        region  = 2ALPHA / 3DIGIT
//	variant    = 5*8alphanum / (DIGIT 3alphanum)
//	extension  = singleton 1*("-" (2*8alphanum))   singleton: alphanum but x
//	privateuse = "x" 1*("-" (1*8alphanum))
//	tag        = langtag / privateuse / grandfathered
//
// The primary language subtag is lower-case letters (the spec asks for ISO
// 639 codes "lower-cased"; the interop fixtures refuse "JA"): two or three,
// the ISO 639 codes, or five to eight, the length RFC 5646 keeps for
// registered languages, so "english" is well-formed. Four letters are
// reserved for future use by RFC 5646 and refused ("jaja" is in the fixtures'
// invalid list), although its grammar has them. The other subtags and the
// private-use "x" are case-insensitive (RFC 5646 §2.1.1; "X-fr-CH" is
// valid).
//
// Repeated variants or extension singletons ("de-DE-1901-1901",
// language_parse_invalid.txt) are well-formed but not "valid" (RFC 5646
// §2.2.9); Lexicon asks only for well-formed, so they pass. Clients, not the
// schema, decide what to do with tags that are well-formed but not valid.
//
// indigo's ParseLanguage is the regular expression ^(i|[a-z]{2,3})(-[a-zA-Z0-9]+)*$.
// It fails the fixture "X-fr-CH" (a private-use tag, whose "x" may be upper
// case), and it accepts tags that are not well-formed: subtags longer than 8
// characters ("en-abcdefghi"), "i-" followed by anything ("i-foo"), and
// misplaced subtags ("en-a" with an empty extension, "en-x"). This scan
// implements the grammar instead.
func scanLanguage(s string) bool {
	if grandfatheredLanguage(s) {
		return true
	}
	t := subtags{s: s}
	sub, _ := t.next() // there is always a first subtag, perhaps empty
	if sub == "x" || sub == "X" {
		return t.privateUse()
	}
	if len(sub) < 2 || len(sub) == 4 || len(sub) > 8 || !lowerAlpha(sub) {
		return false
	}
	iso := len(sub) <= 3
	sub, ok := t.next()
	for n := 0; iso && ok && n < 3 && len(sub) == 3 && alphaSubtag(sub); n++ { // extlang
		sub, ok = t.next()
	}
	if ok && len(sub) == 4 && alphaSubtag(sub) { // script
		sub, ok = t.next()
	}
	if ok && (len(sub) == 2 && alphaSubtag(sub) || len(sub) == 3 && digitSubtag(sub)) { // region
		sub, ok = t.next()
	}
	for ok && alnumSubtag(sub) && (len(sub) >= 5 && len(sub) <= 8 || len(sub) == 4 && asciiDigit(sub[0])) { // variant
		sub, ok = t.next()
	}
	for ok && len(sub) == 1 && sub != "x" && sub != "X" && asciiAlnum(sub[0]) { // extension
		n := 0
		for sub, ok = t.next(); ok && len(sub) >= 2 && len(sub) <= 8 && alnumSubtag(sub); sub, ok = t.next() {
			n++
		}
		if n == 0 {
			return false
		}
	}
	if ok && (sub == "x" || sub == "X") {
		return t.privateUse()
	}
	return !ok
}

// subtags walks the '-'-separated subtags of a language tag. An empty subtag
// (from "a--b" or a trailing '-') is returned as "", which no rule accepts.
type subtags struct {
	s   string
	pos int
}

func (t *subtags) next() (string, bool) {
	if t.pos > len(t.s) {
		return "", false
	}
	end := t.pos
	for end < len(t.s) && t.s[end] != '-' {
		end++
	}
	sub := t.s[t.pos:end]
	t.pos = end + 1
	return sub, true
}

// privateUse checks what follows an "x" subtag: at least one subtag of 1-8
// letters and digits, up to the end.
func (t *subtags) privateUse() bool {
	n := 0
	for sub, ok := t.next(); ok; sub, ok = t.next() {
		if len(sub) == 0 || len(sub) > 8 || !alnumSubtag(sub) {
			return false
		}
		n++
	}
	return n > 0
}

// grandfatheredLanguage reports the tags RFC 5646 §2.2.8 lists as
// grandfathered, spelled as the RFC spells them. The irregular ones match no
// other rule; the regular ones would also pass as langtags.
func grandfatheredLanguage(s string) bool {
	switch s {
	case "en-GB-oed", "i-ami", "i-bnn", "i-default", "i-enochian", "i-hak", "i-klingon", "i-lux", "i-mingo",
		"i-navajo", "i-pwn", "i-tao", "i-tay", "i-tsu", "sgn-BE-FR", "sgn-BE-NL", "sgn-CH-DE",
		"art-lojban", "cel-gaulish", "no-bok", "no-nyn", "zh-guoyu", "zh-hakka", "zh-min", "zh-min-nan", "zh-xiang":
		return true
	}
	return false
}

func lowerAlpha(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}

func alphaSubtag(s string) bool {
	for i := 0; i < len(s); i++ {
		if !asciiAlpha(s[i]) {
			return false
		}
	}
	return true
}

func digitSubtag(s string) bool {
	for i := 0; i < len(s); i++ {
		if !asciiDigit(s[i]) {
			return false
		}
	}
	return true
}

func alnumSubtag(s string) bool {
	for i := 0; i < len(s); i++ {
		if !asciiAlnum(s[i]) {
			return false
		}
	}
	return true
}
