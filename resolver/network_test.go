package resolver

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bluesky-social/indigo/atproto/syntax"
	"github.com/ipfs/go-cid"

	"github.com/lexval/lexval/datamodel"
)

func schemaURI(repo, nsid string) syntax.ATURI {
	return syntax.ATURI("at://" + repo + "/" + schemaCol + "/" + nsid)
}

func TestResolveByURI(t *testing.T) {
	n := newTestNet(t)
	want := n.publish(testDID, testNSID, lexiconValue(testNSID))
	r := n.resolver(n.config(), seams{})

	rec, err := r.Resolve(t.Context(), Query{URI: schemaURI(testDID, testNSID)})
	if err != nil {
		t.Fatal(err)
	}
	checkNetworkRecord(t, rec, testDID, testNSID, want)
	if got := n.dns.lookups.Load(); got != 0 {
		t.Errorf("got %d DNS lookups, want 0 for an AT-URI", got)
	}
}

func TestResolveByNSID(t *testing.T) {
	n := newTestNet(t)
	want := n.publish(testDID, testNSID, lexiconValue(testNSID))
	r := n.resolver(n.config(), seams{})

	rec, err := r.Resolve(t.Context(), Query{NSID: testNSID})
	if err != nil {
		t.Fatal(err)
	}
	checkNetworkRecord(t, rec, testDID, testNSID, want)
	if got := n.dns.lookups.Load(); got != 1 {
		t.Errorf("got %d DNS lookups, want 1", got)
	}
	// The pin matches: no error.
	if _, err := r.Resolve(t.Context(), Query{NSID: testNSID, CID: cid.MustParse(want)}); err != nil {
		t.Errorf("got error %v with the right pin, want none", err)
	}
}

func checkNetworkRecord(t *testing.T, rec *Record, repo, nsid, wantCID string) {
	t.Helper()
	if rec.CID.String() != wantCID {
		t.Errorf("got CID %s, want %s", rec.CID, wantCID)
	}
	if rec.Document.CID != wantCID {
		t.Errorf("got Document.CID %s, want %s", rec.Document.CID, wantCID)
	}
	if want := schemaURI(repo, nsid); rec.URI != want {
		t.Errorf("got URI %s, want %s", rec.URI, want)
	}
	if string(rec.NSID()) != nsid {
		t.Errorf("got NSID %s, want %s", rec.NSID(), nsid)
	}
	if rec.Source != SourceNetwork {
		t.Errorf("got source %s, want %s", rec.Source, SourceNetwork)
	}
	if !strings.Contains(rec.Location, "/xrpc/com.atproto.repo.getRecord?") {
		t.Errorf("got location %s, want the getRecord URL", rec.Location)
	}
	if rec.IndexedAt.IsZero() {
		t.Error("got zero IndexedAt, want the fetch time")
	}
	c, err := datamodel.RecordCID(mustDecode(t, rec.Value))
	if err != nil || c.String() != wantCID {
		t.Errorf("got Value hashing to %s (%v), want %s", c, err, wantCID)
	}
}

func TestResolveFailures(t *testing.T) {
	otherValue := lexiconValue(testNSID)
	otherValue["description"] = "another version"
	otherCID, err := datamodel.RecordCID(otherValue)
	if err != nil {
		t.Fatal(err)
	}
	uri := schemaURI(testDID, testNSID)

	tests := []struct {
		name  string
		setup func(n *testNet)
		query Query
		is    error
		not   error    // a sentinel the error must not wrap
		says  []string // substrings of the message
	}{
		{
			name: "cid differs from the value",
			setup: func(n *testNet) {
				n.publishAs(testDID, testNSID, lexiconValue(testNSID), otherCID.String())
			},
			query: Query{URI: uri},
			is:    ErrCIDMismatch,
			says:  []string{otherCID.String(), mustCID(t, lexiconValue(testNSID))},
		},
		{
			name:  "pinned CID differs",
			setup: func(n *testNet) { n.publish(testDID, testNSID, lexiconValue(testNSID)) },
			query: Query{URI: uri, CID: otherCID},
			is:    ErrCIDMismatch,
			says:  []string{otherCID.String(), mustCID(t, lexiconValue(testNSID))},
		},
		{
			name: "id differs from the record key",
			setup: func(n *testNet) {
				n.publish(testDID, testNSID, lexiconValue("com.example.test.other"))
			},
			query: Query{URI: uri},
			is:    ErrInvalidRecord,
			says:  []string{"com.example.test.other", "record key"},
		},
		{
			name: "not a schema record",
			setup: func(n *testNet) {
				v := lexiconValue(testNSID)
				v["$type"] = "app.bsky.feed.post"
				n.publish(testDID, testNSID, v)
			},
			query: Query{URI: uri},
			is:    ErrInvalidRecord,
			says:  []string{"$type"},
		},
		{
			name: "value with a float",
			setup: func(n *testNet) {
				v := lexiconValue(testNSID)
				v["x"] = json.Number("1.5")
				n.publishAs(testDID, testNSID, v, otherCID.String())
			},
			query: Query{URI: uri},
			is:    ErrInvalidRecord,
			says:  []string{"/x", "integer"},
		},
		{
			name: "response for another record",
			setup: func(n *testNet) {
				n.publish(testDID, testNSID, lexiconValue(testNSID))
				n.mu.Lock()
				defer n.mu.Unlock()
				body := n.records[testDID+" "+testNSID]
				n.records[testDID+" "+testNSID] = []byte(strings.Replace(string(body), testDID, otherDID, 1))
			},
			query: Query{URI: uri},
			is:    ErrInvalidRecord,
			says:  []string{otherDID},
		},
		{
			name: "response without its uri",
			setup: func(n *testNet) {
				n.publish(testDID, testNSID, lexiconValue(testNSID))
				n.mu.Lock()
				defer n.mu.Unlock()
				var resp map[string]any
				if err := json.Unmarshal(n.records[testDID+" "+testNSID], &resp); err != nil {
					n.t.Fatal(err)
				}
				delete(resp, "uri")
				n.records[testDID+" "+testNSID], _ = json.Marshal(resp)
			},
			query: Query{URI: uri},
			is:    ErrInvalidRecord,
			says:  []string{"no uri"},
		},
		{
			name: "DID document without a PDS",
			setup: func(n *testNet) {
				n.publish(testDID, testNSID, lexiconValue(testNSID))
				n.setDIDDoc(testDID, "")
			},
			query: Query{URI: uri},
			is:    ErrResolution,
			says:  []string{"#atproto_pds"},
		},
		{
			name: "PDS endpoint not http",
			setup: func(n *testNet) {
				n.publish(testDID, testNSID, lexiconValue(testNSID))
				n.setDIDDoc(testDID, "ftp://pds.example.com")
			},
			query: Query{URI: uri},
			is:    ErrResolution,
			says:  []string{"ftp://pds.example.com"},
		},
		{
			name: "DID document of another DID",
			setup: func(n *testNet) {
				n.mu.Lock()
				defer n.mu.Unlock()
				n.didDocs[testDID] = didDoc(otherDID, n.pds.URL)
			},
			query: Query{URI: uri},
			is:    ErrResolution,
			says:  []string{otherDID},
		},
		{
			name:  "DID unknown to PLC",
			setup: func(n *testNet) {},
			query: Query{URI: schemaURI("did:plc:unknownunknownunknownunk", testNSID)},
			is:    ErrNotFound,
			says:  []string{"HTTP 404"},
		},
		{
			name:  "unsupported DID method",
			setup: func(n *testNet) {},
			query: Query{URI: schemaURI("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", testNSID)},
			is:    ErrResolution,
			says:  []string{`"key"`},
		},
		{
			name:  "record not in the repository",
			setup: func(n *testNet) {},
			query: Query{URI: uri},
			is:    ErrNotFound,
			says:  []string{"RecordNotFound"},
		},
		{
			name:  "no _lexicon TXT record",
			setup: func(n *testNet) {},
			query: Query{NSID: testNSID},
			is:    ErrNotFound,
			says:  []string{"_lexicon.test.example.com"},
		},
		{
			name: "TXT record without did=",
			setup: func(n *testNet) {
				n.dns.records["_lexicon.test.example.com"] = []string{"v=spf1 -all"}
			},
			query: Query{NSID: testNSID},
			is:    ErrNotFound,
			says:  []string{"did="},
		},
		{
			name: "TXT records naming two DIDs",
			setup: func(n *testNet) {
				n.dns.records["_lexicon.test.example.com"] = []string{"did=" + testDID, "did=" + otherDID}
			},
			query: Query{NSID: testNSID},
			is:    ErrResolution,
			says:  []string{testDID, otherDID},
		},
		{
			name: "DNS failure",
			setup: func(n *testNet) {
				n.dns.err = &net.DNSError{Err: "server misbehaving", Name: "_lexicon.test.example.com", IsTemporary: true}
			},
			query: Query{NSID: testNSID},
			is:    ErrResolution,
			not:   ErrNotFound,
			says:  []string{"server misbehaving"},
		},
		{
			name: "PDS error",
			setup: func(n *testNet) {
				n.pdsHandler = func(w http.ResponseWriter, r *http.Request) {
					http.Error(w, `{"error":"InternalServerError","message":"boom"}`, http.StatusInternalServerError)
				}
			},
			query: Query{URI: uri},
			is:    ErrResolution,
			not:   ErrNotFound,
			says:  []string{"HTTP 500", "InternalServerError", "boom"},
		},
		{
			name:  "collection is not com.atproto.lexicon.schema",
			setup: func(n *testNet) {},
			query: Query{URI: syntax.ATURI("at://" + testDID + "/app.bsky.feed.post/3jzfcijpj2z2a")},
			is:    ErrInvalidQuery,
		},
		{
			name:  "handle authority",
			setup: func(n *testNet) {},
			query: Query{URI: schemaURI("example.com", testNSID)},
			is:    ErrInvalidQuery,
		},
		{
			name:  "NSID and AT-URI disagree",
			setup: func(n *testNet) {},
			query: Query{URI: uri, NSID: "com.example.test.other"},
			is:    ErrInvalidQuery,
		},
		{
			name:  "empty query",
			setup: func(n *testNet) {},
			query: Query{},
			is:    ErrInvalidQuery,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newTestNet(t)
			tt.setup(n)
			r := n.resolver(n.config(), seams{})
			rec, err := r.Resolve(t.Context(), tt.query)
			if err == nil {
				t.Fatalf("got record %s, want an error", rec.CID)
			}
			if !errors.Is(err, tt.is) {
				t.Errorf("got error %v, want one wrapping %v", err, tt.is)
			}
			if tt.not != nil && errors.Is(err, tt.not) {
				t.Errorf("got error %v, want one not wrapping %v", err, tt.not)
			}
			for _, s := range tt.says {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("got error %q, want it to mention %q", err, s)
				}
			}
		})
	}
}

func mustCID(t *testing.T, v map[string]any) string {
	t.Helper()
	c, err := datamodel.RecordCID(v)
	if err != nil {
		t.Fatal(err)
	}
	return c.String()
}

func TestResolveNetworkOff(t *testing.T) {
	n := newTestNet(t)
	n.publish(testDID, testNSID, lexiconValue(testNSID))
	cfg := n.config()
	cfg.Network = false
	r := n.resolver(cfg, seams{})
	for _, q := range []Query{{NSID: testNSID}, {URI: schemaURI(testDID, testNSID)}} {
		if _, err := r.Resolve(t.Context(), q); !errors.Is(err, ErrNotFound) {
			t.Errorf("%+v: got error %v, want one wrapping ErrNotFound", q, err)
		}
	}
	if got := n.dns.lookups.Load() + n.plcRequests.Load() + n.pdsRequests.Load(); got != 0 {
		t.Errorf("got %d network requests with the network off, want 0", got)
	}
}

// TestSlowServer uses a short fetch timeout; the server holds the request
// until the client gives up.
func TestSlowServer(t *testing.T) {
	n := newTestNet(t)
	n.pdsHandler = func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }
	cfg := n.config()
	cfg.Timeout = 50 * time.Millisecond
	r := n.resolver(cfg, seams{})
	_, err := r.Resolve(t.Context(), Query{URI: schemaURI(testDID, testNSID)})
	if !errors.Is(err, ErrTimeout) {
		t.Errorf("got error %v, want one wrapping ErrTimeout", err)
	}
	if got := r.Stats().FetchErrors; got != 1 {
		t.Errorf("got %d fetch errors, want 1", got)
	}
}

// TestCallerDeadline: the caller's own deadline ends the wait too.
func TestCallerDeadline(t *testing.T) {
	n := newTestNet(t)
	release := make(chan struct{})
	defer close(release)
	n.pdsHandler = func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}
	r := n.resolver(n.config(), seams{})
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Millisecond)
	defer cancel()
	_, err := r.Resolve(ctx, Query{URI: schemaURI(testDID, testNSID)})
	if !errors.Is(err, ErrTimeout) {
		t.Errorf("got error %v, want one wrapping ErrTimeout", err)
	}
}

func TestResponseSizeLimit(t *testing.T) {
	tests := []struct {
		name  string
		flush bool // stream the body so that no Content-Length is declared
	}{
		{name: "declared length"},
		{name: "streamed", flush: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newTestNet(t)
			big := lexiconValue(testNSID)
			big["description"] = strings.Repeat("x", 4096)
			n.publish(testDID, testNSID, big)
			n.mu.Lock()
			body := n.records[testDID+" "+testNSID]
			n.mu.Unlock()
			n.pdsHandler = func(w http.ResponseWriter, r *http.Request) {
				if !tt.flush {
					w.Write(body)
					return
				}
				for i := 0; i < len(body); i += 512 {
					w.Write(body[i:min(i+512, len(body))])
					w.(http.Flusher).Flush()
				}
			}
			cfg := n.config()
			cfg.MaxResponseBytes = 2048
			r := n.resolver(cfg, seams{})
			_, err := r.Resolve(t.Context(), Query{URI: schemaURI(testDID, testNSID)})
			if !errors.Is(err, ErrResolution) || !errors.Is(err, errBodyTooLarge) {
				t.Errorf("got error %v, want one wrapping ErrResolution and errBodyTooLarge", err)
			}
		})
	}
}

func addrPort(t *testing.T, srv *httptest.Server) netip.AddrPort {
	t.Helper()
	ap, err := netip.ParseAddrPort(srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	return ap
}

func TestPrivateAddresses(t *testing.T) {
	tests := []struct {
		name    string
		allow   bool
		plcURL  func(n *testNet) string
		wantErr bool
	}{
		{
			name:    "loopback refused by default",
			plcURL:  func(n *testNet) string { return n.plc.URL },
			wantErr: true,
		},
		{
			// The name looks public; only the dial-time check sees where it
			// really leads.
			name:    "public-looking name resolving to loopback refused",
			plcURL:  func(n *testNet) string { return "http://plc.example.com" },
			wantErr: true,
		},
		{
			name:   "loopback allowed by the option",
			allow:  true,
			plcURL: func(n *testNet) string { return n.plc.URL },
		},
		{
			name:   "name resolving to loopback allowed by the option",
			allow:  true,
			plcURL: func(n *testNet) string { return "http://plc.example.com" },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newTestNet(t)
			n.publish(testDID, testNSID, lexiconValue(testNSID))
			cfg := n.config()
			cfg.AllowPrivateAddresses = tt.allow
			cfg.PLCURL = tt.plcURL(n)
			r := n.resolver(cfg, seams{
				dialAddrs: map[string]string{"plc.example.com:80": hostPort(t, n.plc.URL)},
				// The PDS counts as public, so only the PLC step is at stake.
				publicAddrs: map[netip.AddrPort]bool{addrPort(t, n.pds): true},
			})
			_, err := r.Resolve(t.Context(), Query{URI: schemaURI(testDID, testNSID)})
			if !tt.wantErr {
				if err != nil {
					t.Fatalf("got error %v, want none", err)
				}
				return
			}
			if !errors.Is(err, ErrBlockedAddress) {
				t.Fatalf("got error %v, want one wrapping ErrBlockedAddress", err)
			}
			if !strings.Contains(err.Error(), "127.0.0.1 is a loopback address") {
				t.Errorf("got error %q, want it to name the address and why", err)
			}
			if got := n.plcRequests.Load(); got != 0 {
				t.Errorf("got %d requests at the PLC server, want 0", got)
			}
		})
	}
}

func TestRedirects(t *testing.T) {
	// private is a server on loopback that the resolver must never reach.
	var privateHits sync.Map
	private := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		privateHits.Store(r.URL.Path, true)
	}))
	defer private.Close()

	tests := []struct {
		name    string
		to      func(n *testNet, public *httptest.Server) string
		blocked bool
		is      error
	}{
		{
			name:    "to a private IP",
			to:      func(*testNet, *httptest.Server) string { return "http://10.1.2.3/x" },
			blocked: true,
		},
		{
			name:    "to loopback",
			to:      func(*testNet, *httptest.Server) string { return private.URL + "/loopback" },
			blocked: true,
		},
		{
			name:    "to a name resolving to loopback",
			to:      func(*testNet, *httptest.Server) string { return "http://internal.example.com/name" },
			blocked: true,
		},
		{
			name: "to a public server",
			to: func(n *testNet, public *httptest.Server) string {
				return public.URL + "/xrpc/com.atproto.repo.getRecord?repo=" + testDID + "&collection=" + schemaCol + "&rkey=" + testNSID
			},
		},
		{
			name: "to another scheme",
			to:   func(*testNet, *httptest.Server) string { return "file:///etc/passwd" },
			is:   errRedirect,
		},
		{
			name: "in a loop",
			to:   func(n *testNet, _ *httptest.Server) string { return n.pds.URL + "/again" },
			is:   errRedirect,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newTestNet(t)
			n.publish(testDID, testNSID, lexiconValue(testNSID))
			// public serves the records on a second "public" address.
			public := httptest.NewServer(http.HandlerFunc(n.serveRecord))
			defer public.Close()
			target := tt.to(n, public)
			n.pdsHandler = func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, target, http.StatusFound)
			}
			cfg := n.config()
			cfg.AllowPrivateAddresses = false
			r := n.resolver(cfg, seams{
				dialAddrs: map[string]string{"internal.example.com:80": hostPort(t, private.URL)},
				publicAddrs: map[netip.AddrPort]bool{
					addrPort(t, n.plc):  true,
					addrPort(t, n.pds):  true,
					addrPort(t, public): true,
				},
			})
			_, err := r.Resolve(t.Context(), Query{URI: schemaURI(testDID, testNSID)})
			switch {
			case tt.blocked:
				if !errors.Is(err, ErrBlockedAddress) {
					t.Errorf("got error %v, want one wrapping ErrBlockedAddress", err)
				}
			case tt.is != nil:
				if !errors.Is(err, ErrResolution) || !errors.Is(err, tt.is) {
					t.Errorf("got error %v, want one wrapping ErrResolution and %v", err, tt.is)
				}
			default:
				if err != nil {
					t.Errorf("got error %v, want none", err)
				}
			}
		})
	}
	privateHits.Range(func(k, _ any) bool {
		t.Errorf("got a request for %s at the private server, want none", k)
		return true
	})
}

func TestDIDWeb(t *testing.T) {
	tests := []struct {
		name, did, dialFrom string
	}{
		{name: "host", did: "did:web:example.com", dialFrom: "example.com:443"},
		{name: "host and port", did: "did:web:example.com%3A8443", dialFrom: "example.com:8443"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newTestNet(t)
			want := n.publish(tt.did, testNSID, lexiconValue(testNSID))
			// did:web is https only; httptest's certificate covers example.com.
			web := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/.well-known/did.json" {
					writeJSON(w, didDoc(tt.did, n.pds.URL))
					return
				}
				http.NotFound(w, r)
			}))
			defer web.Close()
			pool := x509.NewCertPool()
			pool.AddCert(web.Certificate())

			r := n.resolver(n.config(), seams{
				dialAddrs: map[string]string{tt.dialFrom: hostPort(t, web.URL)},
				rootCAs:   pool,
			})
			rec, err := r.Resolve(t.Context(), Query{URI: schemaURI(tt.did, testNSID)})
			if err != nil {
				t.Fatal(err)
			}
			checkNetworkRecord(t, rec, tt.did, testNSID, want)
		})
	}
}

func TestCache(t *testing.T) {
	n := newTestNet(t)
	want := n.publish(testDID, testNSID, lexiconValue(testNSID))
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	cfg := n.config()
	cfg.CacheTTL = time.Minute
	cfg.NegativeCacheTTL = 10 * time.Second
	r := n.resolver(cfg, seams{now: clock.now})
	found := Query{URI: schemaURI(testDID, testNSID)}
	missing := Query{URI: schemaURI(testDID, "com.example.test.missing")}

	steps := []struct {
		name        string
		advance     time.Duration
		query       Query
		wantErr     error
		wantFetches int64 // PDS requests so far
		wantStats   Stats
	}{
		{name: "first lookup fetches", query: found, wantFetches: 1, wantStats: Stats{CacheMisses: 1}},
		{name: "second is a hit", query: found, wantFetches: 1, wantStats: Stats{CacheHits: 1, CacheMisses: 1}},
		{name: "a pin is checked on a hit", query: Query{URI: found.URI, CID: cid.MustParse(mustCID(t, lexiconValue("x.y.z")))}, wantErr: ErrCIDMismatch, wantFetches: 1, wantStats: Stats{CacheHits: 2, CacheMisses: 1}},
		{name: "a miss fetches", query: missing, wantErr: ErrNotFound, wantFetches: 2, wantStats: Stats{CacheHits: 2, CacheMisses: 2, FetchErrors: 1}},
		{name: "the miss is remembered", query: missing, wantErr: ErrNotFound, wantFetches: 2, wantStats: Stats{CacheHits: 3, CacheMisses: 2, FetchErrors: 1}},
		{name: "the miss is forgotten first", advance: 11 * time.Second, query: missing, wantErr: ErrNotFound, wantFetches: 3, wantStats: Stats{CacheHits: 3, CacheMisses: 3, FetchErrors: 2}},
		{name: "the record is still cached", query: found, wantFetches: 3, wantStats: Stats{CacheHits: 4, CacheMisses: 3, FetchErrors: 2}},
		{name: "the record expires", advance: time.Minute, query: found, wantFetches: 4, wantStats: Stats{CacheHits: 4, CacheMisses: 4, FetchErrors: 2}},
	}
	for _, s := range steps {
		clock.advance(s.advance)
		rec, err := r.Resolve(t.Context(), s.query)
		switch {
		case s.wantErr == nil && err != nil:
			t.Fatalf("%s: got error %v, want none", s.name, err)
		case s.wantErr == nil && rec.CID.String() != want:
			t.Errorf("%s: got CID %s, want %s", s.name, rec.CID, want)
		case s.wantErr != nil && !errors.Is(err, s.wantErr):
			t.Fatalf("%s: got error %v, want one wrapping %v", s.name, err, s.wantErr)
		}
		if got := n.pdsRequests.Load(); got != s.wantFetches {
			t.Errorf("%s: got %d PDS requests, want %d", s.name, got, s.wantFetches)
		}
		if got := r.Stats(); got != s.wantStats {
			t.Errorf("%s: got stats %+v, want %+v", s.name, got, s.wantStats)
		}
	}
	if got := n.plcRequests.Load(); got != 2 {
		t.Errorf("got %d PLC requests, want 2 (the DID document is cached too, and expired once)", got)
	}
}

// TestConcurrentLookupsShareOneFetch: callers asking for the same record at
// once cause one fetch.
func TestConcurrentLookupsShareOneFetch(t *testing.T) {
	n := newTestNet(t)
	want := n.publish(testDID, testNSID, lexiconValue(testNSID))
	release := n.holdRecords()
	r := n.resolver(n.config(), seams{})

	const callers = 8
	var wg sync.WaitGroup
	recs := make([]*Record, callers)
	errs := make([]error, callers)
	for i := range callers {
		wg.Go(func() {
			recs[i], errs[i] = r.Resolve(t.Context(), Query{URI: schemaURI(testDID, testNSID)})
		})
	}
	// Hold the fetch until every caller has missed the cache.
	for r.Stats().CacheMisses < callers {
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()
	for i := range callers {
		if errs[i] != nil {
			t.Fatalf("caller %d: got error %v, want none", i, errs[i])
		}
		if recs[i].CID.String() != want {
			t.Errorf("caller %d: got CID %s, want %s", i, recs[i].CID, want)
		}
	}
	if got := n.pdsRequests.Load(); got != 1 {
		t.Errorf("got %d PDS requests, want 1", got)
	}
}

// TestLeavingCallerDoesNotFailOthers: the first caller giving up does not
// cancel the fetch another caller waits on.
func TestLeavingCallerDoesNotFailOthers(t *testing.T) {
	n := newTestNet(t)
	want := n.publish(testDID, testNSID, lexiconValue(testNSID))
	release := n.holdRecords()
	r := n.resolver(n.config(), seams{})
	q := Query{URI: schemaURI(testDID, testNSID)}

	ctx, cancel := context.WithCancel(t.Context())
	first := make(chan error, 1)
	go func() {
		_, err := r.Resolve(ctx, q)
		first <- err
	}()
	for n.pdsRequests.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	second := make(chan *Record, 1)
	go func() {
		rec, err := r.Resolve(t.Context(), q)
		if err != nil {
			t.Errorf("second caller: got error %v, want none", err)
		}
		second <- rec
	}()
	for r.Stats().CacheMisses < 2 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Errorf("first caller: got error %v, want one wrapping context.Canceled", err)
	}
	close(release)
	if rec := <-second; rec != nil && rec.CID.String() != want {
		t.Errorf("second caller: got CID %s, want %s", rec.CID, want)
	}
	if got := n.pdsRequests.Load(); got != 1 {
		t.Errorf("got %d PDS requests, want 1", got)
	}
}

func TestConcurrentFetchBound(t *testing.T) {
	n := newTestNet(t)
	const records = 6
	for i := range records {
		nsid := "com.example.test.r" + string(rune('a'+i))
		n.publish(testDID, nsid, lexiconValue(nsid))
	}
	var mu sync.Mutex
	inFlight, peak := 0, 0
	release := make(chan struct{})
	n.pdsHandler = func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		inFlight++
		peak = max(peak, inFlight)
		mu.Unlock()
		<-release
		n.serveRecord(w, r)
		mu.Lock()
		inFlight--
		mu.Unlock()
	}
	cfg := n.config()
	cfg.MaxConcurrentFetches = 2
	r := n.resolver(cfg, seams{})
	// Warm the DID document cache so that only getRecord fetches remain.
	if _, err := r.net.pdsEndpoint(t.Context(), testDID); err != nil {
		t.Fatal(err)
	}

	var wg sync.WaitGroup
	for i := range records {
		nsid := "com.example.test.r" + string(rune('a'+i))
		wg.Go(func() {
			if _, err := r.Resolve(t.Context(), Query{URI: schemaURI(testDID, nsid)}); err != nil {
				t.Errorf("%s: got error %v, want none", nsid, err)
			}
		})
	}
	for n.pdsRequests.Load() < 2 {
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()
	if peak != 2 {
		t.Errorf("got a peak of %d fetches in flight, want 2", peak)
	}
}
