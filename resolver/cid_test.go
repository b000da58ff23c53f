package resolver

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/bluesky-social/indigo/atproto/atdata"

	"github.com/lexval/lexval/internal/reference"
	"github.com/lexval/lexval/lexicons"
	"github.com/lexval/lexval/validator"
)

// dataModelFixtures reads one of the interop data-model files, keeping each
// entry's JSON raw so the test decodes it the way the service does.
func dataModelFixtures[T any](t *testing.T, name string) []T {
	t.Helper()
	data, err := os.ReadFile(reference.Path(t, "atproto", "interop-tests", "data-model", name))
	if err != nil {
		t.Fatal(err)
	}
	var out []T
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(out) == 0 {
		t.Fatalf("%s: no fixtures", name)
	}
	return out
}

func mustDecode(t testing.TB, data []byte) any {
	t.Helper()
	v, err := validator.DecodeJSON(data)
	if err != nil {
		t.Fatalf("decode %s: %v", data, err)
	}
	return v
}

func TestDataModelFixtures(t *testing.T) {
	type fixture struct {
		JSON       json.RawMessage `json:"json"`
		CBORBase64 string          `json:"cbor_base64"`
		CID        string          `json:"cid"`
	}
	for i, f := range dataModelFixtures[fixture](t, "data-model-fixtures.json") {
		t.Run(f.CID, func(t *testing.T) {
			v := mustDecode(t, f.JSON)
			want, err := base64.RawStdEncoding.DecodeString(f.CBORBase64)
			if err != nil {
				t.Fatalf("fixture %d: cbor_base64: %v", i, err)
			}
			got, err := EncodeDAGCBOR(v)
			if err != nil {
				t.Fatalf("EncodeDAGCBOR: %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("got CBOR %s, want %s", base64.RawStdEncoding.EncodeToString(got), f.CBORBase64)
			}
			c, err := RecordCID(v)
			if err != nil {
				t.Fatalf("RecordCID: %v", err)
			}
			if c.String() != f.CID {
				t.Errorf("got CID %s, want %s", c, f.CID)
			}
		})
	}
}

func TestDataModelValid(t *testing.T) {
	type fixture struct {
		Note string          `json:"note"`
		JSON json.RawMessage `json:"json"`
	}
	for _, f := range dataModelFixtures[fixture](t, "data-model-valid.json") {
		t.Run(f.Note, func(t *testing.T) {
			if _, err := RecordCID(mustDecode(t, f.JSON)); err != nil {
				t.Errorf("got error %v, want none", err)
			}
		})
	}
}

func TestDataModelInvalid(t *testing.T) {
	type fixture struct {
		Note string          `json:"note"`
		JSON json.RawMessage `json:"json"`
	}
	for _, f := range dataModelFixtures[fixture](t, "data-model-invalid.json") {
		t.Run(f.Note, func(t *testing.T) {
			_, err := RecordCID(mustDecode(t, f.JSON))
			if err == nil {
				t.Fatal("got no error, want one")
			}
			if !errors.Is(err, validator.ErrInvalidJSON) {
				t.Errorf("got error %v, want one wrapping validator.ErrInvalidJSON", err)
			}
		})
	}
}

// TestEncodeNumbers pins the integer rules: exact beyond 2^53, integer-valued
// spellings become integers, floats and out-of-range values are errors.
func TestEncodeNumbers(t *testing.T) {
	tests := []struct {
		name    string
		json    string
		want    string // hex of the CBOR encoding; "" means an error
		errPath string
	}{
		{name: "zero", json: `0`, want: "00"},
		{name: "small", json: `23`, want: "17"},
		{name: "one byte", json: `24`, want: "1818"},
		{name: "negative", json: `-1`, want: "20"},
		{name: "minus zero", json: `-0`, want: "00"},
		{name: "integer-like float", json: `123.0`, want: "187b"},
		{name: "exponent", json: `1e2`, want: "1864"},
		{name: "fraction and exponent", json: `1.5e1`, want: "0f"},
		{name: "negative exponent whole", json: `1500e-2`, want: "0f"},
		{name: "2^53+1 exact", json: `9007199254740993`, want: "1b0020000000000001"},
		{name: "max int64", json: `9223372036854775807`, want: "1b7fffffffffffffff"},
		{name: "min int64", json: `-9223372036854775808`, want: "3b7fffffffffffffff"},
		{name: "min int64 as float", json: `-9.223372036854775808e18`, want: "3b7fffffffffffffff"},
		{name: "zero with huge exponent", json: `0e999999999999`, want: "00"},
		{name: "float", json: `1.5`},
		{name: "tiny float", json: `1e-7`},
		{name: "past int64", json: `9223372036854775808`},
		{name: "before int64", json: `-9223372036854775809`},
		{name: "huge exponent", json: `1e999999999999`},
		{name: "float in an array", json: `[1, 2.5]`, errPath: "/1"},
		{name: "float in an object", json: `{"a/b": {"c": 0.1}}`, errPath: "/a~1b/c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := EncodeDAGCBOR(mustDecode(t, []byte(tt.json)))
			if tt.want == "" {
				if err == nil {
					t.Fatalf("got CBOR %x, want an error", got)
				}
				var dm *DataModelError
				if !errors.As(err, &dm) || len(dm.Errors) != 1 {
					t.Fatalf("got error %T %v, want a DataModelError with one error", err, err)
				}
				if dm.Errors[0].Path != tt.errPath {
					t.Errorf("got error path %q, want %q (%v)", dm.Errors[0].Path, tt.errPath, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("got error %v, want CBOR %s", err, tt.want)
			}
			if h := hex.EncodeToString(got); h != tt.want {
				t.Errorf("got CBOR %s, want %s", h, tt.want)
			}
		})
	}
}

func TestRecordCIDDataModelErrors(t *testing.T) {
	tests := []struct {
		name, json string
		paths      []string // every path reported, sorted
	}{
		{name: "top level not an object", json: `[1]`, paths: []string{""}},
		{name: "link not a CID", json: `{"a":{"$link":"bafy"}}`, paths: []string{"/a/$link"}},
		{name: "bytes not base64", json: `{"a":{"$bytes":"***"}}`, paths: []string{"/a/$bytes"}},
		{name: "bytes with a line break", json: `{"a":{"$bytes":"nFER\njvLL"}}`, paths: []string{"/a/$bytes"}},
		{name: "nested type empty", json: `{"a":[{"$type":""}]}`, paths: []string{"/a/0/$type"}},
		{name: "blob without mimeType", json: `{"b":{"$type":"blob","ref":{"$link":"bafkreiccldh766hwcnuxnf2wh6jgzepf2nlu2lvcllt63eww5p6chi4ity"},"size":1}}`, paths: []string{"/b/mimeType"}},
		{name: "every problem at once", json: `{"a":1.5,"b":[{"$type":7}],"c":{"$link":1}}`, paths: []string{"/a", "/b/0/$type", "/c/$link"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := RecordCID(mustDecode(t, []byte(tt.json)))
			var dm *DataModelError
			if !errors.As(err, &dm) {
				t.Fatalf("got error %v, want a DataModelError", err)
			}
			var got []string
			for _, e := range dm.Errors {
				got = append(got, e.Path)
			}
			if !slices.Equal(got, tt.paths) {
				t.Errorf("got paths %q, want %q (%v)", got, tt.paths, err)
			}
		})
	}
}

func TestEncodeBytesPadding(t *testing.T) {
	for _, s := range []string{"aGk", "aGk="} {
		got, err := EncodeDAGCBOR(mustDecode(t, []byte(`{"$bytes":"`+s+`"}`)))
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		if h := hex.EncodeToString(got); h != "426869" {
			t.Errorf("%s: got CBOR %s, want 426869", s, h)
		}
	}
}

func TestEncodeDeepNesting(t *testing.T) {
	var v any = "leaf"
	for range validator.MaxDepth + 2 {
		v = []any{v}
	}
	if _, err := EncodeDAGCBOR(v); !errors.Is(err, validator.ErrInvalidJSON) {
		t.Errorf("got error %v, want one wrapping validator.ErrInvalidJSON", err)
	}
}

// BenchmarkRecordCID computes the CID of the embedded refreshSession record
// (782 bytes of JSON), decoded once: data model check, encoding and hash.
func BenchmarkRecordCID(b *testing.B) {
	data, err := fs.ReadFile(lexicons.FS, "records/com.atproto.server.refreshSession.json")
	if err != nil {
		b.Fatal(err)
	}
	v := mustDecode(b, data)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := RecordCID(v); err != nil {
			b.Fatal(err)
		}
	}
}

// TestEncodeMatchesIndigo encodes every lexicon of the corpus, published
// form, and compares the bytes with indigo's independent DAG-CBOR encoder.
func TestEncodeMatchesIndigo(t *testing.T) {
	dir := corpusDir(t)
	paths, err := lexiconFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != corpusSize {
		t.Fatalf("got %d corpus files, want %d", len(paths), corpusSize)
	}
	for _, path := range paths {
		t.Run(strings.TrimPrefix(path, dir+"/"), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			v := mustDecode(t, data).(map[string]any)
			v["$type"] = "com.atproto.lexicon.schema"
			got, err := EncodeDAGCBOR(v)
			if err != nil {
				t.Fatal(err)
			}
			m, err := atdata.UnmarshalJSON(data)
			if err != nil {
				t.Fatal(err)
			}
			m["$type"] = "com.atproto.lexicon.schema"
			want, err := atdata.MarshalCBOR(m)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("got CBOR %x, want indigo's %x", got, want)
			}
		})
	}
}
