package web_test

import (
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lexval/lexval/internal/atprototest"
	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/service"
)

// The fake network of the provenance tests: remoteDID publishes
// com.example.remote.post and two posts; forgedDID publishes a lexicon and a
// post, but its DID document names remoteDID's key, which did not sign them.
const (
	remoteDID   = "did:plc:remoteremoteremoteremote"
	forgedDID   = "did:plc:forgedforgedforgedforgedf"
	remotePage  = "/lexicon/" + remoteDID + "/com.example.remote.post"
	forgedPage  = "/lexicon/" + forgedDID + "/com.example.forged.post"
	postURI     = "at://" + remoteDID + "/com.example.remote.post/3k2yihcrp6f2c"
	badPostURI  = "at://" + remoteDID + "/com.example.remote.post/3k2yihcrp6f2d"
	forgedURI   = "at://" + forgedDID + "/com.example.remote.post/3k2yihcrp6f2c"
	absentURI   = "at://" + remoteDID + "/com.example.remote.post/3k2yihcrp6f2z"
	remotePostL = `{"lexicon":1,"id":"com.example.remote.post","defs":{"main":{"type":"record","key":"tid","record":{"type":"object","required":["text"],"properties":{"text":{"type":"string","maxLength":10}}}}}}`
)

// provenanceNet starts the fake network and returns a service (and its
// resolver) that resolves over it, beside testdata/lexicons, and the account
// that publishes.
func provenanceNet(t *testing.T) (*service.Service, *resolver.Resolver, *atprototest.Account) {
	t.Helper()
	n := atprototest.New(t)
	a := n.NewAccount(remoteDID, atprototest.P256)
	a.PublishLexicon([]byte(remotePostL))
	a.PutRecord("com.example.remote.post", "3k2yihcrp6f2c", []byte(`{"$type":"com.example.remote.post","text":"hello"}`))
	a.PutRecord("com.example.remote.post", "3k2yihcrp6f2d", []byte(`{"$type":"com.example.remote.post","text":"far too long for ten"}`))
	forged := n.NewAccount(forgedDID, atprototest.K256)
	forged.PublishLexicon([]byte(strings.ReplaceAll(remotePostL, "remote", "forged")))
	forged.PutRecord("com.example.remote.post", "3k2yihcrp6f2c", []byte(`{"$type":"com.example.remote.post","text":"hello"}`))
	forged.ClaimKey(a.SigningKey())

	cfg := n.ResolverConfig()
	cfg.Directories = []string{filepath.Join("testdata", "lexicons")}
	res, err := resolver.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return service.New(res), res, a
}

// TestProvenancePages: a network lexicon's page shows its proof, and its
// form validates a record named by AT-URI, proven, saying which record and
// how; every way that fails has its own page.
func TestProvenancePages(t *testing.T) {
	svc, _, a := provenanceNet(t)
	e := pagesOf(t, svc)
	key := a.SigningKey().DIDKey()
	head := a.Head()

	tests := []struct {
		name, method, target, body string
		status                     int
		contains, lacks            []string
	}{
		{
			name: "a network lexicon shows its proof", target: remotePage, status: 200,
			contains: []string{
				"<dt>Signing Key</dt><dd><code>" + key + "</code>",
				"<dt>Repository Revision</dt><dd><code>" + string(head.Rev) + "</code>",
				"<dt>Commit</dt><dd><code>" + head.CID.String() + "</code>",
				"<dt>Verified At (UTC)</dt>",
				"proven by its repository&#39;s signed commit",
				`<input id="uri" name="uri"`, `placeholder="at://did:plc:…/com.example.remote.post/3k…"`,
			},
		},
		{
			name: "a local lexicon has no proof", target: "/lexicon/com.example.web.post", status: 200,
			contains: []string{`<input id="uri" name="uri"`},
			lacks:    []string{"Signing Key", "Repository Revision"},
		},
		{
			name: "a record by AT-URI, valid", method: "POST", target: remotePage, body: form("target", "record", "uri", postURI), status: 200,
			contains: []string{"verdict-valid", "This record matches", `<p class="result-meta result-record">Record <code>` + postURI + `</code>`, "signed by <code>" + key + "</code>", `value="` + postURI + `"`},
		},
		{
			name: "a record by AT-URI, invalid", method: "POST", target: remotePage, body: form("target", "record", "uri", badPostURI), status: 200,
			contains: []string{"verdict-invalid", "/text", "result-record", `<ol class="issues">`, `<li class="issue" data-path="/text">`},
			// No box holds the record: its errors point nowhere on the page.
			lacks: []string{"data-for"},
		},
		{
			name: "a record by AT-URI, from its link", target: remotePage + "?target=record&uri=" + url.QueryEscape(badPostURI), status: 200,
			contains: []string{"verdict-invalid", "/text", "result-record", `value="` + badPostURI + `"`,
				`<a href="` + remotePage + `?target=record&amp;uri=` + url.QueryEscape(badPostURI) + `#result" class="permalink">`},
		},
		{
			name: "a record whose proof fails", method: "POST", target: remotePage, body: form("target", "record", "uri", forgedURI), status: 502,
			contains: []string{"The record could not be proven", "bad commit signature", forgedURI},
			lacks:    []string{"result-record"},
		},
		{
			name: "a record that is not there", method: "POST", target: remotePage, body: form("target", "record", "uri", absentURI), status: 404,
			contains: []string{"Record not found", "holds no such record"},
		},
		{
			name: "an AT-URI that names no record", method: "POST", target: remotePage, body: form("target", "record", "uri", "at://"+remoteDID+"/com.example.remote.post"), status: 400,
			contains: []string{"Not the AT-URI of a record", "does not name a record", `aria-describedby="uri-help problem" aria-invalid="true"`},
		},
		{
			name: "a value and an AT-URI", method: "POST", target: remotePage, body: form("target", "record", "uri", postURI, "value", `{}`), status: 400,
			contains: []string{"Two things to validate"},
		},
		{
			name: "the draft form offers an AT-URI", target: "/validate", status: 200,
			contains: []string{`<input id="uri" name="uri"`},
		},
		{
			name: "a draft and a record by AT-URI", method: "POST", target: "/validate", body: form("lexicon", remotePostL, "uri", badPostURI), status: 200,
			contains: []string{"The record is invalid (1 error); the lexicon has no problems.", "/text", `<p class="result-meta result-record">Record <code>` + badPostURI + `</code>`},
		},
		{
			name: "a draft, a record and an AT-URI", method: "POST", target: "/validate", body: form("lexicon", remotePostL, "record", `{}`, "uri", postURI), status: 400,
			contains: []string{"Two records to validate", "No problems found", `aria-describedby="uri-help problem" aria-invalid="true"`},
		},
		{
			name: "a draft and a record whose proof fails", method: "POST", target: "/validate", body: form("lexicon", remotePostL, "uri", forgedURI), status: 502,
			contains: []string{"The record could not be proven", "No problems found"},
		},
		{
			name: "a lexicon whose proof fails", target: forgedPage, status: 502,
			contains: []string{"The record could not be proven", "bad commit signature"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := servePage(t, e, tt.method, tt.target, tt.body, tt.status).Body.String()
			for _, s := range tt.contains {
				if !strings.Contains(body, s) {
					t.Errorf("page does not contain %q", s)
				}
			}
			for _, s := range tt.lacks {
				if strings.Contains(body, s) {
					t.Errorf("page contains %q", s)
				}
			}
			assertNoInline(t, body)
		})
	}
}

// TestProofCorruptionPages: the lexicon page's form refuses a record that
// the PDS serves in any of the ways atprototest.Corruptions lists, with a
// 502 page that says it could not be proven and why.
func TestProofCorruptionPages(t *testing.T) {
	for _, c := range atprototest.Corruptions() {
		t.Run(c.Name, func(t *testing.T) {
			n := atprototest.New(t)
			a := n.NewAccount(remoteDID, atprototest.P256)
			a.PutRecord("com.example.remote.post", "3k2yihcrp6f2c", []byte(`{"$type":"com.example.remote.post","text":"hello"}`))
			other := n.NewAccount(forgedDID, atprototest.K256)
			c.Apply(t, n, a, other, postURI)
			res, err := resolver.New(n.ResolverConfig())
			if err != nil {
				t.Fatal(err)
			}
			e := pagesOf(t, service.New(res))
			body := servePage(t, e, http.MethodPost, refreshSession, form("target", "output", "uri", postURI), http.StatusBadGateway).Body.String()
			for _, want := range []string{"The record could not be proven", postURI + ": " + c.Reason.Error()} {
				if !strings.Contains(body, want) {
					t.Errorf("page does not contain %q", want)
				}
			}
		})
	}
}
