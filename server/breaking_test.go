package server

import (
	"net/http"
	"strings"
	"testing"
)

// noteV2 is com.example.note (testdata/lexicons) with text's maxGraphemes
// lowered and count's minimum dropped.
const noteV2 = `{"lexicon":1,"id":"com.example.note","defs":{"main":{"type":"record","key":"tid","record":{"type":"object","required":["text","createdAt"],"properties":{
  "text":{"type":"string","maxLength":100,"maxGraphemes":5},"createdAt":{"type":"string","format":"datetime"},"count":{"type":"integer"},
  "attachment":{"type":"ref","ref":"com.example.missing#thing"}}}},
  "tag":{"type":"object","required":["name"],"properties":{"name":{"type":"string","maxLength":20}}}}}`

func TestBreaking(t *testing.T) {
	s := newTestServer(t)
	post := func(name, path, body string, status int) apiCase {
		return apiCase{name: name, method: http.MethodPost, path: path, body: body, status: status}
	}
	const breaking, diff = "/api/v1/breaking", "/api/v1/diff"
	bad := func(name, path, body, msg string) apiCase {
		c := post(name, path, body, http.StatusBadRequest)
		c.errName, c.msgContains = "InvalidRequest", []string{msg}
		return c
	}
	cases := []apiCase{
		func() apiCase {
			c := post("the published version against a draft", breaking, `{"old":"com.example.note","new":`+noteV2+`,
				"records":[{"$type":"com.example.note","text":"hello!!","createdAt":"2024-01-01T00:00:00Z"},{"$type":"com.example.note","text":"hi","createdAt":"2024-01-01T00:00:00Z"}]}`, 200)
			c.golden = "breaking"
			c.check = func(t *testing.T, b map[string]any) {
				wantField(t, b, true, "breaking")
				wantField(t, b, "minimum-loosened", "changes", 0, "rule")
				wantField(t, b, "old", "changes", 0, "in")
				wantField(t, b, "warning", "changes", 0, "severity")
				wantField(t, b, "max-graphemes-tightened", "changes", 1, "rule")
				wantField(t, b, "old-data", "changes", 1, "direction")
				wantField(t, b, "/defs/main/record/properties/text/maxGraphemes", "changes", 1, "path")
				wantField(t, b, true, "records", 0, "breaks")
				wantField(t, b, false, "records", 1, "breaks")
				wantField(t, b, "directory", "old", 0, "source")
				wantField(t, b, "changed", "diff", 2, "op")
			}
			return c
		}(),
		func() apiCase {
			c := post("loosenings as errors", breaking, `{"old":"com.example.note","new":[`+noteV2+`],"loosening":"error"}`, 200)
			c.check = func(t *testing.T, b map[string]any) { wantField(t, b, "error", "changes", 0, "severity") }
			return c
		}(),
		func() apiCase {
			c := post("nothing changed", breaking, `{"old":"com.example.note","new":"com.example.note"}`, 200)
			c.check = func(t *testing.T, b map[string]any) {
				wantField(t, b, false, "breaking")
				if n := len(field(b, "changes").([]any)); n != 0 {
					t.Errorf("got %d changes, want none", n)
				}
			}
			return c
		}(),
		func() apiCase {
			c := post("diff", diff, `{"old":"com.example.note","new":`+noteV2+`}`, 200)
			c.golden = "diff"
			c.check = func(t *testing.T, b map[string]any) {
				wantField(t, b, "/description", "diff", 0, "field")
				wantField(t, b, "main", "diff", 1, "def")
				wantField(t, b, "/record/properties/count/minimum", "diff", 1, "field")
				wantField(t, b, "removed", "diff", 1, "op")
			}
			return c
		}(),
		bad("a stored version without a store", breaking, `{"old":"com.example.note@bafyreigcy4ovht4rgredjpr53i4zgkxkvfdcmhhvhra5d3hffxwh2fhjne","new":"com.example.note"}`, "no lexicon store is configured"),
		bad("no old", breaking, `{"new":"com.example.note"}`, `missing "old"`),
		bad("old of the wrong type", breaking, `{"old":1,"new":"com.example.note"}`, `field "old" must be a lexicon document`),
		bad("an empty set", diff, `{"old":[],"new":"com.example.note"}`, `"old" is empty`),
		bad("a document that does not parse", breaking, `{"old":"com.example.note","new":[{"lexicon":1}]}`, "new: new[0]: invalid lexicon"),
		bad("an unknown field", breaking, `{"old":"com.example.note","new":"com.example.note","recrods":[]}`, `unknown field "recrods"`),
		bad("a bad loosening", breaking, `{"old":"com.example.note","new":"com.example.note","loosening":"fatal"}`, `severity "fatal" is not one of`),
		bad("records not an array", breaking, `{"old":"com.example.note","new":"com.example.note","records":{}}`, `"records" must be an array`),
		bad("too many records", breaking, `{"old":"com.example.note","new":"com.example.note","records":[`+strings.Repeat("{},", maxCompareRecords)+`{}]}`, "more than the 1000"),
		bad("diff takes no records", diff, `{"old":"com.example.note","new":"com.example.note","records":[]}`, `unknown field "records"`),
		func() apiCase {
			c := post("an unknown lexicon", breaking, `{"old":"com.example.nope","new":"com.example.note"}`, http.StatusNotFound)
			c.errName, c.msgContains = "LexiconNotFound", []string{"old: schema com.example.nope"}
			return c
		}(),
	}
	runCases(t, s, cases)
}
