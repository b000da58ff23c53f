package web

import (
	"strings"
	"testing"
)

func TestHighlight(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []token
	}{
		{
			name: "object",
			in:   `{"type":"string","maxLength":300,"ok":true,"x":null}`,
			want: []token{
				{Text: "{\n  "}, {Class: "key", Text: `"type"`}, {Text: ": "}, {Class: "str", Text: `"string"`}, {Text: ",\n  "},
				{Class: "key", Text: `"maxLength"`}, {Text: ": "}, {Class: "num", Text: "300"}, {Text: ",\n  "},
				{Class: "key", Text: `"ok"`}, {Text: ": "}, {Class: "lit", Text: "true"}, {Text: ",\n  "},
				{Class: "key", Text: `"x"`}, {Text: ": "}, {Class: "lit", Text: "null"}, {Text: "\n}"},
			},
		},
		{
			name: "escaped quote and colon inside a string",
			in:   `["a\":b", -1.5e3]`,
			want: []token{{Text: "[\n  "}, {Class: "str", Text: `"a\":b"`}, {Text: ",\n  "}, {Class: "num", Text: "-1.5e3"}, {Text: "\n]"}},
		},
		{
			name: "invalid JSON is left as it is",
			in:   `{"a":`,
			want: []token{{Text: `{"a":`}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := highlight([]byte(tt.in), nil)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d tokens %q, want %d %q", len(got), got, len(tt.want), tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("token %d: got %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestHighlightKeepsText(t *testing.T) {
	in := `{"lexicon":1,"id":"com.example.a","defs":{"main":{"type":"record","description":"say \"hi\" \\ \u00e9"}}}`
	var sb strings.Builder
	for _, tok := range highlight([]byte(in), nil) {
		sb.WriteString(tok.Text)
	}
	want, err := indentJSON([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if sb.String() != string(want) {
		t.Errorf("got %q, want %q", sb.String(), want)
	}
}

// TestHighlightLinksRefs: the strings of "ref" members and "refs" arrays
// are linked, and no other string is (a property named ref is an object,
// and "required" lists names).
func TestHighlightLinksRefs(t *testing.T) {
	in := `{"defs":{"main":{"type":"object","required":["ref"],"properties":{
		"ref":{"type":"ref","ref":"#view"},
		"u":{"type":"union","refs":["com.example.a","com.example.b#c"]},
		"s":{"type":"string","knownValues":["com.example.k"]}}}}}`
	var linked []string
	for _, tok := range highlight([]byte(in), func(ref string) string { return "link:" + ref }) {
		if tok.Href != "" {
			linked = append(linked, tok.Text+" "+tok.Href)
		}
	}
	want := []string{`"#view" link:#view`, `"com.example.a" link:com.example.a`, `"com.example.b#c" link:com.example.b#c`}
	if strings.Join(linked, "\n") != strings.Join(want, "\n") {
		t.Errorf("got links %q, want %q", linked, want)
	}
}
