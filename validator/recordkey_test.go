package validator

import (
	"errors"
	"strings"
	"testing"

	"github.com/lexval/lexval/lexdoc"
)

func TestCheckRecordKey(t *testing.T) {
	tests := []struct {
		key, rkey string
		ok        bool
	}{
		{"tid", "3jzfcijpj2z2a", true},
		{"tid", "3jzfcijpj2z2", false},
		{"tid", "self", false},
		{"nsid", "com.example.thing", true},
		{"nsid", "thing", false},
		// nsid_syntax_valid.txt line 4: an authority of 283 characters (the
		// nsid format accepts it; indigo's ParseNSID does not).
		{"nsid", "com" + strings.Repeat(".middle", 40) + ".foo", true},
		{"tid", "kjzfcijpj2z2a", false},
		{"any", "self", true},
		{"any", "a:b~c_d.e-f", true},
		{"any", ".", false},
		{"any", "..", false},
		{"any", "a/b", false},
		{"any", "", false},
		{"literal:self", "self", true},
		{"literal:self", "other", false},
		{"literal:self", "Self", false},
	}
	for _, tc := range tests {
		t.Run(tc.key+"/"+tc.rkey, func(t *testing.T) {
			doc := mustParse(t, `{"lexicon":1,"id":"com.example.rec","defs":{"main":{"type":"record","key":"`+tc.key+`","record":{"type":"object","properties":{}}}}}`)
			s, err := NewCompiler(lexdoc.NewCatalog(doc)).Compile(lexdoc.DefRef{NSID: doc.ID, Name: "main"}, TargetRecord, Options{})
			if err != nil {
				t.Fatal(err)
			}
			err = s.CheckRecordKey(tc.rkey)
			if tc.ok && err != nil {
				t.Errorf("got %v, want nil", err)
			}
			if !tc.ok && !errors.Is(err, ErrInvalidRecordKey) {
				t.Errorf("got %v, want an error wrapping ErrInvalidRecordKey", err)
			}
		})
	}
	t.Run("not a record", func(t *testing.T) {
		doc := mustParse(t, `{"lexicon":1,"id":"com.example.obj","defs":{"main":{"type":"object","properties":{}}}}`)
		s, err := NewCompiler(lexdoc.NewCatalog(doc)).Compile(lexdoc.DefRef{NSID: doc.ID, Name: "main"}, TargetObject, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.CheckRecordKey("self"); err == nil {
			t.Error("got nil, want an error for a non-record schema")
		}
	})
	t.Run("unknown key type", func(t *testing.T) {
		doc := mustParse(t, `{"lexicon":1,"id":"com.example.rec","defs":{"main":{"type":"record","key":"uuid","record":{"type":"object","properties":{}}}}}`)
		s, err := NewCompiler(lexdoc.NewCatalog(doc)).Compile(lexdoc.DefRef{NSID: doc.ID, Name: "main"}, TargetRecord, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.CheckRecordKey("self"); !errors.Is(err, ErrInvalidLexicon) {
			t.Errorf("got %v, want an error wrapping ErrInvalidLexicon", err)
		}
	})
}
