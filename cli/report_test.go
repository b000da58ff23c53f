package cli

import (
	"encoding/json"
	"testing"

	"github.com/lexval/lexval/validator"
)

func TestGitHubEscaping(t *testing.T) {
	tests := []struct {
		name, in, data, property string
	}{
		{name: "plain", in: "records/a.json", data: "records/a.json", property: "records/a.json"},
		{name: "percent", in: "100%", data: "100%25", property: "100%25"},
		{name: "newlines", in: "a\r\nb", data: "a%0D%0Ab", property: "a%0D%0Ab"},
		{name: "colon and comma", in: "/text: a, b", data: "/text: a, b", property: "/text%3A a%2C b"},
		{name: "already escaped stays distinct", in: "%0A", data: "%250A", property: "%250A"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := githubData(tt.in); got != tt.data {
				t.Errorf("githubData(%q): got %q, want %q", tt.in, got, tt.data)
			}
			if got := githubProperty(tt.in); got != tt.property {
				t.Errorf("githubProperty(%q): got %q, want %q", tt.in, got, tt.property)
			}
		})
	}
}

func TestTallySummary(t *testing.T) {
	valid := validator.Result{Valid: true}
	unchecked := validator.Result{Valid: true, Unresolved: []validator.Unresolved{{Ref: "com.example.x"}}}
	bad := validator.Result{Errors: []validator.Error{{Message: "no"}}}
	tests := []struct {
		name    string
		results []validator.Result
		want    string
		code    int
	}{
		{name: "none", want: "0 values, 0 invalid", code: exitOK},
		{name: "one valid", results: []validator.Result{valid}, want: "1 value, 0 invalid", code: exitOK},
		{name: "mixed", results: []validator.Result{valid, bad, unchecked, bad}, want: "4 values, 2 invalid, 1 valid with unchecked references", code: exitInvalid},
		{name: "unchecked is not invalid", results: []validator.Result{unchecked}, want: "1 value, 0 invalid, 1 valid with unchecked references", code: exitOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ty tally
			for _, r := range tt.results {
				ty.add(r)
			}
			if got := ty.summary("value"); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if got := ty.exitCode(); got != tt.code {
				t.Errorf("exit code: got %d, want %d", got, tt.code)
			}
		})
	}
}

// TestJSONFormatValid: the line written for a valid value without
// json.Marshal is the one json.Marshal writes.
func TestJSONFormatValid(t *testing.T) {
	sources := []source{{file: "posts.jsonl", line: 7}, {file: `a"b\c<d>&e`}, {file: "tab\there\n"}, {file: "é😀"}, {file: "bad\xffutf-8"}}
	for _, src := range sources {
		v := &verdict{src: src, result: validator.Result{Valid: true}}
		want, err := json.Marshal(jsonVerdict{Source: src.String(), Valid: true, Errors: []validator.Error{}, Unresolved: []validator.Unresolved{}})
		if err != nil {
			t.Fatal(err)
		}
		var f jsonFormat
		if got := f.format(nil, v); string(got) != string(want)+"\n" {
			t.Errorf("%q: got %s, want %s", src.String(), got, want)
		}
	}
}
