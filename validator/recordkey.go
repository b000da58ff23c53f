package validator

import (
	"errors"
	"fmt"
	"strings"

	"github.com/bluesky-social/indigo/atproto/syntax"
)

// ErrInvalidRecordKey: a record key does not fit the record's key type.
var ErrInvalidRecordKey = errors.New("invalid record key")

// CheckRecordKey checks rkey against the record definition's key type (tid,
// nsid, any, literal:<value>). It returns an error for a non-record schema.
func (s *Schema) CheckRecordKey(rkey string) error {
	if s.unit.def.Type != typeRecord {
		return fmt.Errorf("%w: %s is a %s definition, not a record", errNotRecord, s.ref, s.unit.def.Type)
	}
	return checkRecordKey(s.unit.def.node.key, rkey)
}

// checkRecordKey implements https://atproto.com/specs/record-key: every key
// is first a valid record key ("any"), then fits its type.
func checkRecordKey(keyType, rkey string) error {
	if _, err := syntax.ParseRecordKey(rkey); err != nil {
		return fmt.Errorf("%w: %q is not a valid record key", ErrInvalidRecordKey, rkey)
	}
	switch {
	case keyType == "any":
		return nil
	case keyType == "tid":
		if _, err := syntax.ParseTID(rkey); err != nil {
			return fmt.Errorf("%w: %q is not a TID (the record's key type is tid)", ErrInvalidRecordKey, rkey)
		}
		return nil
	case keyType == "nsid":
		if _, err := syntax.ParseNSID(rkey); err != nil {
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
