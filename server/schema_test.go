package server

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/lexval/lexval/datamodel"
)

func TestSchema(t *testing.T) {
	s := newTestServer(t)
	get := func(name, query string, status int) apiCase {
		return apiCase{name: name, method: http.MethodGet, path: "/api/v1/schema?" + query, status: status}
	}
	bad := func(name, query string, contains ...string) apiCase {
		c := get(name, query, 400)
		c.errName, c.msgContains = "InvalidRequest", contains
		return c
	}
	cases := []apiCase{
		func() apiCase {
			c := get("by NSID", "nsid="+refreshSession, 200)
			c.golden = "schema_record"
			c.check = func(t *testing.T, b map[string]any) {
				wantField(t, b, refreshSessionURI, "uri")
				wantField(t, b, refreshSessionCID, "cid")
				wantField(t, b, refreshSession, "nsid")
				wantField(t, b, "2026-01-09T12:47:00Z", "indexedAt")
				wantField(t, b, "embedded", "source")
				wantField(t, b, nil, "proof") // the source says where it came from
				wantField(t, b, refreshSession, "record", "id")
				wantField(t, b, "com.atproto.lexicon.schema", "record", "$type")
			}
			return c
		}(),
		func() apiCase {
			c := get("by AT-URI with pin", "uri="+url.QueryEscape(refreshSessionURI)+"&cid="+refreshSessionCID, 200)
			c.check = func(t *testing.T, b map[string]any) { wantField(t, b, refreshSessionCID, "cid") }
			return c
		}(),
		func() apiCase {
			c := get("directory document", "nsid=com.example.note", 200)
			c.check = func(t *testing.T, b map[string]any) {
				wantField(t, b, "directory", "source")
				wantField(t, b, nil, "uri")
				wantField(t, b, "com.example.note", "record", "id")
				// The record as hashed: with the $type it will be
				// published with, so that its CID is the one reported.
				wantField(t, b, "com.atproto.lexicon.schema", "record", "$type")
				raw, err := json.Marshal(b["record"])
				if err != nil {
					t.Fatal(err)
				}
				record, err := datamodel.DecodeJSON(raw)
				if err != nil {
					t.Fatal(err)
				}
				got, err := datamodel.RecordCID(record)
				if err != nil {
					t.Fatal(err)
				}
				wantField(t, b, got.String(), "cid")
			}
			return c
		}(),
		func() apiCase {
			c := get("JSON Schema", "nsid="+refreshSession+"&format=jsonschema", 200)
			c.golden = "schema_jsonschema"
			return c
		}(),
		func() apiCase {
			c := get("JSON Schema of a chosen target", "nsid=com.example.echo&format=jsonschema&target=input", 200)
			return c
		}(),
		func() apiCase {
			c := get("JSON Schema of a named def", "nsid="+url.QueryEscape("com.example.note#tag")+"&format=jsonschema", 200)
			return c
		}(),
		get("record format", "nsid="+refreshSession+"&format=record", 200),
		bad("neither uri nor nsid", "", "missing uri or nsid"),
		bad("both uri and nsid", "nsid="+refreshSession+"&uri="+url.QueryEscape(refreshSessionURI), "not both"),
		bad("uri not an AT-URI", "uri="+refreshSession, "not an AT-URI"),
		bad("nsid is an AT-URI", "nsid="+url.QueryEscape(refreshSessionURI), "use uri="),
		bad("invalid nsid", "nsid=refreshSession", "refreshSession"),
		bad("invalid cid", "nsid="+refreshSession+"&cid=xyz", `"xyz" is not a CID`),
		bad("unknown format", "nsid="+refreshSession+"&format=yaml", `unknown format "yaml"`),
		bad("target without format", "nsid="+refreshSession+"&target=output", "format=jsonschema"),
		bad("unknown target", "nsid="+refreshSession+"&format=jsonschema&target=body", "body"),
		bad("target the schema lacks", "nsid="+refreshSession+"&format=jsonschema&target=input", "output"),
		bad("ambiguous target", "nsid=com.example.echo&format=jsonschema", "input", "output"),
		func() apiCase {
			c := get("unknown lexicon", "nsid=com.example.nothing", 404)
			c.errName = "LexiconNotFound"
			return c
		}(),
		func() apiCase {
			c := get("unknown def", "nsid="+url.QueryEscape(refreshSession+"#zzz"), 404)
			c.errName, c.msgContains = "LexiconNotFound", []string{`no definition "zzz"`}
			return c
		}(),
		func() apiCase {
			c := get("unknown def by AT-URI", "uri="+url.QueryEscape(refreshSessionURI+"#zzz"), 404)
			c.errName, c.msgContains = "LexiconNotFound", []string{`no definition "zzz"`}
			return c
		}(),
		func() apiCase {
			c := get("unknown def for JSON Schema", "nsid="+url.QueryEscape(refreshSession+"#zzz")+"&format=jsonschema", 404)
			c.errName, c.msgContains = "LexiconNotFound", []string{`no definition "zzz"`}
			return c
		}(),
		get("a named def", "nsid="+url.QueryEscape("com.example.note#tag"), 200),
		func() apiCase {
			c := get("pinned CID mismatch", "nsid="+refreshSession+"&cid="+lexiconSchemaCID, 409)
			c.errName = "CIDMismatch"
			return c
		}(),
		func() apiCase {
			c := get("pinned CID mismatch for JSON Schema", "nsid="+refreshSession+"&cid="+lexiconSchemaCID+"&format=jsonschema", 409)
			c.errName = "CIDMismatch"
			return c
		}(),
		{name: "wrong method", method: http.MethodPost, path: "/api/v1/schema", body: `{}`, status: 405, errName: "MethodNotAllowed"},
	}
	runCases(t, s, cases)
}
