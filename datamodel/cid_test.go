package datamodel

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bluesky-social/indigo/atproto/atdata"

	"github.com/lexval/lexval/internal/reference"
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

// readRefreshSession reads the embedded catalog's refreshSession record
// (782 bytes) from its file: importing package lexicons would tie this
// package to another lexval package.
func readRefreshSession() ([]byte, error) {
	return os.ReadFile(filepath.Join("..", "lexicons", "records", "com.atproto.server.refreshSession.json"))
}

func mustDecode(t testing.TB, data []byte) any {
	t.Helper()
	v, err := DecodeJSON(data)
	if err != nil {
		t.Fatalf("decode %s: %v", data, err)
	}
	return v
}

// TestInteropDataModel runs the interop data-model fixtures: the valid
// values pass CheckRecord and hash, the invalid ones fail both, and the
// fixtures' values encode to their DAG-CBOR bytes and CID.
func TestInteropDataModel(t *testing.T) {
	type fixture struct {
		Note       string          `json:"note"`
		JSON       json.RawMessage `json:"json"`
		CBORBase64 string          `json:"cbor_base64"`
		CID        string          `json:"cid"`
	}
	for _, file := range []struct {
		name  string
		valid bool
	}{{"data-model-valid.json", true}, {"data-model-invalid.json", false}, {"data-model-fixtures.json", true}} {
		t.Run(file.name, func(t *testing.T) {
			for i, f := range dataModelFixtures[fixture](t, file.name) {
				name := cmp.Or(f.Note, f.CID)
				t.Run(name, func(t *testing.T) {
					v := mustDecode(t, f.JSON)
					problems := CheckRecord(v)
					if got := problems == nil; got != file.valid {
						t.Errorf("case %d: CheckRecord: got valid=%v, want %v; problems: %v", i, got, file.valid, problems)
					}
					if got := ValidRecord(v); got != file.valid {
						t.Errorf("case %d: ValidRecord: got %v, want %v", i, got, file.valid)
					}
					c, err := RecordCID(v)
					switch {
					case !file.valid && !errors.Is(err, ErrInvalidJSON):
						t.Errorf("case %d: RecordCID: got error %v, want one wrapping ErrInvalidJSON", i, err)
					case file.valid && err != nil:
						t.Errorf("case %d: RecordCID: got error %v, want none", i, err)
					}
					if f.CID == "" {
						return
					}
					if c.String() != f.CID {
						t.Errorf("got CID %s, want %s", c, f.CID)
					}
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
				})
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
				var dm *ValueError
				if !errors.As(err, &dm) || len(dm.Problems) != 1 {
					t.Fatalf("got error %T %v, want a *ValueError with one error", err, err)
				}
				if dm.Problems[0].Path != tt.errPath {
					t.Errorf("got error path %q, want %q (%v)", dm.Problems[0].Path, tt.errPath, err)
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
			var dm *ValueError
			if !errors.As(err, &dm) {
				t.Fatalf("got error %v, want a *ValueError", err)
			}
			var got []string
			for _, e := range dm.Problems {
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
	for range MaxDepth + 2 {
		v = []any{v}
	}
	if _, err := EncodeDAGCBOR(v); !errors.Is(err, ErrInvalidJSON) {
		t.Errorf("got error %v, want one wrapping ErrInvalidJSON", err)
	}
}

// BenchmarkRecordCID computes the CID of the embedded refreshSession record
// (782 bytes of JSON), decoded once: data model check, encoding and hash.
func BenchmarkRecordCID(b *testing.B) {
	data, err := readRefreshSession()
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
	dir := reference.Path(t, "atproto", "lexicons")
	var paths []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".json") {
			paths = append(paths, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// The corpus holds 402 documents: fewer means a broken checkout.
	if len(paths) != 402 {
		t.Fatalf("got %d corpus files, want 402", len(paths))
	}
	for _, path := range paths {
		t.Run(strings.TrimPrefix(path, dir+"/"), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			v := mustDecode(t, data).(map[string]any)
			v["$type"] = string(SchemaCollection)
			got, err := EncodeDAGCBOR(v)
			if err != nil {
				t.Fatal(err)
			}
			m, err := atdata.UnmarshalJSON(data)
			if err != nil {
				t.Fatal(err)
			}
			m["$type"] = string(SchemaCollection)
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
