package validator

import (
	"fmt"

	"github.com/lexval/lexval/lexdoc"
)

// ErrInvalidRecordKey: a record key does not fit the record's key type. It
// is lexdoc.ErrInvalidRecordKey, so either name matches.
var ErrInvalidRecordKey = lexdoc.ErrInvalidRecordKey

// CheckRecordKey checks rkey against the record definition's key type (tid,
// nsid, any, literal:<value>; lexdoc's Record.CheckKey). It returns an error
// for a non-record schema.
func (s *Schema) CheckRecordKey(rkey string) error {
	rec, ok := s.unit.def.(*lexdoc.Record)
	if !ok {
		return fmt.Errorf("%w: %s is a %s definition, not a record", errNotRecord, s.unit.ref, s.unit.def.Type())
	}
	return rec.CheckKey(rkey)
}
