package validator

// Formats lists the Lexicon string formats, sorted.
var formatNames = []string{"at-identifier", "at-uri", "cid", "datetime", "did", "handle", "language", "nsid", "record-key", "tid", "uri"}

// CheckFormat reports whether s is a valid value of the named Lexicon string
// format. ok is false for a format name that Lexicon does not define.
func CheckFormat(format, s string) (valid, ok bool) {
	panic("TODO(validator formats)")
}
