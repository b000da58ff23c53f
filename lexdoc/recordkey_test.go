package lexdoc_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/lexval/lexval/internal/lexicontest"
	"github.com/lexval/lexval/lexdoc"
)

func recordWithKey(t *testing.T, key string) *lexdoc.Record {
	t.Helper()
	doc := lexicontest.Parse(t, `{"lexicon":1,"id":"com.example.rec","defs":{"main":{"type":"record","key":"`+key+`","record":{"type":"object","properties":{}}}}}`)
	return doc.Defs["main"].(*lexdoc.Record)
}

func TestCheckKey(t *testing.T) {
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
			err := recordWithKey(t, tc.key).CheckKey(tc.rkey)
			if tc.ok && err != nil {
				t.Errorf("got %v, want nil", err)
			}
			if !tc.ok && !errors.Is(err, lexdoc.ErrInvalidRecordKey) {
				t.Errorf("got %v, want an error wrapping ErrInvalidRecordKey", err)
			}
		})
	}
	t.Run("unknown key type", func(t *testing.T) {
		if err := recordWithKey(t, "uuid").CheckKey("self"); !errors.Is(err, lexdoc.ErrInvalidLexicon) {
			t.Errorf("got %v, want an error wrapping ErrInvalidLexicon", err)
		}
	})
}
