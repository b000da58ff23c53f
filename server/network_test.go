package server

import (
	"net/http"
	"testing"
	"time"

	"github.com/bluesky-social/indigo/atproto/syntax"

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

// newFakeNetwork publishes remoteLexicons on the shared fake network, whose
// PDS fails for com.example.remote.broken and never answers for
// com.example.remote.slow.
func newFakeNetwork(t *testing.T) *atprototest.Network {
	t.Helper()
	n := atprototest.New(t)
	a := n.NewAccount(remoteDID, atprototest.P256)
	for _, doc := range remoteLexicons {
		a.PublishLexicon([]byte(doc))
	}
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
			name: "published CID differs", method: http.MethodPost, path: path, body: validateBody("com.example.remote.badcid", `{}`),
			status: 409, errName: "CIDMismatch",
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
			check: func(t *testing.T, b map[string]any) { wantField(t, b, "network", "source") },
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
