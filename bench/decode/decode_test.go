package decode

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// correctnessCases are the rules DecodeJSON must keep; every candidate is
// measured against them and the table is logged.
var correctnessCases = []struct {
	name  string
	input string
	ok    bool
	// check inspects a successful decode; nil means success is enough.
	check func(any) error
}{
	{"2^53+1 stays exact", `{"n":9007199254740993}`, true, func(v any) error {
		return wantNumber(v, "9007199254740993")
	}},
	{"beyond int64 kept as text", `{"n":18446744073709551616}`, true, func(v any) error {
		return wantNumber(v, "18446744073709551616")
	}},
	{"invalid UTF-8 rejected", "{\"s\":\"a\xffb\"}", false, nil},
	{"escaped lone surrogate rejected", `{"s":"\ud800"}`, false, nil},
	{"escaped lone low surrogate rejected", `{"s":"\udc00x"}`, false, nil},
	{"surrogate pair decoded", `{"s":"\ud83d\ude00"}`, true, func(v any) error {
		if s := v.(map[string]any)["s"]; s != "😀" {
			return fmt.Errorf("got %q", s)
		}
		return nil
	}},
	{"duplicate keys rejected", `{"a":1,"a":2}`, false, nil},
	{"trailing data rejected", `{"a":1} {"b":2}`, false, nil},
	{"trailing garbage rejected", `{"a":1}x`, false, nil},
	{"trailing whitespace accepted", "{\"a\":1}\n", true, nil},
	{"nesting beyond 128 rejected", strings.Repeat("[", 129) + strings.Repeat("]", 129), false, nil},
	{"nesting of 128 accepted", strings.Repeat("[", 128) + strings.Repeat("]", 128), true, nil},
	{"leading zero rejected", `{"n":01}`, false, nil},
	{"NaN rejected", `{"n":NaN}`, false, nil},
	{"raw control character rejected", "{\"s\":\"a\tb\"}", false, nil},
}

func wantNumber(v any, text string) error {
	n, ok := v.(map[string]any)["n"]
	if !ok {
		return fmt.Errorf("no n")
	}
	if s := fmt.Sprint(n); s != text {
		return fmt.Errorf("got %s (%T), want %s", s, n, text)
	}
	return nil
}

// TestCorrectness logs which candidate keeps which rule; the chosen decoder
// must keep them all.
func TestCorrectness(t *testing.T) {
	for _, c := range candidates {
		var failed []string
		for _, tc := range correctnessCases {
			v, err := func() (v any, err error) {
				defer func() {
					if r := recover(); r != nil {
						err = fmt.Errorf("panic: %v", r)
					}
				}()
				return c.decode([]byte(tc.input))
			}()
			pass := (err == nil) == tc.ok
			if pass && err == nil && tc.check != nil {
				pass = tc.check(v) == nil
			}
			if !pass {
				failed = append(failed, tc.name)
			}
		}
		t.Logf("%-18s fails %d/%d: %s", c.name, len(failed), len(correctnessCases), strings.Join(failed, "; "))
		if c.name == "lexval" && len(failed) > 0 {
			t.Errorf("datamodel.DecodeJSON fails: %v", failed)
		}
	}
}

func benchInputs(b *testing.B) map[string][]byte {
	dir := filepath.Join("..", "..", "validator", "testdata", "bench")
	out := map[string][]byte{}
	for _, name := range []string{"post-small", "post-medium", "post-large", "refresh-session-output"} {
		data, err := os.ReadFile(filepath.Join(dir, name+".json"))
		if err != nil {
			b.Fatal(err)
		}
		out[name] = data
	}
	return out
}

func BenchmarkDecode(b *testing.B) {
	inputs := benchInputs(b)
	for _, name := range []string{"post-small", "post-medium", "post-large", "refresh-session-output"} {
		data := inputs[name]
		for _, c := range candidates {
			if _, err := c.decode(data); err != nil {
				b.Fatalf("%s on %s: %v", c.name, name, err)
			}
			b.Run(name+"/"+c.name, func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(data)))
				for b.Loop() {
					if _, err := c.decode(data); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

var _ = json.Number("")
