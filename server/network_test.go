package server

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/resolver"
)

// The fake network publishes lexicons of the authority remote.example.com
// from one repository.
const (
	remoteDID       = "did:plc:remoteremoteremoteremote"
	remoteAuthority = "_lexicon.remote.example.com." // fully qualified, as looked up
)

var remoteLexicons = map[string]string{
	"com.example.remote.post": `{"lexicon":1,"id":"com.example.remote.post","defs":{"main":{"type":"record","key":"tid","record":{"type":"object","required":["text","label"],"properties":{"text":{"type":"string","maxLength":20},"label":{"type":"ref","ref":"com.example.remote.defs#label"},"extra":{"type":"ref","ref":"com.example.remote.gone"}}}}}}`,
	"com.example.remote.defs": `{"lexicon":1,"id":"com.example.remote.defs","defs":{"label":{"type":"object","required":["val"],"properties":{"val":{"type":"string","maxLength":5}}}}}`,
	// Published with a cid that is not the value's.
	"com.example.remote.badcid": `{"lexicon":1,"id":"com.example.remote.badcid","defs":{"main":{"type":"object","properties":{}}}}`,
}

// fakeDNS answers TXT lookups from a map; other names do not exist.
type fakeDNS map[string][]string

func (f fakeDNS) LookupTXT(ctx context.Context, name string) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if txt, ok := f[name]; ok {
		return txt, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

// fakeNetwork is a PLC directory and a PDS on httptest servers.
type fakeNetwork struct {
	plc, pds *httptest.Server
	release  chan struct{} // closed at cleanup, so slow handlers return
	mu       sync.Mutex
	records  map[string][]byte // getRecord bodies by rkey
}

func newFakeNetwork(t *testing.T) *fakeNetwork {
	t.Helper()
	n := &fakeNetwork{records: map[string][]byte{}, release: make(chan struct{})}
	n.pds = httptest.NewServer(http.HandlerFunc(n.servePDS))
	t.Cleanup(n.pds.Close)
	t.Cleanup(func() { close(n.release) }) // runs before Close
	n.plc = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.TrimPrefix(r.URL.Path, "/") != remoteDID {
			http.Error(w, `{"message":"DID not registered"}`, http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"id": remoteDID,
			"service": []any{map[string]any{
				"id": "#atproto_pds", "type": "AtprotoPersonalDataServer", "serviceEndpoint": n.pds.URL,
			}},
		})
	}))
	t.Cleanup(n.plc.Close)

	for nsid, doc := range remoteLexicons {
		value := strings.Replace(doc, `{`, `{"$type":"com.atproto.lexicon.schema",`, 1)
		v, err := datamodel.DecodeJSON([]byte(value))
		if err != nil {
			t.Fatal(err)
		}
		c, err := datamodel.RecordCID(v)
		if err != nil {
			t.Fatal(err)
		}
		cidText := c.String()
		if nsid == "com.example.remote.badcid" {
			cidText = refreshSessionCID
		}
		body, _ := json.Marshal(map[string]any{
			"uri":   "at://" + remoteDID + "/com.atproto.lexicon.schema/" + nsid,
			"cid":   cidText,
			"value": json.RawMessage(value),
		})
		n.records[nsid] = body
	}
	return n
}

func (n *fakeNetwork) servePDS(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	switch rkey := q.Get("rkey"); rkey {
	case "com.example.remote.broken":
		http.Error(w, `{"error":"InternalServerError"}`, http.StatusInternalServerError)
	case "com.example.remote.slow":
		select {
		case <-r.Context().Done():
		case <-n.release:
		}
	default:
		n.mu.Lock()
		body, ok := n.records[rkey]
		n.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if !ok || q.Get("repo") != remoteDID {
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"error":"RecordNotFound","message":"Could not locate record"}`))
			return
		}
		w.Write(body)
	}
}

func newNetworkServer(t *testing.T) *testServer {
	t.Helper()
	n := newFakeNetwork(t)
	return newTestServer(t, func(rc *resolver.Config, _ *Config) {
		rc.Network = true
		rc.PLCURL = n.plc.URL
		rc.DNS = fakeDNS{remoteAuthority: {"did=" + remoteDID}}
		rc.AllowPrivateAddresses = true // the httptest servers are on loopback
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
		rc.Network = true
		rc.PLCURL = n.plc.URL
		rc.DNS = fakeDNS{remoteAuthority: {"did=" + remoteDID}}
		rc.AllowPrivateAddresses = true
		rc.Timeout = 10 * time.Second
		c.RequestTimeout = 200 * time.Millisecond
	})
	r := s.do(t, http.MethodPost, "/api/v1/validate", validateBody("com.example.remote.slow", `{}`))
	if r.status != http.StatusGatewayTimeout {
		t.Fatalf("got %d, want 504\n%s", r.status, r.body)
	}
	checkErrorShape(t, r.decode(t), "UpstreamTimeout")
}
