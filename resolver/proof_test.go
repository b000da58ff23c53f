package resolver_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/bluesky-social/indigo/atproto/atcrypto"
	"github.com/bluesky-social/indigo/atproto/repo"
	"github.com/bluesky-social/indigo/atproto/syntax"
	"github.com/ipfs/go-cid"
	"github.com/multiformats/go-multihash"

	"github.com/lexval/lexval/internal/atprototest"
	"github.com/lexval/lexval/resolver"
)

const postCollection = "com.example.feed.post"

func post(i int) []byte {
	return fmt.Appendf(nil, `{"$type":%q,"text":"post %d","n":%d}`, postCollection, i, i)
}

// fetchCAR gets the sync.getRecord answer for uri from the PDS, as a test
// that builds a corrupt proof out of another's needs.
func fetchCAR(t testing.TB, n *atprototest.Network, uri syntax.ATURI) []byte {
	t.Helper()
	q := url.Values{"did": {uri.Authority().String()}, "collection": {uri.Collection().String()}, "rkey": {uri.RecordKey().String()}}
	resp, err := http.Get(n.PDS.URL() + "/xrpc/com.atproto.sync.getRecord?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("sync.getRecord %s: HTTP %d %s (%v)", uri, resp.StatusCode, body, err)
	}
	return body
}

// blockCID is the CID of a dag-cbor block.
func blockCID(t testing.TB, data []byte) cid.Cid {
	t.Helper()
	c, err := cid.NewPrefixV1(cid.DagCBOR, multihash.SHA2_256).Sum(data)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestProofCorruptions serves a schema record with each corruption of
// atprototest.Corruptions, for both key types, and expects each refused
// with its reason.
func TestProofCorruptions(t *testing.T) {
	for _, kt := range []atprototest.KeyType{atprototest.P256, atprototest.K256} {
		for _, c := range atprototest.Corruptions() {
			t.Run(kt.String()+"/"+c.Name, func(t *testing.T) {
				n := atprototest.New(t)
				tn := &testNet{Network: n, test: n.NewAccount(testDID, kt), other: n.NewAccount(otherDID, atprototest.K256)}
				tn.test.PublishLexicon(lexiconValue(testNSID))
				uri := schemaURI(testDID, testNSID)
				c.Apply(t, n, tn.test, tn.other, uri)
				r := tn.resolver(t, n.ResolverConfig(), resolver.Seams{})
				rec, err := r.Resolve(t.Context(), resolver.Query{URI: uri})
				if err == nil {
					t.Fatalf("got record %s proven by %+v, want a refusal", rec.CID, rec.Proof)
				}
				var pe *resolver.ProofError
				if !errors.As(err, &pe) || !errors.Is(err, resolver.ErrProofInvalid) || !errors.Is(err, c.Reason) || pe.URI != uri {
					t.Fatalf("got error %v, want a *ProofError for %s wrapping ErrProofInvalid and %v", err, uri, c.Reason)
				}
				if errors.Is(c.Reason, resolver.ErrProofSignature) && n.PLC.Requests() != 2 {
					t.Errorf("got %d PLC requests, want 2: the DID document fetched again once after the signature failed", n.PLC.Requests())
				}
			})
		}
	}
}

// TestProofRefused serves a schema record with more corruptions of its
// proof than the shared list has, and expects each refused with its reason.
func TestProofRefused(t *testing.T) {
	uri := schemaURI(testDID, testNSID)
	// recordCID is the honest record's CID, for corruptions that need it.
	var recordCID cid.Cid
	tests := []struct {
		name  string
		key   atprototest.KeyType
		setup func(t *testing.T, n *testNet)
		is    error
		says  []string
		// plc is the PLC requests wanted: 2 when the document is fetched
		// again after a failed signature; 0 does not check.
		plc int64
	}{
		{
			name: "no key in the DID document",
			setup: func(t *testing.T, n *testNet) {
				doc := n.test.Document()
				delete(doc, "verificationMethod")
				n.PLC.SetDocument(testDID, doc)
			},
			is:   resolver.ErrProofNoKey,
			says: []string{"#atproto"},
			plc:  2,
		},
		{
			name: "record bytes changed and hashed again",
			setup: func(t *testing.T, n *testNet) {
				n.PDS.EditProof(func(_ syntax.ATURI, proof *atprototest.CAR) {
					i := indexOf(proof, recordCID)
					data := bytes.Replace(proof.Blocks[i].Data, []byte("maxLength"), []byte("minLength"), 1)
					proof.Blocks[i] = atprototest.Block{CID: blockCID(t, data), Data: data}
				})
			},
			is:   resolver.ErrProofIncomplete,
			says: []string{"record block"},
		},
		{
			name: "getRecord serves another value",
			setup: func(t *testing.T, n *testNet) {
				n.editRecord(func(ans *atprototest.RecordJSON) {
					ans.Value = bytes.Replace(ans.Value, []byte("maxLength"), []byte("minLength"), 1)
				})
			},
			is:   resolver.ErrProofDisagrees,
			says: []string{"its value hashes to"},
		},
		{
			name: "getRecord says there is no such record",
			setup: func(t *testing.T, n *testNet) {
				n.PDS.Intercept(notFoundAt("com.atproto.repo.getRecord"))
			},
			is: resolver.ErrProofDisagrees,
		},
		{
			name: "no proof served",
			setup: func(t *testing.T, n *testNet) {
				n.PDS.Intercept(notFoundAt("com.atproto.sync.getRecord"))
			},
			is: resolver.ErrProofDisagrees,
		},
		{
			name: "truncated in the header",
			setup: func(t *testing.T, n *testNet) {
				n.PDS.Intercept(editProofBytes(func(car []byte) []byte { return car[:5] }))
			},
			is:   resolver.ErrProofMalformed,
			says: []string{"header"},
		},
		{
			name: "no commit",
			setup: func(t *testing.T, n *testNet) {
				n.PDS.EditProof(func(_ syntax.ATURI, proof *atprototest.CAR) { proof.Blocks = proof.Blocks[1:] })
			},
			is:   resolver.ErrProofIncomplete,
			says: []string{"first root"},
		},
		{
			name: "the first root is not a commit",
			setup: func(t *testing.T, n *testNet) {
				n.PDS.EditProof(func(_ syntax.ATURI, proof *atprototest.CAR) { proof.Roots = []cid.Cid{recordCID} })
			},
			is: resolver.ErrProofCommit,
		},
		{
			name: "unsigned commit",
			setup: func(t *testing.T, n *testNet) {
				n.PDS.EditProof(func(_ syntax.ATURI, proof *atprototest.CAR) {
					i := indexOf(proof, proof.Roots[0])
					var commit repo.Commit
					if err := commit.UnmarshalCBOR(bytes.NewReader(proof.Blocks[i].Data)); err != nil {
						t.Fatal(err)
					}
					commit.Sig = nil
					var buf bytes.Buffer
					if err := commit.MarshalCBOR(&buf); err != nil {
						t.Fatal(err)
					}
					proof.Blocks[i] = atprototest.Block{CID: blockCID(t, buf.Bytes()), Data: buf.Bytes()}
					proof.Roots[0] = proof.Blocks[i].CID
				})
			},
			is:   resolver.ErrProofCommit,
			says: []string{"signature"},
		},
		{
			name: "a block with a CID of another kind",
			setup: func(t *testing.T, n *testNet) {
				n.PDS.EditProof(func(_ syntax.ATURI, proof *atprototest.CAR) {
					i := indexOf(proof, recordCID)
					proof.Blocks[i].CID = cid.NewCidV1(cid.Raw, recordCID.Hash())
				})
			},
			is:   resolver.ErrProofMalformed,
			says: []string{"not an atproto CID"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := atprototest.New(t)
			tn := &testNet{Network: n, test: n.NewAccount(testDID, tt.key), other: n.NewAccount(otherDID, atprototest.K256)}
			recordCID = tn.test.PublishLexicon(lexiconValue(testNSID))
			tt.setup(t, tn)
			r := tn.resolver(t, n.ResolverConfig(), resolver.Seams{})
			rec, err := r.Resolve(t.Context(), resolver.Query{URI: uri})
			if err == nil {
				t.Fatalf("got record %s proven by %+v, want a refusal", rec.CID, rec.Proof)
			}
			var pe *resolver.ProofError
			if !errors.As(err, &pe) || !errors.Is(err, resolver.ErrProofInvalid) || !errors.Is(err, tt.is) || pe.URI != uri {
				t.Fatalf("got error %v, want a *ProofError for %s wrapping ErrProofInvalid and %v", err, uri, tt.is)
			}
			for _, s := range tt.says {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("got error %q, want it to mention %q", err, s)
				}
			}
			if got := n.PLC.Requests(); tt.plc != 0 && got != tt.plc {
				t.Errorf("got %d PLC requests, want %d (the DID document fetched again once)", got, tt.plc)
			}
		})
	}
}

func indexOf(proof *atprototest.CAR, c cid.Cid) int {
	for i, b := range proof.Blocks {
		if b.CID.Equals(c) {
			return i
		}
	}
	panic(fmt.Sprintf("block %s not in the proof", c))
}

// notFoundAt answers XRPC method with RecordNotFound, and lets the rest
// through.
func notFoundAt(method string) atprototest.Interceptor {
	return func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		if strings.HasSuffix(r.URL.Path, "/"+method) {
			atprototest.WriteError(w, http.StatusBadRequest, "RecordNotFound", "no")
			return
		}
		next.ServeHTTP(w, r)
	}
}

// editProofBytes passes the bytes of each sync.getRecord answer through
// edit.
func editProofBytes(edit func([]byte) []byte) atprototest.Interceptor {
	return func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		if !strings.HasSuffix(r.URL.Path, "com.atproto.sync.getRecord") {
			next.ServeHTTP(w, r)
			return
		}
		honest := httptest.NewRecorder()
		next.ServeHTTP(honest, r)
		w.Header().Set("Content-Type", honest.Header().Get("Content-Type"))
		w.Write(edit(honest.Body.Bytes()))
	}
}

// TestProofAccepted: the honest proof is accepted for both key types, also
// from a tree of several levels of which the CAR holds only the path; the
// proof names the head commit and the key.
func TestProofAccepted(t *testing.T) {
	for _, kt := range []atprototest.KeyType{atprototest.P256, atprototest.K256} {
		for _, records := range []int{0, 300} {
			t.Run(fmt.Sprintf("%s, %d other records", kt, records), func(t *testing.T) {
				n := atprototest.New(t)
				a := n.NewAccount("", kt)
				for i := range records {
					a.PutRecord(postCollection, syntax.RecordKey(fmt.Sprintf("r%03d", i)), post(i))
				}
				value := lexiconValue(testNSID)
				want := a.PublishLexicon(value)
				for i := range records / 3 { // the record is not the last written
					a.PutRecord(postCollection, syntax.RecordKey(fmt.Sprintf("s%03d", i)), post(i))
				}
				tn := &testNet{Network: n, test: a}
				r := tn.resolver(t, n.ResolverConfig(), resolver.Seams{})
				rec, err := r.Resolve(t.Context(), resolver.Query{NSID: testNSID})
				if err != nil {
					t.Fatal(err)
				}
				checkNetworkRecord(t, rec, a, testNSID, want, value)

				car := fetchCAR(t, n, rec.URI)
				blocks := carBlocks(t, car)
				if records > 0 && (blocks < 4 || blocks > 8) {
					t.Errorf("got a CAR of %d blocks, want the commit, a path of several MST nodes and the record", blocks)
				}
			})
		}
	}
}

// carBlocks counts the blocks of a CAR.
func carBlocks(t *testing.T, car []byte) int {
	t.Helper()
	var n int
	r := bytes.NewReader(car)
	for i := 0; r.Len() > 0; i++ {
		size, err := readUvarint(r)
		if err != nil {
			t.Fatal(err)
		}
		r.Seek(int64(size), io.SeekCurrent)
		if i > 0 {
			n++
		}
	}
	return n
}

func readUvarint(r *bytes.Reader) (uint64, error) {
	var x uint64
	for s := 0; ; s += 7 {
		b, err := r.ReadByte()
		if err != nil {
			return 0, err
		}
		x |= uint64(b&0x7f) << s
		if b < 0x80 {
			return x, nil
		}
	}
}

// TestKeyRotation: a key rotated since the identity was cached is found by
// fetching the DID document again, once, when the new key signed; a commit
// that the document's key did not sign is refused after that one refresh.
func TestKeyRotation(t *testing.T) {
	tests := []struct {
		name    string
		rotate  func(a *atprototest.Account)
		wantErr error
	}{
		{
			name: "the new key signed the head commit",
			rotate: func(a *atprototest.Account) {
				a.RotateKey(atprototest.K256)
				a.PutRecord(postCollection, "after", post(1)) // signed with the new key
			},
		},
		{
			name: "the head commit is signed by neither",
			rotate: func(a *atprototest.Account) {
				a.RotateKey(atprototest.K256)
				a.PutRecord(postCollection, "after", post(1))
				a.RotateKey(atprototest.P256) // the document names a third key
			},
			wantErr: resolver.ErrProofSignature,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newTestNet(t)
			n.test.PublishLexicon(lexiconValue(testNSID))
			r := n.resolver(t, n.ResolverConfig(), resolver.Seams{})
			if _, err := r.Identity(t.Context(), testDID); err != nil { // cache the old key
				t.Fatal(err)
			}
			tt.rotate(n.test)
			rec, err := r.Resolve(t.Context(), resolver.Query{URI: schemaURI(testDID, testNSID)})
			switch {
			case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
				t.Fatalf("got %v, want an error wrapping %v", err, tt.wantErr)
			case tt.wantErr == nil && err != nil:
				t.Fatalf("got error %v, want the record", err)
			case tt.wantErr == nil && rec.Proof.SigningKey != n.test.SigningKey().DIDKey():
				t.Errorf("got proof by %s, want the new key %s", rec.Proof.SigningKey, n.test.SigningKey().DIDKey())
			}
			if got := n.PLC.Requests(); got != 2 {
				t.Errorf("got %d PLC requests, want 2: the cached document, then one refresh", got)
			}
			// The refreshed identity is cached.
			id, err := r.Identity(t.Context(), testDID)
			if err != nil || !id.SigningKey.Equal(n.test.SigningKey()) {
				t.Errorf("got cached key %v (%v), want the rotated one", id, err)
			}
		})
	}
}

// TestFetchRecord: a record of any collection, by AT-URI, proven and
// cached; what cannot name a record, or is not there, is an error of its
// kind.
func TestFetchRecord(t *testing.T) {
	n := newTestNet(t)
	for i := range 50 {
		n.test.PutRecord(postCollection, syntax.RecordKey(fmt.Sprintf("r%02d", i)), post(i))
	}
	want := n.test.PutRecord(postCollection, "3k2yihcrp6f2c", post(7))
	r := n.resolver(t, n.ResolverConfig(), resolver.Seams{})
	uri := syntax.ATURI("at://" + testDID + "/" + postCollection + "/3k2yihcrp6f2c")
	for range 2 {
		rec, err := r.FetchRecord(t.Context(), uri)
		if err != nil {
			t.Fatal(err)
		}
		if !rec.CID.Equals(want) || rec.URI != uri || string(rec.JSON) != `{"$type":"com.example.feed.post","n":7,"text":"post 7"}` {
			t.Errorf("got %s %s %s, want %s, the URI and the JSON", rec.URI, rec.CID, rec.JSON, want)
		}
		if blockCID(t, rec.Block) != want || rec.Proof.Commit != n.test.Head().CID.String() || rec.Proof.DID != testDID {
			t.Errorf("got block hashing to %s and proof %+v, want %s and the head commit", blockCID(t, rec.Block), rec.Proof, want)
		}
	}
	if got := n.PDS.Requests(); got != requestsPerFetch {
		t.Errorf("got %d PDS requests, want %d: the second lookup is cached", got, requestsPerFetch)
	}

	failures := []struct {
		name string
		uri  syntax.ATURI
		is   error
	}{
		{name: "absent", uri: syntax.ATURI("at://" + testDID + "/" + postCollection + "/nope"), is: resolver.ErrNotFound},
		{name: "no record key", uri: syntax.ATURI("at://" + testDID + "/" + postCollection), is: resolver.ErrInvalidQuery},
		{name: "unknown DID", uri: "at://did:plc:unknownunknownunknownunk/" + postCollection + "/r01", is: resolver.ErrNotFound},
	}
	for _, tt := range failures {
		t.Run(tt.name, func(t *testing.T) {
			if rec, err := r.FetchRecord(t.Context(), tt.uri); !errors.Is(err, tt.is) {
				t.Errorf("got %v (%v), want an error wrapping %v", rec, err, tt.is)
			}
		})
	}

	off := n.resolver(t, resolver.Config{}, resolver.Seams{})
	if _, err := off.FetchRecord(t.Context(), uri); !errors.Is(err, resolver.ErrResolution) {
		t.Errorf("network off: got %v, want an error wrapping ErrResolution", err)
	}
}

// TestVerifyProof checks the exported verifier on its own: the honest CAR
// with the right key, and the same CAR with another key or for another
// record.
func TestVerifyProof(t *testing.T) {
	n := newTestNet(t)
	want := n.test.PutRecord(postCollection, "one", post(1))
	n.test.PutRecord(postCollection, "two", post(2))
	uri := n.test.URI(postCollection, "one")
	car := fetchCAR(t, n.Network, uri)

	rec, err := resolver.VerifyProof(car, uri, n.test.SigningKey())
	if err != nil || !rec.CID.Equals(want) || rec.Proof.Rev != n.test.Head().Rev {
		t.Fatalf("got %+v (%v), want %s at the head revision", rec, err, want)
	}
	tests := []struct {
		name string
		uri  syntax.ATURI
		key  atcrypto.PublicKey
		is   error
	}{
		{name: "another key", uri: uri, key: n.other.SigningKey(), is: resolver.ErrProofSignature},
		{name: "no key", uri: uri, is: resolver.ErrProofNoKey},
		{name: "another record of the tree", uri: n.test.URI(postCollection, "two"), key: n.test.SigningKey(), is: resolver.ErrProofIncomplete},
		{name: "another repository", uri: n.other.URI(postCollection, "one"), key: n.test.SigningKey(), is: resolver.ErrProofWrongDID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if rec, err := resolver.VerifyProof(car, tt.uri, tt.key); !errors.Is(err, tt.is) {
				t.Errorf("got %+v (%v), want an error wrapping %v", rec, err, tt.is)
			}
		})
	}
	// The PDS proves a record absent with the path where it would be.
	absent := n.test.URI(postCollection, "three")
	if rec, err := resolver.VerifyProof(fetchCAR(t, n.Network, absent), absent, n.test.SigningKey()); !errors.Is(err, resolver.ErrProofAbsent) {
		t.Errorf("proof of absence: got %+v (%v), want an error wrapping ErrProofAbsent", rec, err)
	}
}

// BenchmarkVerifyProof verifies a sync.getRecord proof of about 2 KB (the
// commit, the MST path in a repository of a few hundred records, a
// record): parsing, hashing every block, the signature, the walk and
// decoding the record.
func BenchmarkVerifyProof(b *testing.B) {
	for _, kt := range []atprototest.KeyType{atprototest.P256, atprototest.K256} {
		b.Run(kt.String(), func(b *testing.B) {
			n := atprototest.New(b)
			a := n.NewAccount("", kt)
			for i := range 300 {
				a.PutRecord(postCollection, syntax.RecordKey(fmt.Sprintf("r%03d", i)), post(i))
			}
			uri := a.URI(postCollection, "r150")
			car := fetchCAR(b, n, uri)
			key := a.SigningKey()
			b.SetBytes(int64(len(car)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := resolver.VerifyProof(car, uri, key); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestErrorsNameTheStep: what a client reads of an upstream failure names
// the step that failed, not the URL fetched nor the DNS server asked (the
// log has those).
func TestErrorsNameTheStep(t *testing.T) {
	tests := []struct {
		name  string
		setup func(n *testNet, cfg *resolver.Config)
		query resolver.Query
		says  string
	}{
		{
			name: "DNS server failure",
			setup: func(n *testNet, _ *resolver.Config) {
				n.DNS.Fail(&net.DNSError{Err: "server misbehaving", Name: "_lexicon.test.example.com.", Server: "10.53.0.1:53"})
			},
			query: resolver.Query{NSID: testNSID},
			says:  "DNS lookup of _lexicon.test.example.com: server misbehaving",
		},
		{
			name: "PLC directory down",
			setup: func(n *testNet, cfg *resolver.Config) {
				cfg.PLCURL = "http://127.0.0.1:1/plc-secret-path"
			},
			query: resolver.Query{URI: schemaURI(testDID, testNSID)},
			says:  "DID document of " + testDID + ": dial: connect: connection refused",
		},
		{
			name: "PDS down",
			setup: func(n *testNet, _ *resolver.Config) {
				n.test.SetPDS("http://127.0.0.1:1")
			},
			query: resolver.Query{URI: schemaURI(testDID, testNSID)},
			says:  "getRecord of " + string(schemaURI(testDID, testNSID)) + " at 127.0.0.1:1: dial: connect: connection refused",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newTestNet(t)
			n.test.PublishLexicon(lexiconValue(testNSID))
			cfg := n.ResolverConfig()
			tt.setup(n, &cfg)
			var log bytes.Buffer
			cfg.Logger = slog.New(slog.NewTextHandler(&log, nil))
			r := n.resolver(t, cfg, resolver.Seams{})
			_, err := r.Resolve(t.Context(), tt.query)
			if err == nil || !strings.Contains(err.Error(), tt.says) {
				t.Fatalf("got error %v, want it to say %q", err, tt.says)
			}
			for _, secret := range []string{"10.53.0.1", "http://", "/xrpc/", "plc-secret-path"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("got error %q, want it not to show %q", err, secret)
				}
			}
			if !strings.Contains(log.String(), "10.53.0.1") && !strings.Contains(log.String(), "http://127.0.0.1:1") {
				t.Errorf("got log %q, want the details there", log.String())
			}
		})
	}
}
