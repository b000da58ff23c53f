package resolver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/bluesky-social/indigo/atproto/syntax"
	"github.com/ipfs/go-cid"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/internal/atprototest"
	"github.com/lexval/lexval/lexicons"
	"github.com/lexval/lexval/resolver"
)

const (
	testDID   = "did:plc:testtesttesttesttesttest"
	otherDID  = "did:plc:otherotherotherotherothe"
	testNSID  = "com.example.test.record"
	schemaCol = "com.atproto.lexicon.schema"
	// otherCID is a CID no test record has (the embedded
	// com.atproto.lexicon.schema's).
	otherCID = "bafyreigtmtzisxiuao4kcswgnbud7wmpkcnsdb6h2kenhbnaolsx7bpiq4"
)

// requestsPerFetch is what fetching one record asks the PDS:
// com.atproto.repo.getRecord and com.atproto.sync.getRecord (the proof).
const requestsPerFetch = 2

// testNet is the shared fake network with two accounts: test (p256) and
// other (k256).
type testNet struct {
	*atprototest.Network
	test, other *atprototest.Account
}

func newTestNet(t *testing.T) *testNet {
	t.Helper()
	n := atprototest.New(t)
	return &testNet{
		Network: n,
		test:    n.NewAccount(testDID, atprototest.P256),
		other:   n.NewAccount(otherDID, atprototest.K256),
	}
}

// emptyCatalog is a catalog with no records, so that network tests see only
// the network.
var emptyCatalog = fstest.MapFS{lexicons.ManifestPath: {Data: []byte(`{"records":[]}`)}}

// resolver builds a resolver over an empty local catalog (unless s names
// one).
func (n *testNet) resolver(t *testing.T, cfg resolver.Config, s resolver.Seams) *resolver.Resolver {
	t.Helper()
	if s.Catalog == nil {
		s.Catalog = emptyCatalog
	}
	r, err := resolver.NewWithSeams(cfg, s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// lexiconValue is a schema record for nsid: a record whose object has one
// field per ref, each referring to that lexicon's "thing" object.
func lexiconValue(nsid string, refs ...string) []byte {
	props := map[string]any{"text": map[string]any{"type": "string", "maxLength": 100}}
	for i, ref := range refs {
		props[fmt.Sprintf("ref%d", i)] = map[string]any{"type": "ref", "ref": ref + "#thing"}
	}
	b, err := json.Marshal(map[string]any{
		"$type":   schemaCol,
		"lexicon": 1,
		"id":      nsid,
		"defs": map[string]any{
			"main": map[string]any{
				"type":   "record",
				"key":    "tid",
				"record": map[string]any{"type": "object", "properties": props},
			},
			"thing": map[string]any{
				"type":       "object",
				"properties": map[string]any{"n": map[string]any{"type": "integer"}},
			},
		},
	})
	if err != nil {
		panic(err)
	}
	return b
}

func schemaURI(repo, nsid string) syntax.ATURI {
	return syntax.ATURI("at://" + repo + "/" + schemaCol + "/" + nsid)
}

func TestResolveByURI(t *testing.T) {
	n := newTestNet(t)
	value := lexiconValue(testNSID)
	want := n.test.PublishLexicon(value)
	r := n.resolver(t, n.ResolverConfig(), resolver.Seams{})

	rec, err := r.Resolve(t.Context(), resolver.Query{URI: schemaURI(testDID, testNSID)})
	if err != nil {
		t.Fatal(err)
	}
	checkNetworkRecord(t, rec, n.test, testNSID, want, value)
	if got := n.DNS.Lookups(); got != 0 {
		t.Errorf("got %d DNS lookups, want 0 for an AT-URI", got)
	}
}

func TestResolveByNSID(t *testing.T) {
	for _, account := range []string{"p256", "k256"} {
		t.Run(account, func(t *testing.T) {
			n := newTestNet(t)
			a := map[string]*atprototest.Account{"p256": n.test, "k256": n.other}[account]
			value := lexiconValue(testNSID)
			want := a.PublishLexicon(value)
			r := n.resolver(t, n.ResolverConfig(), resolver.Seams{})

			rec, err := r.Resolve(t.Context(), resolver.Query{NSID: testNSID})
			if err != nil {
				t.Fatal(err)
			}
			checkNetworkRecord(t, rec, a, testNSID, want, value)
			if got := n.DNS.Lookups(); got != 1 {
				t.Errorf("got %d DNS lookups, want 1", got)
			}
			// The pin matches: no error.
			if _, err := r.Resolve(t.Context(), resolver.Query{NSID: testNSID, CID: want}); err != nil {
				t.Errorf("got error %v with the right pin, want none", err)
			}
		})
	}
}

func checkNetworkRecord(t *testing.T, rec *resolver.Record, a *atprototest.Account, nsid string, wantCID cid.Cid, wantValue []byte) {
	t.Helper()
	if !rec.CID.Equals(wantCID) {
		t.Errorf("got CID %s, want %s", rec.CID, wantCID)
	}
	if rec.Document.CID() != wantCID.String() {
		t.Errorf("got Document.CID %s, want %s", rec.Document.CID(), wantCID)
	}
	if want := schemaURI(string(a.DID), nsid); rec.URI != want {
		t.Errorf("got URI %s, want %s", rec.URI, want)
	}
	if string(rec.NSID()) != nsid {
		t.Errorf("got NSID %s, want %s", rec.NSID(), nsid)
	}
	if rec.Source != resolver.SourceNetwork {
		t.Errorf("got source %s, want %s", rec.Source, resolver.SourceNetwork)
	}
	if !strings.Contains(rec.Location, "/xrpc/com.atproto.sync.getRecord?") {
		t.Errorf("got location %s, want the sync.getRecord URL", rec.Location)
	}
	if rec.IndexedAt.IsZero() {
		t.Error("got zero IndexedAt, want the fetch time")
	}
	// The value is the proven block's, as JSON: the published value, its
	// members perhaps in another order.
	if got, want := mustDecode(t, rec.Value), mustDecode(t, wantValue); !reflect.DeepEqual(got, want) {
		t.Errorf("got value %s, want the published %s", rec.Value, wantValue)
	}
	head := a.Head()
	want := resolver.Proof{DID: a.DID, Rev: head.Rev, Commit: head.CID.String(), SigningKey: a.SigningKey().DIDKey(), VerifiedAt: rec.IndexedAt}
	if rec.Proof == nil || *rec.Proof != want {
		t.Errorf("got proof %+v, want %+v", rec.Proof, want)
	}
}

func mustDecode(t *testing.T, data []byte) any {
	t.Helper()
	v, err := datamodel.DecodeJSON(data)
	if err != nil {
		t.Fatalf("decode %s: %v", data, err)
	}
	return v
}

// editRecord makes the PDS pass its getRecord answers through edit.
func (n *testNet) editRecord(edit func(*atprototest.RecordJSON)) {
	n.PDS.EditGetRecord(func(_ syntax.ATURI, ans *atprototest.RecordJSON) { edit(ans) })
}

func TestResolveFailures(t *testing.T) {
	uri := schemaURI(testDID, testNSID)
	honestCID := func(n *testNet) string { return n.test.PublishLexicon(lexiconValue(testNSID)).String() }
	var published string // the honest CID of the case running

	tests := []struct {
		name  string
		setup func(n *testNet)
		query resolver.Query
		is    error
		not   error    // a sentinel the error must not wrap
		says  []string // substrings of the message; "$published" is the record's CID
	}{
		{
			name: "cid differs from the value",
			setup: func(n *testNet) {
				published = honestCID(n)
				n.editRecord(func(ans *atprototest.RecordJSON) { ans.CID = otherCID })
			},
			query: resolver.Query{URI: uri},
			is:    resolver.ErrProofDisagrees,
			not:   resolver.ErrCIDMismatch,
			says:  []string{otherCID, "$published"},
		},
		{
			name:  "pinned CID differs",
			setup: func(n *testNet) { published = honestCID(n) },
			query: resolver.Query{URI: uri, CID: cid.MustParse(otherCID)},
			is:    resolver.ErrCIDMismatch,
			says:  []string{otherCID, "$published"},
		},
		{
			name: "id differs from the record key",
			setup: func(n *testNet) {
				n.test.PutRecord(schemaCol, testNSID, lexiconValue("com.example.test.other"))
			},
			query: resolver.Query{URI: uri},
			is:    resolver.ErrInvalidRecord,
			says:  []string{"com.example.test.other", "record key"},
		},
		{
			name: "not a schema record",
			setup: func(n *testNet) {
				v := bytes.Replace(lexiconValue(testNSID), []byte(schemaCol), []byte("app.bsky.feed.post"), 1)
				n.test.PutRecord(schemaCol, testNSID, v)
			},
			query: resolver.Query{URI: uri},
			is:    resolver.ErrInvalidRecord,
			says:  []string{"$type"},
		},
		{
			name: "value with a float",
			setup: func(n *testNet) {
				honestCID(n)
				n.editRecord(func(ans *atprototest.RecordJSON) {
					ans.Value = append(bytes.TrimSuffix(ans.Value, []byte("}")), `,"x":1.5}`...)
				})
			},
			query: resolver.Query{URI: uri},
			is:    resolver.ErrProofDisagrees,
			says:  []string{"/x", "integer"},
		},
		{
			name: "response for another record",
			setup: func(n *testNet) {
				honestCID(n)
				n.editRecord(func(ans *atprototest.RecordJSON) { ans.URI = strings.Replace(ans.URI, testDID, otherDID, 1) })
			},
			query: resolver.Query{URI: uri},
			is:    resolver.ErrProofDisagrees,
			says:  []string{otherDID},
		},
		{
			name: "response without its uri",
			setup: func(n *testNet) {
				honestCID(n)
				n.editRecord(func(ans *atprototest.RecordJSON) { ans.URI = "" })
			},
			query: resolver.Query{URI: uri},
			is:    resolver.ErrProofDisagrees,
			says:  []string{`answers for ""`},
		},
		{
			name: "DID document without a PDS",
			setup: func(n *testNet) {
				honestCID(n)
				n.test.SetPDS("")
			},
			query: resolver.Query{URI: uri},
			is:    resolver.ErrResolution,
			says:  []string{"#atproto_pds"},
		},
		{
			name: "PDS endpoint not http",
			setup: func(n *testNet) {
				honestCID(n)
				n.test.SetPDS("ftp://pds.example.com")
			},
			query: resolver.Query{URI: uri},
			is:    resolver.ErrResolution,
			says:  []string{"ftp://pds.example.com"},
		},
		{
			name:  "DID document of another DID",
			setup: func(n *testNet) { n.PLC.SetDocument(testDID, n.other.Document()) },
			query: resolver.Query{URI: uri},
			is:    resolver.ErrResolution,
			says:  []string{otherDID},
		},
		{
			name:  "DID unknown to PLC",
			setup: func(n *testNet) {},
			query: resolver.Query{URI: schemaURI("did:plc:unknownunknownunknownunk", testNSID)},
			is:    resolver.ErrNotFound,
			says:  []string{"HTTP 404"},
		},
		{
			name:  "unsupported DID method",
			setup: func(n *testNet) {},
			query: resolver.Query{URI: schemaURI("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", testNSID)},
			is:    resolver.ErrResolution,
			says:  []string{`"key"`},
		},
		{
			name:  "record not in the repository",
			setup: func(n *testNet) {},
			query: resolver.Query{URI: uri},
			is:    resolver.ErrNotFound,
			not:   resolver.ErrProofInvalid,
			says:  []string{"does not hold it", "proven at rev"},
		},
		{
			name:  "no _lexicon TXT record",
			setup: func(n *testNet) {},
			query: resolver.Query{NSID: testNSID},
			is:    resolver.ErrNotFound,
			says:  []string{"_lexicon.test.example.com"},
		},
		{
			name:  "TXT record without did=",
			setup: func(n *testNet) { n.DNS.SetTXT("_lexicon.test.example.com", "v=spf1 -all") },
			query: resolver.Query{NSID: testNSID},
			is:    resolver.ErrNotFound,
			says:  []string{"did="},
		},
		{
			name:  "TXT records naming two DIDs",
			setup: func(n *testNet) { n.DNS.SetTXT("_lexicon.test.example.com", "did="+testDID, "did="+otherDID) },
			query: resolver.Query{NSID: testNSID},
			is:    resolver.ErrResolution,
			says:  []string{testDID, otherDID},
		},
		{
			name: "DNS failure",
			setup: func(n *testNet) {
				n.DNS.Fail(&net.DNSError{Err: "server misbehaving", Name: "_lexicon.test.example.com", IsTemporary: true})
			},
			query: resolver.Query{NSID: testNSID},
			is:    resolver.ErrResolution,
			not:   resolver.ErrNotFound,
			says:  []string{"server misbehaving"},
		},
		{
			name: "PDS error",
			setup: func(n *testNet) {
				n.PDS.Intercept(func(w http.ResponseWriter, r *http.Request, _ http.Handler) {
					atprototest.WriteError(w, http.StatusInternalServerError, "InternalServerError", "boom")
				})
			},
			query: resolver.Query{URI: uri},
			is:    resolver.ErrResolution,
			not:   resolver.ErrNotFound,
			says:  []string{"HTTP 500", "InternalServerError", "boom"},
		},
		{
			name:  "collection is not com.atproto.lexicon.schema",
			setup: func(n *testNet) {},
			query: resolver.Query{URI: syntax.ATURI("at://" + testDID + "/app.bsky.feed.post/3jzfcijpj2z2a")},
			is:    resolver.ErrInvalidQuery,
		},
		{
			name:  "handle authority",
			setup: func(n *testNet) {},
			query: resolver.Query{URI: schemaURI("example.com", testNSID)},
			is:    resolver.ErrInvalidQuery,
		},
		{
			name:  "NSID and AT-URI disagree",
			setup: func(n *testNet) {},
			query: resolver.Query{URI: uri, NSID: "com.example.test.other"},
			is:    resolver.ErrInvalidQuery,
		},
		{
			name:  "empty query",
			setup: func(n *testNet) {},
			query: resolver.Query{},
			is:    resolver.ErrInvalidQuery,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newTestNet(t)
			published = ""
			tt.setup(n)
			r := n.resolver(t, n.ResolverConfig(), resolver.Seams{})
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
				if s == "$published" {
					s = published
				}
				if !strings.Contains(err.Error(), s) {
					t.Errorf("got error %q, want it to mention %q", err, s)
				}
			}
		})
	}
}

func TestResolveNetworkOff(t *testing.T) {
	n := newTestNet(t)
	n.test.PublishLexicon(lexiconValue(testNSID))
	cfg := n.ResolverConfig()
	cfg.Network = false
	r := n.resolver(t, cfg, resolver.Seams{})
	for _, q := range []resolver.Query{{NSID: testNSID}, {URI: schemaURI(testDID, testNSID)}} {
		if _, err := r.Resolve(t.Context(), q); !errors.Is(err, resolver.ErrNotFound) {
			t.Errorf("%+v: got error %v, want one wrapping ErrNotFound", q, err)
		}
	}
	if _, err := r.Identity(t.Context(), testDID); !errors.Is(err, resolver.ErrResolution) {
		t.Errorf("identity: got error %v, want one wrapping ErrResolution", err)
	}
	if got := n.DNS.Lookups() + n.PLC.Requests() + n.PDS.Requests(); got != 0 {
		t.Errorf("got %d network requests with the network off, want 0", got)
	}
}

// TestSlowServer uses a short fetch timeout; the server holds the request
// until the client gives up.
func TestSlowServer(t *testing.T) {
	n := newTestNet(t)
	n.PDS.Intercept(func(w http.ResponseWriter, r *http.Request, _ http.Handler) { n.PDS.Stall(w, r) })
	cfg := n.ResolverConfig()
	cfg.Timeout = 50 * time.Millisecond
	r := n.resolver(t, cfg, resolver.Seams{})
	_, err := r.Resolve(t.Context(), resolver.Query{URI: schemaURI(testDID, testNSID)})
	if !errors.Is(err, resolver.ErrTimeout) {
		t.Errorf("got error %v, want one wrapping ErrTimeout", err)
	}
	if got := r.Stats().FetchErrors; got != requestsPerFetch {
		t.Errorf("got %d fetch errors, want %d (the record and its proof)", got, requestsPerFetch)
	}
}

// TestCallerDeadline: the caller's own deadline ends the wait too.
func TestCallerDeadline(t *testing.T) {
	n := newTestNet(t)
	n.PDS.Intercept(func(w http.ResponseWriter, r *http.Request, _ http.Handler) { n.PDS.Stall(w, r) })
	r := n.resolver(t, n.ResolverConfig(), resolver.Seams{})
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Millisecond)
	defer cancel()
	_, err := r.Resolve(ctx, resolver.Query{URI: schemaURI(testDID, testNSID)})
	if !errors.Is(err, resolver.ErrTimeout) {
		t.Errorf("got error %v, want one wrapping ErrTimeout", err)
	}
}

func TestResponseSizeLimit(t *testing.T) {
	tests := []struct {
		name  string
		flush bool // stream the body, so that no length is declared
	}{
		{name: "declared length"},
		{name: "streamed", flush: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newTestNet(t)
			big := bytes.Replace(lexiconValue(testNSID), []byte(`"lexicon"`), []byte(`"description":"`+strings.Repeat("x", 4096)+`","lexicon"`), 1)
			n.test.PublishLexicon(big)
			n.PDS.Intercept(func(w http.ResponseWriter, r *http.Request, next http.Handler) {
				honest := httptest.NewRecorder()
				next.ServeHTTP(honest, r)
				body := honest.Body.Bytes()
				if !tt.flush {
					w.Header().Set("Content-Length", strconv.Itoa(len(body)))
					w.Write(body)
					return
				}
				for i := 0; i < len(body); i += 512 {
					w.Write(body[i:min(i+512, len(body))])
					w.(http.Flusher).Flush()
				}
			})
			cfg := n.ResolverConfig()
			cfg.MaxResponseBytes = 2048
			r := n.resolver(t, cfg, resolver.Seams{})
			_, err := r.Resolve(t.Context(), resolver.Query{URI: schemaURI(testDID, testNSID)})
			if !errors.Is(err, resolver.ErrResolution) || !errors.Is(err, resolver.ErrBodyTooLarge) {
				t.Errorf("got error %v, want one wrapping ErrResolution and errBodyTooLarge", err)
			}
			if wantDeclared := !tt.flush; strings.Contains(fmt.Sprint(err), "declared") != wantDeclared {
				t.Errorf("got error %v, want declared length %v", err, wantDeclared)
			}
		})
	}
}

func addrPort(t *testing.T, addr string) netip.AddrPort {
	t.Helper()
	ap, err := netip.ParseAddrPort(addr)
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
			plcURL:  func(n *testNet) string { return n.PLC.URL() },
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
			plcURL: func(n *testNet) string { return n.PLC.URL() },
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
			n.test.PublishLexicon(lexiconValue(testNSID))
			cfg := n.ResolverConfig()
			cfg.AllowPrivateAddresses = tt.allow
			cfg.PLCURL = tt.plcURL(n)
			r := n.resolver(t, cfg, resolver.Seams{
				DialAddrs: map[string]string{"plc.example.com:80": n.PLC.Addr()},
				// The PDS counts as public, so only the PLC step is at stake.
				PublicAddrs: map[netip.AddrPort]bool{addrPort(t, n.PDS.Addr()): true},
			})
			_, err := r.Resolve(t.Context(), resolver.Query{URI: schemaURI(testDID, testNSID)})
			if !tt.wantErr {
				if err != nil {
					t.Fatalf("got error %v, want none", err)
				}
				return
			}
			if !errors.Is(err, resolver.ErrBlockedAddress) {
				t.Fatalf("got error %v, want one wrapping ErrBlockedAddress", err)
			}
			if !strings.Contains(err.Error(), "127.0.0.1 is a loopback address") {
				t.Errorf("got error %q, want it to name the address and why", err)
			}
			if got := n.PLC.Requests(); got != 0 {
				t.Errorf("got %d requests at the PLC server, want 0", got)
			}
		})
	}
}

func TestRedirects(t *testing.T) {
	// samePath in a target stands for the path and query redirected.
	const samePath = "$same"
	// private is a server on loopback that the resolver must never reach.
	var privateHits sync.Map
	private := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		privateHits.Store(r.URL.Path, true)
	}))
	defer private.Close()

	tests := []struct {
		name    string
		to      func(n *testNet) string
		blocked bool
		is      error
	}{
		{
			name:    "to a private IP",
			to:      func(*testNet) string { return "http://10.1.2.3/x" },
			blocked: true,
		},
		{
			name:    "to loopback",
			to:      func(*testNet) string { return private.URL + "/loopback" },
			blocked: true,
		},
		{
			name:    "to a name resolving to loopback",
			to:      func(*testNet) string { return "http://internal.example.com/name" },
			blocked: true,
		},
		{
			// The PDS counts as public; the redirected request (to the
			// same method, marked) is answered.
			name: "to a public server",
			to:   func(n *testNet) string { return n.PDS.URL() + samePath },
		},
		{
			name: "to another scheme",
			to:   func(*testNet) string { return "file:///etc/passwd" },
			is:   resolver.ErrRedirect,
		},
		{
			name: "in a loop",
			to:   func(n *testNet) string { return n.PDS.URL() + "/again" },
			is:   resolver.ErrRedirect,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newTestNet(t)
			n.test.PublishLexicon(lexiconValue(testNSID))
			target := tt.to(n)
			n.PDS.Intercept(func(w http.ResponseWriter, r *http.Request, next http.Handler) {
				if r.URL.Query().Get("redirected") != "" {
					next.ServeHTTP(w, r)
					return
				}
				http.Redirect(w, r, strings.Replace(target, samePath, r.URL.Path+"?"+r.URL.RawQuery+"&redirected=1", 1), http.StatusFound)
			})
			cfg := n.ResolverConfig()
			cfg.AllowPrivateAddresses = false
			r := n.resolver(t, cfg, resolver.Seams{
				DialAddrs: map[string]string{"internal.example.com:80": addrPort(t, private.Listener.Addr().String()).String()},
				PublicAddrs: map[netip.AddrPort]bool{
					addrPort(t, n.PLC.Addr()): true,
					addrPort(t, n.PDS.Addr()): true,
				},
			})
			_, err := r.Resolve(t.Context(), resolver.Query{URI: schemaURI(testDID, testNSID)})
			switch {
			case tt.blocked:
				if !errors.Is(err, resolver.ErrBlockedAddress) {
					t.Errorf("got error %v, want one wrapping ErrBlockedAddress", err)
				}
			case tt.is != nil:
				if !errors.Is(err, resolver.ErrResolution) || !errors.Is(err, tt.is) {
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
		name string
		did  syntax.DID
	}{
		{name: "host", did: "did:web:example.com"},
		{name: "host and port", did: "did:web:example.com%3A8443"},
		{name: "subdomain", did: "did:web:lexicons.example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newTestNet(t)
			a := n.NewAccount(tt.did, atprototest.K256)
			value := lexiconValue(testNSID)
			want := a.PublishLexicon(value)
			r := n.resolver(t, n.ResolverConfig(), resolver.Seams{
				DialAddrs: n.Web().DialAddrs(),
				RootCAs:   n.Web().RootCAs(),
			})
			rec, err := r.Resolve(t.Context(), resolver.Query{NSID: testNSID})
			if err != nil {
				t.Fatal(err)
			}
			checkNetworkRecord(t, rec, a, testNSID, want, value)
			id, err := r.Identity(t.Context(), tt.did)
			if err != nil || !id.SigningKey.Equal(a.SigningKey()) {
				t.Errorf("got identity %+v (%v), want the account's key", id, err)
			}
		})
	}
}

// TestIdentity: the identity has the PDS and the signing key of the
// account's DID document, for both key types, and is cached.
func TestIdentity(t *testing.T) {
	n := newTestNet(t)
	r := n.resolver(t, n.ResolverConfig(), resolver.Seams{})
	for _, a := range []*atprototest.Account{n.test, n.other} {
		t.Run(string(a.DID), func(t *testing.T) {
			for range 2 {
				id, err := r.Identity(t.Context(), a.DID)
				if err != nil {
					t.Fatal(err)
				}
				if id.DID != a.DID || id.PDS.String() != n.PDS.URL() {
					t.Errorf("got %s at %s, want %s at %s", id.DID, id.PDS, a.DID, n.PDS.URL())
				}
				if id.SigningKey == nil || !id.SigningKey.Equal(a.SigningKey()) || id.SigningKeyError != nil {
					t.Errorf("got key %v (%v), want %s", id.SigningKey, id.SigningKeyError, a.SigningKey().DIDKey())
				}
				if id.ResolvedAt.IsZero() || !json.Valid(id.Document) {
					t.Errorf("got resolved at %v, document %s; want a time and the document", id.ResolvedAt, id.Document)
				}
			}
		})
	}
	if got := n.PLC.Requests(); got != 2 {
		t.Errorf("got %d PLC requests for two identities asked twice, want 2", got)
	}
}

// TestIdentityWithoutKey: a document without a usable key still gives the
// PDS (records can be fetched), and says why there is no key.
func TestIdentityWithoutKey(t *testing.T) {
	n := newTestNet(t)
	doc := n.test.Document()
	delete(doc, "verificationMethod")
	n.PLC.SetDocument(testDID, doc)
	r := n.resolver(t, n.ResolverConfig(), resolver.Seams{})
	id, err := r.Identity(t.Context(), testDID)
	if err != nil {
		t.Fatal(err)
	}
	if id.SigningKey != nil || !errors.Is(id.SigningKeyError, resolver.ErrResolution) || id.PDS == nil {
		t.Errorf("got key %v (%v) and PDS %v, want no key, a reason and the PDS", id.SigningKey, id.SigningKeyError, id.PDS)
	}
}

// TestRefreshIdentity: after a key rotation the cached identity has the old
// key; a refresh fetches the new one and caches it; a failed refresh keeps
// what was cached.
func TestRefreshIdentity(t *testing.T) {
	n := newTestNet(t)
	r := n.resolver(t, n.ResolverConfig(), resolver.Seams{})
	old := n.test.SigningKey()
	identityKey := func(refresh bool) (string, error) {
		ask := r.Identity
		if refresh {
			ask = r.RefreshIdentity
		}
		id, err := ask(t.Context(), testDID)
		if err != nil {
			return "", err
		}
		return id.SigningKey.DIDKey(), nil
	}
	if got, err := identityKey(false); err != nil || got != old.DIDKey() {
		t.Fatalf("got %s (%v), want %s", got, err, old.DIDKey())
	}
	n.test.RotateKey(atprototest.K256)
	rotated := n.test.SigningKey().DIDKey()

	steps := []struct {
		name     string
		refresh  bool
		failPLC  bool
		want     string
		wantErr  bool
		requests int64 // PLC requests so far
	}{
		{name: "the cache still has the old key", want: old.DIDKey(), requests: 1},
		{name: "a refresh fetches the new key", refresh: true, want: rotated, requests: 2},
		{name: "the cache has the new key", want: rotated, requests: 2},
		{name: "a failed refresh is an error", refresh: true, failPLC: true, wantErr: true, requests: 3},
		{name: "and keeps the cached identity", want: rotated, requests: 3},
	}
	for _, s := range steps {
		if s.failPLC {
			n.PLC.Intercept(func(w http.ResponseWriter, r *http.Request, _ http.Handler) {
				atprototest.WriteError(w, http.StatusServiceUnavailable, "Unavailable", "down")
			})
		} else {
			n.PLC.Intercept(nil)
		}
		got, err := identityKey(s.refresh)
		switch {
		case s.wantErr && !errors.Is(err, resolver.ErrResolution):
			t.Errorf("%s: got %s (%v), want an error wrapping ErrResolution", s.name, got, err)
		case !s.wantErr && (err != nil || got != s.want):
			t.Errorf("%s: got %s (%v), want %s", s.name, got, err, s.want)
		}
		if n := n.PLC.Requests(); n != s.requests {
			t.Errorf("%s: got %d PLC requests, want %d", s.name, n, s.requests)
		}
	}
}

func TestCache(t *testing.T) {
	n := newTestNet(t)
	want := n.test.PublishLexicon(lexiconValue(testNSID))
	clock := resolver.NewFakeClock()
	cfg := n.ResolverConfig()
	cfg.CacheTTL = time.Minute
	cfg.NegativeCacheTTL = 10 * time.Second
	r := n.resolver(t, cfg, resolver.Seams{Now: clock.Now})
	found := resolver.Query{URI: schemaURI(testDID, testNSID)}
	missing := resolver.Query{URI: schemaURI(testDID, "com.example.test.missing")}

	steps := []struct {
		name        string
		advance     time.Duration
		query       resolver.Query
		wantErr     error
		wantFetches int64 // record fetches so far
		wantStats   resolver.Stats
	}{
		{name: "first lookup fetches", query: found, wantFetches: 1, wantStats: resolver.Stats{CacheMisses: 1}},
		{name: "second is a hit", query: found, wantFetches: 1, wantStats: resolver.Stats{CacheHits: 1, CacheMisses: 1}},
		{name: "a pin is checked on a hit", query: resolver.Query{URI: found.URI, CID: cid.MustParse(otherCID)}, wantErr: resolver.ErrCIDMismatch, wantFetches: 1, wantStats: resolver.Stats{CacheHits: 2, CacheMisses: 1}},
		{name: "a miss fetches", query: missing, wantErr: resolver.ErrNotFound, wantFetches: 2, wantStats: resolver.Stats{CacheHits: 2, CacheMisses: 2, FetchErrors: 1}},
		{name: "the miss is remembered", query: missing, wantErr: resolver.ErrNotFound, wantFetches: 2, wantStats: resolver.Stats{CacheHits: 3, CacheMisses: 2, FetchErrors: 1}},
		{name: "the miss is forgotten first", advance: 11 * time.Second, query: missing, wantErr: resolver.ErrNotFound, wantFetches: 3, wantStats: resolver.Stats{CacheHits: 3, CacheMisses: 3, FetchErrors: 2}},
		{name: "the record is still cached", query: found, wantFetches: 3, wantStats: resolver.Stats{CacheHits: 4, CacheMisses: 3, FetchErrors: 2}},
		{name: "the record expires", advance: time.Minute, query: found, wantFetches: 4, wantStats: resolver.Stats{CacheHits: 4, CacheMisses: 4, FetchErrors: 2}},
	}
	for _, s := range steps {
		clock.Advance(s.advance)
		rec, err := r.Resolve(t.Context(), s.query)
		switch {
		case s.wantErr == nil && err != nil:
			t.Fatalf("%s: got error %v, want none", s.name, err)
		case s.wantErr == nil && !rec.CID.Equals(want):
			t.Errorf("%s: got CID %s, want %s", s.name, rec.CID, want)
		case s.wantErr != nil && !errors.Is(err, s.wantErr):
			t.Fatalf("%s: got error %v, want one wrapping %v", s.name, err, s.wantErr)
		}
		if got := n.PDS.Requests(); got != requestsPerFetch*s.wantFetches {
			t.Errorf("%s: got %d PDS requests, want %d", s.name, got, requestsPerFetch*s.wantFetches)
		}
		if got := r.Stats(); got != s.wantStats {
			t.Errorf("%s: got stats %+v, want %+v", s.name, got, s.wantStats)
		}
	}
	if got := n.PLC.Requests(); got != 2 {
		t.Errorf("got %d PLC requests, want 2 (the DID document is cached too, and expired once)", got)
	}
}

// TestCacheSize: records beyond CacheSize evict the least recently used.
func TestCacheSize(t *testing.T) {
	n := newTestNet(t)
	nsids := []string{"com.example.test.a", "com.example.test.b", "com.example.test.c"}
	for _, nsid := range nsids {
		n.test.PublishLexicon(lexiconValue(nsid))
	}
	cfg := n.ResolverConfig()
	cfg.CacheSize = 2
	r := n.resolver(t, cfg, resolver.Seams{})
	steps := []struct {
		nsid        string
		wantFetches int64
	}{
		{nsids[0], 1}, {nsids[1], 2}, {nsids[0], 2}, // a is the most recent
		{nsids[2], 3},                               // evicts b
		{nsids[0], 3}, {nsids[2], 3}, {nsids[1], 4}, // b is fetched again
	}
	for i, s := range steps {
		if _, err := r.Resolve(t.Context(), resolver.Query{URI: schemaURI(testDID, s.nsid)}); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if got := n.PDS.Requests(); got != requestsPerFetch*s.wantFetches {
			t.Errorf("step %d (%s): got %d PDS requests, want %d", i, s.nsid, got, requestsPerFetch*s.wantFetches)
		}
	}
}

// TestConcurrentLookupsShareOneFetch: callers asking for the same record at
// once cause one fetch.
func TestConcurrentLookupsShareOneFetch(t *testing.T) {
	n := newTestNet(t)
	want := n.test.PublishLexicon(lexiconValue(testNSID))
	release := n.PDS.Hold()
	r := n.resolver(t, n.ResolverConfig(), resolver.Seams{})

	const callers = 8
	var wg sync.WaitGroup
	recs := make([]*resolver.Record, callers)
	errs := make([]error, callers)
	for i := range callers {
		wg.Go(func() {
			recs[i], errs[i] = r.Resolve(t.Context(), resolver.Query{URI: schemaURI(testDID, testNSID)})
		})
	}
	// Hold the fetch until every caller has missed the cache.
	for r.Stats().CacheMisses < callers {
		time.Sleep(time.Millisecond)
	}
	release()
	wg.Wait()
	for i := range callers {
		if errs[i] != nil {
			t.Fatalf("caller %d: got error %v, want none", i, errs[i])
		}
		if !recs[i].CID.Equals(want) {
			t.Errorf("caller %d: got CID %s, want %s", i, recs[i].CID, want)
		}
	}
	if got := n.PDS.Requests(); got != requestsPerFetch {
		t.Errorf("got %d PDS requests, want %d", got, requestsPerFetch)
	}
}

// TestLeavingCallerDoesNotFailOthers: the first caller giving up does not
// cancel the fetch another caller waits on.
func TestLeavingCallerDoesNotFailOthers(t *testing.T) {
	n := newTestNet(t)
	want := n.test.PublishLexicon(lexiconValue(testNSID))
	release := n.PDS.Hold()
	r := n.resolver(t, n.ResolverConfig(), resolver.Seams{})
	q := resolver.Query{URI: schemaURI(testDID, testNSID)}

	ctx, cancel := context.WithCancel(t.Context())
	first := make(chan error, 1)
	go func() {
		_, err := r.Resolve(ctx, q)
		first <- err
	}()
	for n.PDS.Requests() == 0 {
		time.Sleep(time.Millisecond)
	}
	second := make(chan *resolver.Record, 1)
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
	release()
	if rec := <-second; rec != nil && !rec.CID.Equals(want) {
		t.Errorf("second caller: got CID %s, want %s", rec.CID, want)
	}
	if got := n.PDS.Requests(); got != requestsPerFetch {
		t.Errorf("got %d PDS requests, want %d", got, requestsPerFetch)
	}
}

func TestConcurrentFetchBound(t *testing.T) {
	n := newTestNet(t)
	const records = 6
	for i := range records {
		n.test.PublishLexicon(lexiconValue("com.example.test.r" + string(rune('a'+i))))
	}
	var mu sync.Mutex
	inFlight, peak := 0, 0
	release := make(chan struct{})
	n.PDS.Intercept(func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		mu.Lock()
		inFlight++
		peak = max(peak, inFlight)
		mu.Unlock()
		<-release
		next.ServeHTTP(w, r)
		mu.Lock()
		inFlight--
		mu.Unlock()
	})
	cfg := n.ResolverConfig()
	cfg.MaxConcurrentFetches = 2
	r := n.resolver(t, cfg, resolver.Seams{})
	// Warm the identity cache so that only getRecord fetches remain.
	if _, err := r.Identity(t.Context(), testDID); err != nil {
		t.Fatal(err)
	}

	var wg sync.WaitGroup
	for i := range records {
		nsid := "com.example.test.r" + string(rune('a'+i))
		wg.Go(func() {
			if _, err := r.Resolve(t.Context(), resolver.Query{URI: schemaURI(testDID, nsid)}); err != nil {
				t.Errorf("%s: got error %v, want none", nsid, err)
			}
		})
	}
	for n.PDS.Requests() < 2 {
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()
	if peak != 2 {
		t.Errorf("got a peak of %d fetches in flight, want 2", peak)
	}
}

// recordingSink remembers what it is given; err, when set, is its answer.
type recordingSink struct {
	mu   sync.Mutex
	recs []*resolver.Record
	err  error
}

func (s *recordingSink) Put(_ context.Context, rec *resolver.Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.recs = append(s.recs, rec)
	return s.err
}

// TestSink: every record the network fetched reaches the sink once per
// fetch; cache hits and local records do not; a failing sink does not fail
// the resolution.
func TestSink(t *testing.T) {
	for _, failing := range []bool{false, true} {
		t.Run(fmt.Sprint("failing ", failing), func(t *testing.T) {
			n := newTestNet(t)
			want := n.test.PublishLexicon(lexiconValue(testNSID))
			sink := &recordingSink{}
			if failing {
				sink.err = errors.New("disk full")
			}
			cfg := n.ResolverConfig()
			cfg.Sink = sink
			r, err := resolver.New(cfg) // the embedded catalog too
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range []resolver.Query{
				{NSID: testNSID},
				{URI: schemaURI(testDID, testNSID)},
				{NSID: "com.atproto.lexicon.schema"},
			} {
				if _, err := r.Resolve(t.Context(), q); err != nil {
					t.Fatalf("%+v: %v", q, err)
				}
			}
			if len(sink.recs) != 1 || !sink.recs[0].CID.Equals(want) || sink.recs[0].Source != resolver.SourceNetwork {
				t.Errorf("got %d records in the sink, want the one network record %s", len(sink.recs), want)
			}
		})
	}
}

// storeSource answers from memory, as a store read before the network would.
type storeSource map[syntax.NSID]*resolver.Record

func (s storeSource) Resolve(_ context.Context, q resolver.Query) (*resolver.Record, error) {
	if rec, ok := s[q.NSID]; ok {
		return rec, nil
	}
	return nil, resolver.ErrNotFound
}

// TestSourceBeforeNetwork: a configured source answers before the network
// is asked; what it lacks, the network answers.
func TestSourceBeforeNetwork(t *testing.T) {
	n := newTestNet(t)
	n.test.PublishLexicon(lexiconValue(testNSID))
	n.test.PublishLexicon(lexiconValue("com.example.test.other"))
	// The store keeps a copy of the network record.
	seed := n.resolver(t, n.ResolverConfig(), resolver.Seams{})
	kept, err := seed.Resolve(t.Context(), resolver.Query{NSID: testNSID})
	if err != nil {
		t.Fatal(err)
	}
	stored := *kept
	stored.Source = "store"
	before := n.PDS.Requests()

	cfg := n.ResolverConfig()
	cfg.Sources = []resolver.Source{storeSource{testNSID: &stored}}
	r := n.resolver(t, cfg, resolver.Seams{})
	rec, err := r.Resolve(t.Context(), resolver.Query{URI: schemaURI(testDID, testNSID)})
	if err != nil || rec.Source != "store" {
		t.Fatalf("got %v (%v), want the stored record", rec, err)
	}
	if got := n.PDS.Requests() - before; got != 0 {
		t.Errorf("got %d PDS requests for a stored record, want 0", got)
	}
	rec, err = r.Resolve(t.Context(), resolver.Query{NSID: "com.example.test.other"})
	if err != nil || rec.Source != resolver.SourceNetwork {
		t.Errorf("got %v (%v), want the network's record", rec, err)
	}
}
