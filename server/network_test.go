package server

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bluesky-social/indigo/atproto/syntax"
	"github.com/ipfs/go-cid"

	"github.com/lexval/lexval/internal/atprototest"
	"github.com/lexval/lexval/resolver"
)

// The fake network publishes lexicons of the authority remote.example.com
// from one repository.
const remoteDID = "did:plc:remoteremoteremoteremote"

var remoteLexicons = map[string]string{
	"com.example.remote.post": `{"lexicon":1,"id":"com.example.remote.post","defs":{"main":{"type":"record","key":"tid","record":{"type":"object","required":["text","label"],"properties":{"text":{"type":"string","maxLength":20},"label":{"type":"ref","ref":"com.example.remote.defs#label"},"extra":{"type":"ref","ref":"com.example.remote.gone"}}}}}}`,
	"com.example.remote.defs": `{"lexicon":1,"id":"com.example.remote.defs","defs":{"label":{"type":"object","required":["val"],"properties":{"val":{"type":"string","maxLength":5}}}}}`,
	// Served with a cid that is not the value's.
	"com.example.remote.badcid": `{"lexicon":1,"id":"com.example.remote.badcid","defs":{"main":{"type":"object","properties":{}}}}`,
}

// Records by AT-URI: a valid post and an invalid one of remoteDID, and a
// post of forgedDID, whose DID document names a key that did not sign its
// repository.
const (
	forgedDID   = "did:plc:forgedforgedforgedforgedf"
	postURI     = "at://" + remoteDID + "/com.example.remote.post/3k2yihcrp6f2c"
	badPostURI  = "at://" + remoteDID + "/com.example.remote.post/3k2yihcrp6f2d"
	forgedURI   = "at://" + forgedDID + "/com.example.remote.post/3k2yihcrp6f2c"
	absentURI   = "at://" + remoteDID + "/com.example.remote.post/3k2yihcrp6f2z"
	remotePostV = `{"$type":"com.example.remote.post","text":"hello","label":{"val":"ok"}}`
)

// newFakeNetwork publishes remoteLexicons on the shared fake network, whose
// PDS fails for com.example.remote.broken and never answers for
// com.example.remote.slow, and the records of postURI, badPostURI and
// forgedURI.
func newFakeNetwork(t *testing.T) *atprototest.Network {
	t.Helper()
	n := atprototest.New(t)
	a := n.NewAccount(remoteDID, atprototest.P256)
	for _, doc := range remoteLexicons {
		a.PublishLexicon([]byte(doc))
	}
	a.PutRecord("com.example.remote.post", "3k2yihcrp6f2c", []byte(remotePostV))
	a.PutRecord("com.example.remote.post", "3k2yihcrp6f2d", []byte(`{"$type":"com.example.remote.post","text":"hello","label":{"val":"too long"}}`))
	forged := n.NewAccount(forgedDID, atprototest.K256)
	forged.PutRecord("com.example.remote.post", "3k2yihcrp6f2c", []byte(remotePostV))
	forged.ClaimKey(a.SigningKey())
	n.PDS.EditGetRecord(func(uri syntax.ATURI, ans *atprototest.RecordJSON) {
		if uri.RecordKey() == "com.example.remote.badcid" {
			ans.CID = refreshSessionCID
		}
	})
	n.PDS.Intercept(func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		switch r.URL.Query().Get("rkey") {
		case "com.example.remote.broken":
			atprototest.WriteError(w, http.StatusInternalServerError, "InternalServerError", "")
		case "com.example.remote.slow":
			n.PDS.Stall(w, r)
		default:
			next.ServeHTTP(w, r)
		}
	})
	return n
}

// useNetwork points rc at the fake network n.
func useNetwork(rc *resolver.Config, n *atprototest.Network) {
	nc := n.ResolverConfig()
	rc.Network, rc.PLCURL, rc.DNS, rc.AllowPrivateAddresses = nc.Network, nc.PLCURL, nc.DNS, nc.AllowPrivateAddresses
}

func newNetworkServer(t *testing.T) *testServer {
	t.Helper()
	n := newFakeNetwork(t)
	return newTestServer(t, func(rc *resolver.Config, _ *Config) {
		useNetwork(rc, n)
		rc.Timeout = 300 * time.Millisecond
	})
}

func TestNetworkResolution(t *testing.T) {
	s := newNetworkServer(t)
	const path = "/api/v1/validate"
	post := func(name, body string, status int) apiCase {
		return apiCase{name: name, method: http.MethodPost, path: path, body: body, status: status}
	}
	remotePost := func(extra string) string {
		return `{"$type":"com.example.remote.post","text":"hello","label":{"val":"ok"}` + extra + `}`
	}
	cases := []apiCase{
		func() apiCase {
			c := post("resolved with its references", validateBody("com.example.remote.post", remotePost("")), 200)
			c.check = func(t *testing.T, b map[string]any) {
				wantField(t, b, true, "valid")
				wantField(t, b, "at://"+remoteDID+"/com.atproto.lexicon.schema/com.example.remote.post", "schema", "uri")
			}
			return c
		}(),
		func() apiCase {
			c := post("a referenced network lexicon is enforced", validateBody("com.example.remote.post", `{"$type":"com.example.remote.post","text":"hello","label":{"val":"too long"}}`), 200)
			c.check = func(t *testing.T, b map[string]any) {
				wantField(t, b, false, "valid")
				wantPaths(t, b["errors"], "/label/val")
			}
			return c
		}(),
		func() apiCase {
			c := post("by AT-URI", validateBody("at://"+remoteDID+"/com.atproto.lexicon.schema/com.example.remote.post", remotePost("")), 200)
			c.check = func(t *testing.T, b map[string]any) { wantField(t, b, true, "valid") }
			return c
		}(),
		func() apiCase {
			c := post("a missing lexicon is unresolved", validateBody("com.example.remote.post", remotePost(`,"extra":{}`), `"options":{"allowUnresolved":true}`), 200)
			c.check = func(t *testing.T, b map[string]any) {
				wantField(t, b, true, "valid")
				wantField(t, b, "/extra", "unresolved", 0, "path")
			}
			return c
		}(),
		func() apiCase {
			c := post("a missing lexicon is an error by default", validateBody("com.example.remote.post", remotePost(`,"extra":{}`)), 200)
			c.check = func(t *testing.T, b map[string]any) { wantField(t, b, false, "valid") }
			return c
		}(),
		{
			name: "getRecord names another CID than the proof", method: http.MethodPost, path: path, body: validateBody("com.example.remote.badcid", `{}`),
			status: 502, errName: "ProofInvalid", msgContains: []string{"getRecord disagrees with the proof", refreshSessionCID},
		},
		func() apiCase {
			c := post("the schema's proof", validateBody("com.example.remote.post", remotePost("")), 200)
			c.check = func(t *testing.T, b map[string]any) {
				wantField(t, b, remoteDID, "schema", "proof", "did")
				wantProof(t, b["schema"])
			}
			return c
		}(),
		func() apiCase {
			c := post("a record by AT-URI", `{"schema":"com.example.remote.post","uri":"`+postURI+`"}`, 200)
			c.check = func(t *testing.T, b map[string]any) {
				wantField(t, b, true, "valid")
				wantField(t, b, postURI, "record", "uri")
				wantField(t, b, remoteDID, "record", "proof", "did")
				wantProof(t, b["record"])
			}
			return c
		}(),
		func() apiCase {
			c := post("an invalid record by AT-URI", `{"schema":"com.example.remote.post","uri":"`+badPostURI+`"}`, 200)
			c.check = func(t *testing.T, b map[string]any) {
				wantField(t, b, false, "valid")
				wantPaths(t, b["errors"], "/label/val")
				wantField(t, b, badPostURI, "record", "uri")
			}
			return c
		}(),
		{
			name: "a record by AT-URI that is not there", method: http.MethodPost, path: path,
			body:   `{"schema":"com.example.remote.post","uri":"` + absentURI + `"}`,
			status: 404, errName: "RecordNotFound", msgContains: []string{absentURI},
		},
		{
			name: "a record by AT-URI whose proof fails", method: http.MethodPost, path: path,
			body:   `{"schema":"com.example.remote.post","uri":"` + forgedURI + `"}`,
			status: 502, errName: "ProofInvalid", msgContains: []string{forgedURI, "bad commit signature"},
		},
		{
			name: "PDS fails", method: http.MethodPost, path: path, body: validateBody("com.example.remote.broken", `{}`),
			status: 502, errName: "UpstreamFailure", msgContains: []string{"com.example.remote.broken", "HTTP 500"},
		},
		{
			name: "PDS too slow", method: http.MethodPost, path: path, body: validateBody("com.example.remote.slow", `{}`),
			status: 504, errName: "UpstreamTimeout",
		},
		{
			name: "no such record", method: http.MethodPost, path: path, body: validateBody("com.example.remote.nothing", `{}`),
			status: 404, errName: "LexiconNotFound",
		},
		{
			name: "resolveLexicon over the network", method: http.MethodGet, path: resolveLexiconPath + "?nsid=com.example.remote.defs", status: 200,
			check: func(t *testing.T, b map[string]any) {
				wantField(t, b, "at://"+remoteDID+"/com.atproto.lexicon.schema/com.example.remote.defs", "uri")
				wantField(t, b, "com.example.remote.defs", "schema", "id")
			},
		},
		{
			name: "schema over the network", method: http.MethodGet, path: "/api/v1/schema?nsid=com.example.remote.defs", status: 200,
			check: func(t *testing.T, b map[string]any) {
				wantField(t, b, "network", "source")
				wantField(t, b, remoteDID, "proof", "did")
				wantProof(t, b)
			},
		},
	}
	runCases(t, s, cases)

	t.Run("metrics count the resolver's cache", func(t *testing.T) {
		text := string(s.do(t, http.MethodGet, "/metrics", "").body)
		if metricValue(text, "lexval_resolver_cache_hits_total") == 0 {
			t.Error("got no cache hits after repeated lookups, want some")
		}
		if metricValue(text, "lexval_resolver_fetch_errors_total") == 0 {
			t.Error("got no fetch errors after a failing PDS, want some")
		}
	})
}

// TestRequestTimeout checks that the per-request deadline bounds network
// resolution: 504, not a hung request.
func TestRequestTimeout(t *testing.T) {
	n := newFakeNetwork(t)
	s := newTestServer(t, func(rc *resolver.Config, c *Config) {
		useNetwork(rc, n)
		rc.Timeout = 10 * time.Second
		c.RequestTimeout = 200 * time.Millisecond
	})
	r := s.do(t, http.MethodPost, "/api/v1/validate", validateBody("com.example.remote.slow", `{}`))
	if r.status != http.StatusGatewayTimeout {
		t.Fatalf("got %d, want 504\n%s", r.status, r.body)
	}
	checkErrorShape(t, r.decode(t), "UpstreamTimeout")
}

// wantProof checks the proof object of a schema or a record: a DID, a
// revision, a commit CID, a did:key and a time, and nothing else.
func wantProof(t *testing.T, parent any) {
	t.Helper()
	m, _ := parent.(map[string]any)
	proof, _ := m["proof"].(map[string]any)
	if len(proof) != 5 {
		t.Fatalf("got proof %#v, want did, rev, commit, signingKey, verifiedAt", m["proof"])
	}
	if did, _ := proof["did"].(string); !strings.HasPrefix(did, "did:") {
		t.Errorf("got did %#v", proof["did"])
	}
	if _, err := syntax.ParseTID(fmt.Sprint(proof["rev"])); err != nil {
		t.Errorf("got rev %#v: %v", proof["rev"], err)
	}
	if _, err := cid.Decode(fmt.Sprint(proof["commit"])); err != nil {
		t.Errorf("got commit %#v: %v", proof["commit"], err)
	}
	if key, _ := proof["signingKey"].(string); !strings.HasPrefix(key, "did:key:z") {
		t.Errorf("got signingKey %#v, want a did:key", proof["signingKey"])
	}
	if _, err := time.Parse(time.RFC3339, fmt.Sprint(proof["verifiedAt"])); err != nil {
		t.Errorf("got verifiedAt %#v: %v", proof["verifiedAt"], err)
	}
}

// TestProofCorruptions: a record named by "uri" that the PDS serves in any
// of the ways atprototest.Corruptions lists is a 502 ProofInvalid giving the
// reason; served honestly, it is validated.
func TestProofCorruptions(t *testing.T) {
	const body = `{"schema":"com.atproto.server.refreshSession","uri":"` + postURI + `"}`
	setup := func(t *testing.T) (*atprototest.Network, *atprototest.Account, *atprototest.Account, *testServer) {
		n := atprototest.New(t)
		a := n.NewAccount(remoteDID, atprototest.P256)
		a.PutRecord("com.example.remote.post", "3k2yihcrp6f2c", []byte(remotePostV))
		other := n.NewAccount(forgedDID, atprototest.K256)
		return n, a, other, newTestServer(t, func(rc *resolver.Config, _ *Config) { useNetwork(rc, n) })
	}
	t.Run("honest", func(t *testing.T) {
		_, _, _, s := setup(t)
		r := s.do(t, http.MethodPost, "/api/v1/validate", body)
		if b := r.decode(t); r.status != http.StatusOK || field(b, "record", "uri") != postURI {
			t.Errorf("got %d %s, want 200 naming the record", r.status, r.body)
		}
	})
	for _, c := range atprototest.Corruptions() {
		t.Run(c.Name, func(t *testing.T) {
			n, a, other, s := setup(t)
			c.Apply(t, n, a, other, postURI)
			r := s.do(t, http.MethodPost, "/api/v1/validate", body)
			if r.status != http.StatusBadGateway {
				t.Fatalf("got %d %s, want 502", r.status, r.body)
			}
			checkErrorShape(t, r.decode(t), "ProofInvalid", postURI, c.Reason.Error())
		})
	}
}
