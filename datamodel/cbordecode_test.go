package datamodel

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// TestDecodeDAGCBORInterop runs the interop fixtures both ways round: each
// fixture's DAG-CBOR decodes to the tree its JSON decodes to, that tree
// encodes back to the same bytes and CID, and its JSON (EncodeJSON) decodes
// to the same tree again.
func TestDecodeDAGCBORInterop(t *testing.T) {
	type fixture struct {
		JSON       json.RawMessage `json:"json"`
		CBORBase64 string          `json:"cbor_base64"`
		CID        string          `json:"cid"`
	}
	for i, f := range dataModelFixtures[fixture](t, "data-model-fixtures.json") {
		t.Run(cmp.Or(f.CID, "case"), func(t *testing.T) {
			data, err := base64.RawStdEncoding.DecodeString(f.CBORBase64)
			if err != nil {
				t.Fatalf("fixture %d: cbor_base64: %v", i, err)
			}
			want := mustDecode(t, f.JSON)
			got, err := DecodeDAGCBOR(data)
			if err != nil {
				t.Fatalf("DecodeDAGCBOR: got error %v, want none", err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("got tree %#v, want %#v", got, want)
			}
			again, err := EncodeDAGCBOR(got)
			if err != nil || !bytes.Equal(again, data) {
				t.Errorf("EncodeDAGCBOR of the decoded tree: got %x (%v), want %x", again, err, data)
			}
			if c := blockCID(data); c.String() != f.CID {
				t.Errorf("got CID %s, want %s", c, f.CID)
			}
			text, err := EncodeJSON(got)
			if err != nil {
				t.Fatalf("EncodeJSON: %v", err)
			}
			if back := mustDecode(t, text); !reflect.DeepEqual(back, want) {
				t.Errorf("EncodeJSON gave %s, which decodes to %#v, want %#v", text, back, want)
			}
		})
	}
}

// TestDecodeDAGCBOR pins the values decoded and every strictness rule, each
// with its kind of error.
func TestDecodeDAGCBOR(t *testing.T) {
	const link = "bafyreidfayvfuwqa7qlnopdjiqrxzs6blmoeu4rujcjtnci5beludirz2a"
	linkBytes := func() string {
		c := mustDecode(t, []byte(`{"$link":"`+link+`"}`))
		b, err := EncodeDAGCBOR(c)
		if err != nil {
			t.Fatal(err)
		}
		return hex.EncodeToString(b)
	}()
	tests := []struct {
		name string
		hex  string
		want string // the tree's JSON; "" when an error is wanted
		kind error
	}{
		{name: "zero", hex: "00", want: `0`},
		{name: "uint8", hex: "1818", want: `24`},
		{name: "max int64", hex: "1b7fffffffffffffff", want: `9223372036854775807`},
		{name: "min int64", hex: "3b7fffffffffffffff", want: `-9223372036854775808`},
		{name: "negative", hex: "20", want: `-1`},
		{name: "text", hex: "63616263", want: `"abc"`},
		{name: "bytes", hex: "43010203", want: `{"$bytes":"AQID"}`},
		{name: "empty bytes", hex: "40", want: `{"$bytes":""}`},
		{name: "link", hex: linkBytes, want: `{"$link":"` + link + `"}`},
		{name: "array", hex: "83f4f5f6", want: `[false,true,null]`},
		{name: "map sorted by length then bytes", hex: "a3616101616202626161f6", want: `{"a":1,"aa":null,"b":2}`},
		{name: "empty map", hex: "a0", want: `{}`},
		{name: "html kept as is", hex: "633c263e", want: `"<&>"`},

		{name: "empty input", hex: "", kind: ErrCBORSyntax},
		{name: "truncated text", hex: "6361", kind: ErrCBORSyntax},
		{name: "truncated header", hex: "19", kind: ErrCBORSyntax},
		{name: "array past the end", hex: "9bffffffffffffffff", kind: ErrCBORSyntax},
		{name: "trailing data", hex: "0000", kind: ErrCBORSyntax},
		{name: "reserved info", hex: "1c", kind: ErrCBORSyntax},
		{name: "lone break", hex: "ff", kind: ErrCBORSyntax},
		{name: "non-minimal integer", hex: "1817", kind: ErrCBORNotCanonical},
		{name: "non-minimal 2-byte integer", hex: "190010", kind: ErrCBORNotCanonical},
		{name: "non-minimal length", hex: "780161", kind: ErrCBORNotCanonical},
		{name: "indefinite array", hex: "9f00ff", kind: ErrCBORNotCanonical},
		{name: "indefinite text", hex: "7f6161ff", kind: ErrCBORNotCanonical},
		{name: "keys out of order", hex: "a2616201616101", kind: ErrCBORNotCanonical},
		{name: "longer key first", hex: "a2626161016162", kind: ErrCBORNotCanonical},
		{name: "duplicate key", hex: "a2616101616102", kind: ErrCBORNotCanonical},
		{name: "float64", hex: "fb3ff8000000000000", kind: ErrCBOROutsideDataModel},
		{name: "float16", hex: "f93c00", kind: ErrCBOROutsideDataModel},
		{name: "undefined", hex: "f7", kind: ErrCBOROutsideDataModel},
		{name: "simple value", hex: "f0", kind: ErrCBOROutsideDataModel},
		{name: "uint beyond int64", hex: "1b8000000000000000", kind: ErrCBOROutsideDataModel},
		{name: "negative beyond int64", hex: "3b8000000000000000", kind: ErrCBOROutsideDataModel},
		{name: "integer key", hex: "a10101", kind: ErrCBOROutsideDataModel},
		{name: "invalid UTF-8", hex: "61ff", kind: ErrCBOROutsideDataModel},
		{name: "tag other than 42", hex: "c11a514b67b0", kind: ErrCBOROutsideDataModel},
		{name: "tag 42 holding text", hex: "d82a6161", kind: ErrCBOROutsideDataModel},
		{name: "tag 42 without the 0x00 prefix", hex: "d82a43010203", kind: ErrCBOROutsideDataModel},
		{name: "tag 42 holding no CID", hex: "d82a4400010203", kind: ErrCBOROutsideDataModel},
		{name: "reserved key $link", hex: "a165246c696e6b0a", kind: ErrCBOROutsideDataModel},
		{name: "reserved key $bytes", hex: "a2612400662462797465730a", kind: ErrCBOROutsideDataModel},
		{name: "too deep", hex: strings.Repeat("81", MaxDepth+1) + "00", kind: ErrCBORTooDeep},
		{name: "deep enough", hex: strings.Repeat("81", MaxDepth) + "00", want: strings.Repeat("[", MaxDepth) + "0" + strings.Repeat("]", MaxDepth)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := hex.DecodeString(tt.hex)
			if err != nil {
				t.Fatal(err)
			}
			v, err := DecodeDAGCBOR(data)
			if tt.kind != nil {
				var ce *CBORError
				if !errors.Is(err, ErrInvalidDAGCBOR) || !errors.Is(err, tt.kind) || !errors.As(err, &ce) {
					t.Fatalf("got %#v (%v), want a *CBORError wrapping ErrInvalidDAGCBOR and %v", v, err, tt.kind)
				}
				return
			}
			if err != nil {
				t.Fatalf("got error %v, want %s", err, tt.want)
			}
			got, err := EncodeJSON(v)
			if err != nil || string(got) != tt.want {
				t.Fatalf("got %s (%v), want %s", got, err, tt.want)
			}
			if again, err := EncodeDAGCBOR(v); err != nil || !bytes.Equal(again, data) {
				t.Errorf("EncodeDAGCBOR: got %x (%v), want %x back", again, err, data)
			}
		})
	}
}

// TestEncodeJSONRefusesOtherTypes: a tree holding a Go type that no decoder
// builds is an error, not encoding/json's rendering of it.
func TestEncodeJSONRefusesOtherTypes(t *testing.T) {
	for _, v := range []any{1.5, map[string]any{"a": []any{struct{}{}}}, map[string]string{}} {
		if got, err := EncodeJSON(v); !errors.Is(err, ErrInvalidJSON) {
			t.Errorf("EncodeJSON(%#v): got %s (%v), want an error wrapping ErrInvalidJSON", v, got, err)
		}
	}
}

// FuzzDecodeDAGCBOR: whatever DecodeDAGCBOR accepts is canonical, so
// EncodeDAGCBOR gives back exactly the bytes decoded; and its errors are
// *CBORError with a kind.
func FuzzDecodeDAGCBOR(f *testing.F) {
	for _, s := range []string{"a3616101616202626161f6", "83f4f5f6", "43010203", "1b7fffffffffffffff", "9f00ff", "a2616201616101"} {
		b, _ := hex.DecodeString(s)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := DecodeDAGCBOR(data)
		if err != nil {
			var ce *CBORError
			if !errors.As(err, &ce) || !errors.Is(err, ErrInvalidDAGCBOR) || ce.Err == nil {
				t.Fatalf("error is not a *CBORError wrapping ErrInvalidDAGCBOR and a kind: %#v", err)
			}
			return
		}
		again, err := EncodeDAGCBOR(v)
		if err != nil {
			t.Fatalf("EncodeDAGCBOR of a decoded value: %v", err)
		}
		if !bytes.Equal(again, data) {
			t.Fatalf("decoded %x, encodes back as %x", data, again)
		}
	})
}
