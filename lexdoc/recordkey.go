package lexdoc

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalidRecordKey: a record key does not fit the record's key type.
var ErrInvalidRecordKey = errors.New("invalid record key")

// CheckKey checks rkey against the record's key type (tid, nsid, any,
// literal:<value>). An error wraps ErrInvalidRecordKey, or ErrInvalidLexicon
// for a key type Lexicon does not define.
func (r *Record) CheckKey(rkey string) error {
	return checkRecordKey(r.Key, rkey)
}

// checkRecordKey implements https://atproto.com/specs/record-key: every key
// is first a valid record key ("any"), then fits its type. The syntax checks
// are the string formats' (format_identifier.go), so a key type accepts what
// the matching format accepts: an NSID the fixtures call valid is an "nsid"
// key even where indigo's ParseNSID refuses it.
func checkRecordKey(keyType, rkey string) error {
	if !scanRecordKey(rkey) {
		return fmt.Errorf("%w: %q is not a valid record key", ErrInvalidRecordKey, rkey)
	}
	switch {
	case keyType == "any":
		return nil
	case keyType == "tid":
		if !scanTID(rkey) {
			return fmt.Errorf("%w: %q is not a TID (the record's key type is tid)", ErrInvalidRecordKey, rkey)
		}
		return nil
	case keyType == "nsid":
		if !scanNSID(rkey) {
			return fmt.Errorf("%w: %q is not an NSID (the record's key type is nsid)", ErrInvalidRecordKey, rkey)
		}
		return nil
	case strings.HasPrefix(keyType, "literal:"):
		if want := strings.TrimPrefix(keyType, "literal:"); rkey != want {
			return fmt.Errorf("%w: %q is not %q (the record's key type is %s)", ErrInvalidRecordKey, rkey, want, keyType)
		}
		return nil
	}
	return fmt.Errorf("%w: unknown record key type %q", ErrInvalidLexicon, keyType)
}
