package resolver

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/bluesky-social/indigo/atproto/syntax"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/lexicons"
)

// fakeDNS answers TXT lookups from a map (keyed without the trailing dot);
// other names do not exist. A name that is not fully qualified fails the
// lookup, as a search-domain expansion could answer it on a real system.
type fakeDNS struct {
	mu      sync.Mutex
	records map[string][]string
	err     error // when set, every lookup fails with it
	lookups atomic.Int64
}

var _ TXTResolver = (*fakeDNS)(nil)

func (f *fakeDNS) LookupTXT(ctx context.Context, name string) ([]string, error) {
	f.lookups.Add(1)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	fqdn, ok := strings.CutSuffix(name, ".")
	if !ok {
		return nil, fmt.Errorf("fake DNS: %q is not fully qualified", name)
	}
	if txt, ok := f.records[fqdn]; ok {
		return txt, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

// emptyCatalog is a catalog with no records, so that network tests see only
// the network.
var emptyCatalog = fstest.MapFS{lexicons.ManifestPath: {Data: []byte(`{"records":[]}`)}}

// testNet is a PLC directory and a PDS on httptest servers, with a fake DNS.
type testNet struct {
	t   *testing.T
	plc *httptest.Server
	pds *httptest.Server
	dns *fakeDNS

	mu      sync.Mutex
	didDocs map[string]any    // by DID
	records map[string][]byte // getRecord bodies by "repo rkey"
	// pdsHandler, when set, answers PDS requests instead of the records.
	pdsHandler http.HandlerFunc

	pdsRequests atomic.Int64
	plcRequests atomic.Int64
}

const (
	testDID   = "did:plc:testtesttesttesttesttest"
	otherDID  = "did:plc:otherotherotherotherothe"
	testNSID  = "com.example.test.record"
	schemaCol = "com.atproto.lexicon.schema"
)

func newTestNet(t *testing.T) *testNet {
	t.Helper()
	n := &testNet{
		t:       t,
		dns:     &fakeDNS{records: map[string][]string{}},
		didDocs: map[string]any{},
		records: map[string][]byte{},
	}
	n.plc = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.plcRequests.Add(1)
		n.mu.Lock()
		doc, ok := n.didDocs[r.URL.Path[1:]]
		n.mu.Unlock()
		if !ok {
			http.Error(w, `{"message":"DID not registered"}`, http.StatusNotFound)
			return
		}
		writeJSON(w, doc)
	}))
	t.Cleanup(n.plc.Close)
	n.pds = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.pdsRequests.Add(1)
		n.mu.Lock()
		h := n.pdsHandler
		n.mu.Unlock()
		if h != nil {
			h(w, r)
			return
		}
		n.serveRecord(w, r)
	}))
	t.Cleanup(n.pds.Close)
	n.setDIDDoc(testDID, n.pds.URL)
	n.setDIDDoc(otherDID, n.pds.URL)
	return n
}

// holdRecords makes the PDS answer record requests only once release is
// closed, so that callers can be lined up behind one fetch.
func (n *testNet) holdRecords() (release chan struct{}) {
	release = make(chan struct{})
	n.pdsHandler = func(w http.ResponseWriter, r *http.Request) {
		<-release
		n.serveRecord(w, r)
	}
	return release
}

func (n *testNet) serveRecord(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if r.URL.Path != "/xrpc/com.atproto.repo.getRecord" || q.Get("collection") != schemaCol {
		http.Error(w, `{"error":"InvalidRequest"}`, http.StatusBadRequest)
		return
	}
	n.mu.Lock()
	body, ok := n.records[q.Get("repo")+" "+q.Get("rkey")]
	n.mu.Unlock()
	if !ok {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"error":"RecordNotFound","message":"Could not locate record"}`))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(body)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// didDoc is a DID document whose PDS is pds ("" for none).
func didDoc(did, pds string) map[string]any {
	doc := map[string]any{
		"@context":    []any{"https://www.w3.org/ns/did/v1"},
		"id":          did,
		"alsoKnownAs": []any{"at://example.com"},
	}
	if pds != "" {
		doc["service"] = []any{map[string]any{
			"id":              "#atproto_pds",
			"type":            "AtprotoPersonalDataServer",
			"serviceEndpoint": pds,
		}}
	}
	return doc
}

func (n *testNet) setDIDDoc(did, pds string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.didDocs[did] = didDoc(did, pds)
}

// lexiconValue is a schema record for nsid: a record whose object has one
// field per ref, each referring to that lexicon's "thing" object.
func lexiconValue(nsid string, refs ...string) map[string]any {
	props := map[string]any{"text": map[string]any{"type": "string", "maxLength": json.Number("100")}}
	for i, ref := range refs {
		props[fmt.Sprintf("ref%d", i)] = map[string]any{"type": "ref", "ref": ref + "#thing"}
	}
	return map[string]any{
		"$type":   schemaCol,
		"lexicon": json.Number("1"),
		"id":      nsid,
		"defs": map[string]any{
			"main": map[string]any{
				"type": "record",
				"key":  "tid",
				"record": map[string]any{
					"type":       "object",
					"properties": props,
				},
			},
			"thing": map[string]any{
				"type":       "object",
				"properties": map[string]any{"n": map[string]any{"type": "integer"}},
			},
		},
	}
}

// publish stores value as repo's record nsid, with its true CID, and returns
// that CID. The DNS names repo as the authority of nsid.
func (n *testNet) publish(repo, nsid string, value map[string]any) string {
	n.t.Helper()
	c, err := datamodel.RecordCID(value)
	if err != nil {
		n.t.Fatalf("publish %s: %v", nsid, err)
	}
	n.publishAs(repo, nsid, value, c.String())
	return c.String()
}

// publishAs stores value with whatever CID the test claims.
func (n *testNet) publishAs(repo, nsid string, value map[string]any, claimed string) {
	n.t.Helper()
	body, err := json.Marshal(map[string]any{
		"uri":   "at://" + repo + "/" + schemaCol + "/" + nsid,
		"cid":   claimed,
		"value": value,
	})
	if err != nil {
		n.t.Fatal(err)
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	n.records[repo+" "+nsid] = body
	n.dns.mu.Lock()
	defer n.dns.mu.Unlock()
	n.dns.records["_lexicon."+syntax.NSID(nsid).Authority()] = []string{"did=" + repo}
}

// config is a network config reaching the test servers on loopback.
func (n *testNet) config() Config {
	return Config{
		Network:               true,
		PLCURL:                n.plc.URL,
		DNS:                   n.dns,
		AllowPrivateAddresses: true,
		Timeout:               5 * time.Second,
	}
}

// resolver builds a resolver over an empty local catalog.
func (n *testNet) resolver(cfg Config, s seams) *Resolver {
	n.t.Helper()
	if s.catalog == nil {
		s.catalog = emptyCatalog
	}
	r, err := newResolver(cfg, s)
	if err != nil {
		n.t.Fatal(err)
	}
	return r
}

// hostPort is the host:port of a test server's URL.
func hostPort(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

// fakeClock is a settable clock for cache expiry.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
