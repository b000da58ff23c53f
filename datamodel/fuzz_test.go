package datamodel

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeJSON compares DecodeJSON with encoding/json: where DecodeJSON
// accepts, encoding/json must decode the same tree; where only encoding/json
// accepts, the input must break one of the rules DecodeJSON adds, and the
// error must say which.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5,"x\u00e9",true,null,{}]}`, `"\ud83d\ude00"`, `{"a":1,"a":2}`, "[\"\xff\"]", `1e999`, `-0`, `{"":{"":[]}}`, `{"$link":"bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm"}`, `{"$type":"blob","ref":{"$link":"bafkreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm"},"mimeType":"a","size":0}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := DecodeJSON(data)
		if _, known, _ := DecodeJSONStringChecked(string(data)); known && !Valid(got) {
			t.Fatalf("DecodeJSONStringChecked calls %q valid in the data model, Valid does not", data)
		}
		sameAsFlat(t, string(data))
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var want any
		stdErr := dec.Decode(&want)
		if stdErr == nil {
			if _, tokErr := dec.Token(); tokErr != io.EOF {
				stdErr = errors.New("trailing data")
			}
		}
		var je *JSONError
		if err != nil && (!errors.As(err, &je) || !errors.Is(err, ErrInvalidJSON) || je.Err == nil) {
			t.Fatalf("error is not a *JSONError wrapping ErrInvalidJSON and a kind: %#v", err)
		}
		switch {
		case err == nil && stdErr != nil:
			t.Fatalf("DecodeJSON accepts what encoding/json refuses (%v): %q", stdErr, data)
		case err == nil:
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("trees differ for %q:\n got %#v\nwant %#v", data, got, want)
			}
		case stdErr == nil:
			strict := !utf8.Valid(data) || errors.Is(err, ErrDuplicateKey) || errors.Is(err, ErrLoneSurrogate) ||
				errors.Is(err, ErrTooDeep) || errors.Is(err, ErrInvalidUTF8)
			if !strict {
				t.Fatalf("DecodeJSON refuses what encoding/json accepts, for no rule of its own: %v: %q", err, data)
			}
		}
	})
}
