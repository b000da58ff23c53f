package datamodel

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestDecodeJSON(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want any
	}{
		{"object", `{"a": 1, "b": [true, false, null], "c": "x"}`, map[string]any{"a": json.Number("1"), "b": []any{true, false, nil}, "c": "x"}},
		{"2^53+1 stays exact", `9007199254740993`, json.Number("9007199254740993")},
		{"beyond int64 kept as text", `-18446744073709551616`, json.Number("-18446744073709551616")},
		{"float kept as text", `1.50e+3`, json.Number("1.50e+3")},
		{"escapes", `"\"\\\/\b\f\n\r\t\u00e9"`, "\"\\/\b\f\n\r\té"},
		{"surrogate pair", `"\ud83d\ude00"`, "😀"},
		{"raw UTF-8", `"日本語 🇩🇪"`, "日本語 🇩🇪"},
		{"NUL escape", `"a\u0000b"`, "a\x00b"},
		{"empty containers", `{"a":{},"b":[]}`, map[string]any{"a": map[string]any{}, "b": []any{}}},
		{"surrounding whitespace", " \t\r\n[1]\n ", []any{json.Number("1")}},
		{"depth 128", strings.Repeat("[", 128) + strings.Repeat("]", 128), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecodeJSON([]byte(tc.in))
			if err != nil {
				t.Fatalf("got error %v", err)
			}
			if tc.want != nil && !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %#v, want %#v", got, tc.want)
			}
		})
	}
}

func TestDecodeJSONErrors(t *testing.T) {
	tests := []struct {
		name         string
		in           string
		line, column int
		kind         error
		reason       string
	}{
		{"empty", ``, 1, 1, ErrUnexpectedEnd, "unexpected end of input"},
		{"invalid UTF-8", "{\"a\": \"x\xffy\"}", 1, 9, ErrInvalidUTF8, "invalid UTF-8 in string"},
		{"invalid UTF-8 in a key", "{\"\xc3\": 1}", 1, 3, ErrInvalidUTF8, "invalid UTF-8 in string"},
		{"invalid UTF-8 after an escape", "\"\\n\xff\"", 1, 4, ErrInvalidUTF8, "invalid UTF-8 in string"},
		{"lone high surrogate", `["\ud800"]`, 1, 3, ErrLoneSurrogate, "lone surrogate in \\u escape"},
		{"lone low surrogate", `["\udc00"]`, 1, 3, ErrLoneSurrogate, "lone surrogate in \\u escape"},
		{"high surrogate then non-surrogate", `["\ud800\u0041"]`, 1, 3, ErrLoneSurrogate, "lone surrogate in \\u escape"},
		{"duplicate key", "{\"a\": 1,\n \"a\": 2}", 2, 2, ErrDuplicateKey, `duplicate key "a"`},
		{"duplicate key in a large object", `{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k3":0}`, 1, 72, ErrDuplicateKey, `duplicate key "k3"`},
		{"trailing data", `{} {}`, 1, 4, ErrTrailingData, "data after the JSON value"},
		{"trailing comma", `[1,]`, 1, 4, ErrSyntax, "unexpected character ']'"},
		{"too deep", strings.Repeat("[", 129) + strings.Repeat("]", 129), 1, 129, ErrTooDeep, "nested deeper than 128 levels"},
		{"too deep in an object", strings.Repeat(`{"a":`, 129) + "1" + strings.Repeat("}", 129), 1, 641, ErrTooDeep, "nested deeper than 128 levels"},
		{"leading zero", `01`, 1, 2, ErrSyntax, "invalid number (leading zero)"},
		{"negative leading zero in an object", `{"a": -01}`, 1, 9, ErrSyntax, "invalid number (leading zero)"},
		{"byte order mark", "\xef\xbb\xbf{}", 1, 1, ErrByteOrderMark, "byte order mark (U+FEFF) before the JSON text; save the file as UTF-8 without BOM"},
		{"NaN", `NaN`, 1, 1, ErrSyntax, "unexpected character 'N'"},
		{"bare dot", `1.`, 1, 3, ErrSyntax, "invalid number (digits expected after '.')"},
		{"raw control character", "\"a\tb\"", 1, 3, ErrControlCharacter, "control character in string (must be escaped)"},
		{"raw control character after an escape", "\"\\n\tb\"", 1, 4, ErrControlCharacter, "control character in string (must be escaped)"},
		{"bad escape", `"\x"`, 1, 2, ErrSyntax, `invalid escape "\\x"`},
		{"short unicode escape", `"\u12"`, 1, 2, ErrSyntax, "invalid \\u escape"},
		{"unterminated string", `"abc`, 1, 5, ErrUnexpectedEnd, "unterminated string"},
		{"unterminated escape", `"abc\`, 1, 5, ErrUnexpectedEnd, "unterminated escape"},
		{"unterminated object", `{"a":1`, 1, 7, ErrUnexpectedEnd, "unexpected end of input in object"},
		{"unterminated array", `[1`, 1, 3, ErrUnexpectedEnd, "unexpected end of input in array"},
		{"single quotes", `{'a': 1}`, 1, 2, ErrSyntax, "expected a string key"},
		{"missing colon", `{"a" 1}`, 1, 6, ErrSyntax, "expected ':' after key"},
		{"bad literal", `tru`, 1, 1, ErrSyntax, "invalid literal (expected true)"},
	}
	kinds := []error{ErrSyntax, ErrUnexpectedEnd, ErrTrailingData, ErrByteOrderMark, ErrTooDeep, ErrDuplicateKey, ErrInvalidUTF8, ErrLoneSurrogate, ErrControlCharacter}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeJSON([]byte(tc.in))
			if !errors.Is(err, ErrInvalidJSON) {
				t.Fatalf("got %v, want an error wrapping ErrInvalidJSON", err)
			}
			for _, k := range kinds {
				if got, want := errors.Is(err, k), k == tc.kind; got != want {
					t.Errorf("errors.Is(err, %q): got %v, want %v", k, got, want)
				}
			}
			var je *JSONError
			if !errors.As(err, &je) {
				t.Fatalf("got %T, want *JSONError", err)
			}
			if je.Line != tc.line || je.Column != tc.column || je.Reason != tc.reason {
				t.Errorf("got line %d, column %d, %q; want line %d, column %d, %q", je.Line, je.Column, je.Reason, tc.line, tc.column, tc.reason)
			}
			if want := fmt.Sprintf("invalid JSON at line %d, column %d: %s", tc.line, tc.column, tc.reason); err.Error() != want {
				t.Errorf("got message %q, want %q", err, want)
			}
		})
	}
}

// TestDecodeJSONSharesInput documents that strings without escapes are slices
// of one copy of the input: the caller's buffer may be reused at once.
func TestDecodeJSONSharesInput(t *testing.T) {
	data := []byte(`{"text":"hello"}`)
	v, err := DecodeJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	copy(data, strings.Repeat("x", len(data)))
	if got := v.(map[string]any)["text"]; got != "hello" {
		t.Errorf("got %q after reusing the input buffer, want %q", got, "hello")
	}
}

// TestDecodeJSONAfterFailure: decoders are pooled; one that failed midway
// leaves nothing behind for the next value.
func TestDecodeJSONAfterFailure(t *testing.T) {
	for _, bad := range []string{`[1,[2,{"a":[3,`, `{"a":{"b":1,"b":2}}`, `[1,2,3,x]`} {
		if _, err := DecodeJSON([]byte(bad)); err == nil {
			t.Fatalf("%s: decoded", bad)
		}
		for _, good := range []string{`[4]`, `{"c":[5,{"d":6}]}`} {
			got, err := DecodeJSON([]byte(good))
			if err != nil {
				t.Fatal(err)
			}
			var want any
			if err := json.Unmarshal([]byte(good), &want); err != nil {
				t.Fatal(err)
			}
			if g, w := fmt.Sprint(got), fmt.Sprint(want); g != w {
				t.Errorf("after %s: got %s, want %s", bad, g, w)
			}
		}
	}
}

// TestDecodeJSONString: the string form decodes as DecodeJSON does, and
// slices its strings out of the input rather than copying them.
func TestDecodeJSONString(t *testing.T) {
	const text = `{"a":["x","y\u00e9",1.5,null],"b":{"c":true}}`
	got, err := DecodeJSONString(text)
	if err != nil {
		t.Fatal(err)
	}
	want, err := DecodeJSON([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v, want %#v", got, want)
	}
	if _, err := DecodeJSONString(`{"a":1,"a":2}`); !errors.Is(err, ErrDuplicateKey) {
		t.Errorf("got %v, want ErrDuplicateKey", err)
	}
	if n := testing.AllocsPerRun(100, func() {
		if _, err := DecodeJSONString(`"a string without escapes"`); err != nil {
			t.Fatal(err)
		}
	}); n > 1 {
		t.Errorf("got %v allocations for a string, want at most the one that boxes it", n)
	}
}
