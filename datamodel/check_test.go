package datamodel

import (
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	const link = "bafkreiccldh766hwcnuxnf2wh6jgzepf2nlu2lvcllt63eww5p6chi4ity"
	tests := []struct {
		name string
		json string
		want []Problem
	}{
		{name: "valid", json: `{"a":[1,"x",true,null,{"$bytes":"aGk"}],"b":{"$link":"` + link + `"},"c":123.0}`},
		{name: "valid blob", json: `{"$type":"blob","ref":{"$link":"` + link + `"},"mimeType":"image/png","size":0,"$extra":1}`},
		{name: "top level of any kind", json: `[1, "x"]`},
		{name: "float", json: `{"a":[1.5]}`, want: []Problem{{"/a/0", "must be an integer, got 1.5"}}},
		{name: "beyond 64 bits", json: `{"a":9223372036854775808}`, want: []Problem{{"/a", "integer out of range (64-bit signed), got 9223372036854775808"}}},
		{name: "empty $type", json: `{"x/y":{"$type":""}}`, want: []Problem{{"/x~1y/$type", `$type must be a non-empty string, got ""`}}},
		{name: "$bytes not base64", json: `{"$bytes":"***"}`, want: []Problem{{"/$bytes", "$bytes is not valid base64"}}},
		{name: "$bytes beside another field", json: `{"$bytes":"aGk","b":1}`, want: []Problem{{"/b", `a $bytes object has no other fields, got "b"`}}},
		{name: "$link not a string", json: `{"$link":1}`, want: []Problem{{"/$link", "$link must be a CID string, got an integer"}}},
		{name: "$link a CIDv0", json: `{"$link":"QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG"}`, want: []Problem{{"/$link", `$link is a CIDv0 (atproto links are CIDv1): "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG"`}}},
		{name: "blob missing fields", json: `{"$type":"blob","size":-1}`, want: []Problem{
			{"/mimeType", "blob field missing: mimeType"},
			{"/ref", "blob field missing: ref"},
			{"/size", "blob size must be a non-negative integer, got -1"},
		}},
		{name: "blob with another field", json: `{"$type":"blob","ref":{"$link":"` + link + `"},"mimeType":"","size":1,"other":1}`, want: []Problem{
			{"/mimeType", `blob mimeType must be a non-empty string, got ""`},
			{"/other", `a blob has no field "other"`},
		}},
		{name: "every problem, sorted", json: `{"b":[2.5,{"$type":7}],"a":{"$link":"x"}}`, want: []Problem{
			{"/a/$link", `$link is not a valid CID: "x"`},
			{"/b/0", "must be an integer, got 2.5"},
			{"/b/1/$type", "$type must be a non-empty string, got 7"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := DecodeJSON([]byte(tt.json))
			if err != nil {
				t.Fatal(err)
			}
			r := Check(v)
			if !reflect.DeepEqual(r.Problems, tt.want) {
				t.Errorf("got problems %q, want %q", r.Problems, tt.want)
			}
			if got, want := Valid(v), tt.want == nil; got != want {
				t.Errorf("Valid: got %v, want %v", got, want)
			}
			if u := r.Unsafe(); u != nil {
				t.Errorf("got unsafe %q, want none", u)
			}
		})
	}
}

func TestCheckRecord(t *testing.T) {
	tests := []struct {
		name string
		v    any
		want []Problem
	}{
		{name: "object", v: map[string]any{"a": json.Number("1")}},
		{name: "array", v: []any{json.Number("1.5")}, want: []Problem{{"", "the top level must be an object, got an array"}, {"/0", "must be an integer, got 1.5"}}},
		{name: "string", v: "x", want: []Problem{{"", "the top level must be an object, got a string"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CheckRecord(tt.v); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if got, want := ValidRecord(tt.v), tt.want == nil; got != want {
				t.Errorf("ValidRecord: got %v, want %v", got, want)
			}
		})
	}
}

// TestReportUnsafe: values a schema evaluator must not see are problems,
// named by Unsafe, and replaced by null in a copy.
func TestReportUnsafe(t *testing.T) {
	deep := any("leaf")
	for range MaxDepth + 1 {
		deep = []any{deep}
	}
	v := map[string]any{
		"huge":    json.Number("1e99999"),
		"long":    json.Number("1" + strings.Repeat("0", 1000)),
		"go":      struct{}{},
		"nan":     math.NaN(),
		"deep":    deep,
		"fine":    []any{json.Number("1"), json.Number("2")},
		"escaped": map[string]any{"a/b": json.Number("1e99999")},
	}
	r := Check(v)
	if Valid(v) {
		t.Fatal("Valid: got true, want false")
	}
	wantUnsafe := []string{"/huge", "/long", "/go", "/nan", "/deep" + strings.Repeat("/0", MaxDepth), "/escaped/a~1b"}
	got := r.Unsafe()
	slices.Sort(got)
	slices.Sort(wantUnsafe)
	if !slices.Equal(got, wantUnsafe) {
		t.Errorf("got unsafe %q, want %q", got, wantUnsafe)
	}
	for _, p := range wantUnsafe {
		if !slices.ContainsFunc(r.Problems, func(q Problem) bool { return q.Path == p }) {
			t.Errorf("unsafe %s is no problem: %q", p, r.Problems)
		}
	}
	clean := r.WithoutUnsafe(v).(map[string]any)
	for _, k := range []string{"huge", "long", "go", "nan"} {
		if clean[k] != nil {
			t.Errorf("WithoutUnsafe: got %v at /%s, want null", clean[k], k)
		}
	}
	if got := clean["escaped"].(map[string]any)["a/b"]; got != nil {
		t.Errorf("WithoutUnsafe: got %v at /escaped/a~1b, want null", got)
	}
	if !reflect.DeepEqual(clean["fine"], v["fine"]) {
		t.Errorf("WithoutUnsafe: got %v at /fine, want it unchanged", clean["fine"])
	}
	if v["huge"] != json.Number("1e99999") || v["escaped"].(map[string]any)["a/b"] == nil {
		t.Error("WithoutUnsafe changed the value it was given")
	}
	inner := clean["deep"]
	for range MaxDepth - 1 {
		inner = inner.([]any)[0]
	}
	if got := inner.([]any)[0]; got != nil {
		t.Errorf("WithoutUnsafe: got %v at the deepest unsafe path, want null", got)
	}
}

// TestValidAllocs pins what makes Valid worth having: a valid value costs
// no allocation, however big.
func TestValidAllocs(t *testing.T) {
	data, err := readRefreshSession()
	if err != nil {
		t.Fatal(err)
	}
	v, err := DecodeJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]func(any) bool{"Valid": Valid, "ValidRecord": ValidRecord} {
		if !f(v) {
			t.Fatalf("%s: got false for the refreshSession record", name)
		}
		if n := testing.AllocsPerRun(100, func() { f(v) }); n != 0 {
			t.Errorf("%s: got %v allocations, want 0", name, n)
		}
	}
}

func BenchmarkValid(b *testing.B) {
	data, err := readRefreshSession()
	if err != nil {
		b.Fatal(err)
	}
	v, err := DecodeJSON(data)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if !Valid(v) {
			b.Fatal("not valid")
		}
	}
}

func TestBase64Len(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"", 0, true},
		{"aGk", 2, true},
		{"aGk=", 2, true},
		{"aGVsbG8=", 5, true},
		{"aGVsbG8", 5, true},
		{"a", 0, false},     // a lone sextet holds no byte
		{"aGk==", 0, false}, // padding that does not complete a quantum
		{"a-_b", 0, false},  // the URL alphabet is not the data model's
		{"aG\nk", 0, false}, // no line breaks
	}
	for _, tc := range tests {
		if got, ok := Base64Len(tc.in); got != tc.want || ok != tc.ok {
			t.Errorf("Base64Len(%q): got %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// walkCheckValue is Check rebuilt from CheckValue, as a caller that walks a
// value itself uses it: every value Check visits, checked on its own.
func walkCheckValue(v any) (problems []Problem, unsafe []string) {
	var walk func(v any, path string, depth int)
	walk = func(v any, path string, depth int) {
		ps, bad := CheckValue(v, depth)
		for _, p := range ps {
			problems = append(problems, Problem{Path: path + p.Path, Message: p.Message})
		}
		valid, badToo := ValidValue(v, depth)
		if valid != (len(ps) == 0) || badToo != bad {
			panic("ValidValue and CheckValue disagree at " + path)
		}
		if bad {
			unsafe = append(unsafe, path)
			return
		}
		switch x := v.(type) {
		case []any:
			for i, e := range x {
				walk(e, path+"/"+strconv.Itoa(i), depth+1)
			}
		case map[string]any:
			for k, e := range x {
				if ChecksField(k) {
					walk(e, path+"/"+EscapePointerToken(k), depth+1)
				}
			}
		}
	}
	walk(v, "", 0)
	slices.Sort(unsafe)
	return sortProblems(problems), unsafe
}

// TestCheckValueWalk: walking a value with CheckValue finds what Check
// finds, unsafe values included.
func TestCheckValueWalk(t *testing.T) {
	const link = "bafkreiccldh766hwcnuxnf2wh6jgzepf2nlu2lvcllt63eww5p6chi4ity"
	deep := any(json.Number("1.5"))
	for range MaxDepth + 1 {
		deep = []any{deep}
	}
	values := []any{
		deep,
		map[string]any{"huge": json.Number("1e99999"), "go": struct{}{}, "nan": math.NaN(), "f": 1.5, "deep": deep},
		map[string]any{"\xff": json.Number("1"), "$type": map[string]any{"x": json.Number("1.5")}, "$bytes": json.Number("1e99999")},
	}
	for _, s := range []string{
		`{"a":[1,"x",true,null,{"$bytes":"aGk"}],"b":{"$link":"` + link + `"},"c":123.0}`,
		`{"$type":"blob","size":-1.5,"x":1.5,"ref":{"$link":"x","y":[2.5]}}`,
		`{"$type":"blob","ref":{"$link":"` + link + `"},"mimeType":"","size":1,"other":1}`,
		`{"b":[2.5,{"$type":7}],"a":{"$link":"x"},"c":{"$bytes":"***","d":[1.5]}}`,
		`[{"$type":""},{"$type":"blob"},{"$link":1,"$type":"x"},{"a/b":{"~":1e99999}}]`,
	} {
		v, err := DecodeJSON([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		values = append(values, v)
	}
	for i, v := range values {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			r := Check(v)
			problems, unsafe := walkCheckValue(v)
			if !reflect.DeepEqual(problems, r.Problems) {
				t.Errorf("problems: got %q, want %q", problems, r.Problems)
			}
			want := r.Unsafe()
			slices.Sort(want)
			if !slices.Equal(unsafe, want) {
				t.Errorf("unsafe: got %q, want %q", unsafe, want)
			}
		})
	}
}

// TestValidValueAllocs: checking one value that has no problem allocates
// nothing, as Valid does not.
func TestValidValueAllocs(t *testing.T) {
	v := map[string]any{"$type": "blob", "ref": map[string]any{"$link": "bafkreiccldh766hwcnuxnf2wh6jgzepf2nlu2lvcllt63eww5p6chi4ity"}, "mimeType": "image/png", "size": json.Number("3")}
	if n := testing.AllocsPerRun(100, func() {
		if ok, _ := ValidValue(v, 0); !ok {
			t.Fatal("not valid")
		}
	}); n != 0 {
		t.Errorf("got %v allocations, want 0", n)
	}
}
