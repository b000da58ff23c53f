package validator

import (
	"errors"
	"testing"

	"github.com/lexval/lexval/internal/lexicontest"
	"github.com/lexval/lexval/lexdoc"
)

// TestCheckRecordKey: a record schema checks keys as its definition does
// (lexdoc's Record.CheckKey, tested there); other schemas refuse.
func TestCheckRecordKey(t *testing.T) {
	compile := func(t *testing.T, src string, target Target) *Schema {
		t.Helper()
		doc := lexicontest.Parse(t, src)
		s, err := NewCompiler(lexdoc.NewCatalog(doc)).Compile(lexdoc.DefRef{NSID: doc.ID, Name: "main"}, target, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := compile(t, `{"lexicon":1,"id":"com.example.rec","defs":{"main":{"type":"record","key":"tid","record":{"type":"object","properties":{}}}}}`, TargetRecord)
	if err := s.CheckRecordKey("3jzfcijpj2z2a"); err != nil {
		t.Errorf("a TID: got %v, want nil", err)
	}
	if err := s.CheckRecordKey("self"); !errors.Is(err, ErrInvalidRecordKey) {
		t.Errorf("not a TID: got %v, want an error wrapping ErrInvalidRecordKey", err)
	}
	s = compile(t, `{"lexicon":1,"id":"com.example.obj","defs":{"main":{"type":"object","properties":{}}}}`, TargetObject)
	if err := s.CheckRecordKey("self"); err == nil || errors.Is(err, ErrInvalidRecordKey) {
		t.Errorf("not a record: got %v, want an error that is not about the key", err)
	}
}
