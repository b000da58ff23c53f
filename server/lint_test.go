package server

import (
	"net/http"
	"strings"
	"testing"
)

// cleanDoc references a lexicon of the local catalog.
const cleanDoc = `{"lexicon":1,"id":"com.example.draft","defs":{"main":{"type":"record","key":"tid","record":{"type":"object","required":["text"],"properties":{"text":{"type":"string","maxLength":10},"session":{"type":"ref","ref":"com.example.note#tag"}}}}}}`

// brokenDoc breaks authoring rules: wrong lexicon version, a primary type
// not as main, minimum above maximum.
const brokenDoc = `{"lexicon":2,"id":"com.example.broken","defs":{"main":{"type":"object","properties":{"n":{"type":"integer","minimum":5,"maximum":1}}},"other":{"type":"record","key":"tid","record":{"type":"object","properties":{}}}}}`

// pairA and pairB reference each other: each is clean only beside the other.
const (
	pairA = `{"lexicon":1,"id":"com.example.pair.a","defs":{"main":{"type":"object","properties":{"b":{"type":"ref","ref":"com.example.pair.b"}}}}}`
	pairB = `{"lexicon":1,"id":"com.example.pair.b","defs":{"main":{"type":"object","properties":{"a":{"type":"ref","ref":"com.example.pair.a#main"}}}}}`
)

func TestLint(t *testing.T) {
	s := newTestServer(t)
	const path = "/api/v1/lint"
	post := func(name, body string, status int) apiCase {
		return apiCase{name: name, method: http.MethodPost, path: path, body: body, status: status}
	}
	cases := []apiCase{
		func() apiCase {
			// A warning (the record has no description) is advice: the
			// document stays valid.
			c := post("clean document", cleanDoc, 200)
			c.golden = "lint_clean"
			c.check = func(t *testing.T, b map[string]any) {
				wantField(t, b, true, "valid")
				wantPaths(t, b["errors"], "/defs/main/description")
				wantField(t, b, "warning", "errors", 0, "severity")
				wantField(t, b, "missing-description", "errors", 0, "rule")
			}
			return c
		}(),
		func() apiCase {
			c := post("broken document", brokenDoc, 200)
			c.golden = "lint_errors"
			c.check = func(t *testing.T, b map[string]any) {
				wantField(t, b, false, "valid")
				if n := len(errorPaths(b["errors"])); n < 3 {
					t.Errorf("got %d errors, want at least 3 (lexicon, primary type, minimum/maximum)", n)
				}
			}
			return c
		}(),
		func() apiCase {
			c := post("documents referencing each other", `{"documents":[`+pairA+`,`+pairB+`]}`, 200)
			c.check = func(t *testing.T, b map[string]any) {
				wantField(t, b, true, "valid")
				wantField(t, b, "com.example.pair.a", "results", 0, "id")
				wantField(t, b, "com.example.pair.b", "results", 1, "id")
			}
			return c
		}(),
		func() apiCase {
			c := post("a missing reference", pairA, 200)
			c.check = func(t *testing.T, b map[string]any) { wantField(t, b, false, "valid") }
			return c
		}(),
		func() apiCase {
			c := post("batch with a broken document", `{"documents":[`+cleanDoc+`,`+brokenDoc+`,"not a document"]}`, 200)
			c.golden = "lint_batch"
			c.check = func(t *testing.T, b map[string]any) {
				wantField(t, b, false, "valid")
				wantField(t, b, true, "results", 0, "valid")
				wantField(t, b, false, "results", 1, "valid")
				wantField(t, b, false, "results", 2, "valid")
			}
			return c
		}(),
		func() apiCase {
			other := strings.Replace(pairA, `"b":`, `"c":`, 1)
			c := post("two documents with one id", `{"documents":[`+pairA+`,`+pairB+`,`+other+`]}`, 200)
			c.check = func(t *testing.T, b map[string]any) {
				wantField(t, b, false, "valid")
				wantField(t, b, true, "results", 1, "valid")
				for i, otherIndex := range map[int]string{0: "documents[2]", 2: "documents[0]"} {
					wantField(t, b, false, "results", i, "valid")
					wantPaths(t, field(b, "results", i, "errors"), "/id")
					if msg, _ := field(b, "results", i, "errors", 0, "message").(string); !strings.Contains(msg, otherIndex) {
						t.Errorf("result %d: got message %q, want it to name %s", i, msg, otherIndex)
					}
				}
			}
			return c
		}(),
		{name: "documents not an array", method: http.MethodPost, path: path, body: `{"documents":{}}`, status: 400, errName: "InvalidRequest", msgContains: []string{`"documents" must be an array`}},
		{name: "no documents", method: http.MethodPost, path: path, body: `{"documents":[]}`, status: 400, errName: "InvalidRequest", msgContains: []string{"empty"}},
		{name: "too many documents", method: http.MethodPost, path: path, body: `{"documents":[` + strings.Repeat(`{},`, maxDocuments) + `{}]}`, status: 400, errName: "InvalidRequest", msgContains: []string{"more than"}},
		{name: "documents beside other fields", method: http.MethodPost, path: path, body: `{"documents":[],"id":"x"}`, status: 400, errName: "InvalidRequest", msgContains: []string{`unknown field "id"`}},
		{name: "not an object", method: http.MethodPost, path: path, body: `"lexicon"`, status: 400, errName: "InvalidRequest", msgContains: []string{"got a string"}},
		{name: "malformed JSON", method: http.MethodPost, path: path, body: `{"lexicon":1,}`, status: 400, errName: "InvalidRequest", msgContains: []string{"line 1, column 14"}},
		{name: "wrong method", method: http.MethodPut, path: path, body: cleanDoc, status: 405, errName: "MethodNotAllowed"},
	}
	runCases(t, s, cases)
}
