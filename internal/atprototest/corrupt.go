package atprototest

import (
	"bytes"
	"crypto/elliptic"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/bluesky-social/indigo/atproto/atcrypto"
	"github.com/bluesky-social/indigo/atproto/repo"
	"github.com/bluesky-social/indigo/atproto/syntax"
	"github.com/ipfs/go-cid"

	"github.com/lexval/lexval/resolver"
)

// Corruption makes the PDS serve a record so that it cannot be proven, as a
// compromised or impersonating PDS, a cache or a mirror could: the tests of
// every front end run the same list. Each replaces the PDS's interceptor
// and proof editor, so it goes on a network of its own.
type Corruption struct {
	Name string
	// Reason is the resolver's reason for the refusal (ErrProofSignature,
	// ...), which the refusal wraps and whose text its message holds.
	Reason error
	// Apply corrupts what the PDS serves for uri, a record of a that is
	// there; other is another account on the network, whose repository
	// some corruptions borrow from.
	Apply func(t testing.TB, n *Network, a, other *Account, uri syntax.ATURI)
}

// Corruptions lists the ways of serving an unprovable record that the
// provenance issue names: a DID document naming another key, a commit of
// another repository, a tree without the record, record bytes changed, a
// block under another's CID, a getRecord answer naming another CID, a key
// rotated after the commit was signed, a high-S signature, and CARs cut
// short inside a block and between blocks.
func Corruptions() []Corruption {
	return []Corruption{
		{
			Name: "DID document naming another key", Reason: resolver.ErrProofSignature,
			Apply: func(t testing.TB, _ *Network, a, other *Account, _ syntax.ATURI) {
				a.ClaimKey(other.SigningKey())
			},
		},
		{
			Name: "commit of another repository", Reason: resolver.ErrProofWrongDID,
			Apply: func(t testing.TB, n *Network, a, other *Account, uri syntax.ATURI) {
				path := recordPath(uri)
				value, _ := a.record(t, path)
				other.PutRecord(uri.Collection(), uri.RecordKey(), value)
				other.mu.Lock()
				theirs, err := other.repo.proof(path)
				other.mu.Unlock()
				if err != nil {
					t.Fatalf("atprototest: proof of %s: %v", path, err)
				}
				n.PDS.EditProof(func(u syntax.ATURI, proof *CAR) {
					if u == uri {
						*proof = *theirs
					}
				})
			},
		},
		{
			Name: "record not in the tree", Reason: resolver.ErrProofAbsent,
			Apply: func(t testing.TB, n *Network, a, _ *Account, uri syntax.ATURI) {
				// repo.getRecord keeps serving the record once it is deleted.
				value, c := a.record(t, recordPath(uri))
				kept := RecordJSON{URI: string(uri), CID: c.String(), Value: value}
				a.DeleteRecord(uri.Collection(), uri.RecordKey())
				n.PDS.Intercept(func(w http.ResponseWriter, r *http.Request, next http.Handler) {
					if strings.HasSuffix(r.URL.Path, "/com.atproto.repo.getRecord") && r.URL.Query().Get("rkey") == uri.RecordKey().String() {
						WriteJSON(w, http.StatusOK, kept)
						return
					}
					next.ServeHTTP(w, r)
				})
			},
		},
		{
			Name: "record bytes changed", Reason: resolver.ErrProofBlockHash,
			Apply: func(t testing.TB, n *Network, a, _ *Account, uri syntax.ATURI) {
				_, c := a.record(t, recordPath(uri))
				n.PDS.EditProof(func(_ syntax.ATURI, proof *CAR) {
					b := proof.block(t, c)
					b.Data = bytes.Clone(b.Data)
					b.Data[len(b.Data)-1] ^= 1
				})
			},
		},
		{
			Name: "blocks under each other's CIDs", Reason: resolver.ErrProofBlockHash,
			Apply: func(t testing.TB, n *Network, _, _ *Account, _ syntax.ATURI) {
				n.PDS.EditProof(func(_ syntax.ATURI, proof *CAR) {
					first, last := &proof.Blocks[0], &proof.Blocks[len(proof.Blocks)-1]
					first.CID, last.CID = last.CID, first.CID
				})
			},
		},
		{
			Name: "getRecord naming another CID", Reason: resolver.ErrProofDisagrees,
			Apply: func(t testing.TB, n *Network, _, _ *Account, _ syntax.ATURI) {
				n.PDS.EditGetRecord(func(_ syntax.ATURI, ans *RecordJSON) {
					ans.CID = "bafyreigtmtzisxiuao4kcswgnbud7wmpkcnsdb6h2kenhbnaolsx7bpiq4"
				})
			},
		},
		{
			// The document names the new key; no commit has been signed
			// with it yet. lexval fetches the document once more, finds the
			// same key, and refuses.
			Name: "key rotated after the commit was signed", Reason: resolver.ErrProofSignature,
			Apply: func(t testing.TB, _ *Network, a, _ *Account, _ syntax.ATURI) {
				a.RotateKey(P256)
			},
		},
		{
			Name: "high-S signature", Reason: resolver.ErrProofSignature,
			Apply: func(t testing.TB, n *Network, a, _ *Account, _ syntax.ATURI) {
				key := a.SigningKey()
				n.PDS.EditProof(func(_ syntax.ATURI, proof *CAR) { highS(t, proof, key) })
			},
		},
		{
			Name: "CAR cut short inside a block", Reason: resolver.ErrProofMalformed,
			Apply: func(t testing.TB, n *Network, _, _ *Account, _ syntax.ATURI) {
				n.PDS.Intercept(func(w http.ResponseWriter, r *http.Request, next http.Handler) {
					if !strings.HasSuffix(r.URL.Path, "/com.atproto.sync.getRecord") {
						next.ServeHTTP(w, r)
						return
					}
					honest := httptest.NewRecorder()
					next.ServeHTTP(honest, r)
					body := honest.Body.Bytes()
					w.Header().Set("Content-Type", honest.Header().Get("Content-Type"))
					w.Write(body[:len(body)-7])
				})
			},
		},
		{
			Name: "CAR cut short before the record", Reason: resolver.ErrProofIncomplete,
			Apply: func(t testing.TB, n *Network, a, _ *Account, uri syntax.ATURI) {
				_, c := a.record(t, recordPath(uri))
				n.PDS.EditProof(func(_ syntax.ATURI, proof *CAR) {
					for i, b := range proof.Blocks {
						if b.CID.Equals(c) {
							proof.Blocks = proof.Blocks[:i]
							return
						}
					}
				})
			},
		},
	}
}

// ClaimKey makes the account's DID document name key as its #atproto key,
// while its commits stay signed with its own: the document of an account
// whose records cannot be proven.
func (a *Account) ClaimKey(key atcrypto.PublicKey) {
	doc := a.Document()
	doc["verificationMethod"].([]any)[0].(map[string]any)["publicKeyMultibase"] = key.Multibase()
	if a.DID.Method() == "web" {
		a.net.Web().SetDocument(a.DID, doc)
		return
	}
	a.net.PLC.SetDocument(a.DID, doc)
}

func recordPath(uri syntax.ATURI) string {
	return uri.Collection().String() + "/" + uri.RecordKey().String()
}

// record returns the JSON and CID of the account's record at path.
func (a *Account) record(t testing.TB, path string) ([]byte, cid.Cid) {
	a.mu.Lock()
	defer a.mu.Unlock()
	value, c, ok := a.repo.record(path)
	if !ok {
		t.Fatalf("atprototest: %s has no record %s", a.DID, path)
	}
	return value, c
}

// block returns the block the CAR holds under id, to edit in place.
func (c *CAR) block(t testing.TB, id cid.Cid) *Block {
	for i := range c.Blocks {
		if c.Blocks[i].CID.Equals(id) {
			return &c.Blocks[i]
		}
	}
	t.Fatalf("atprototest: block %s not in the CAR", id)
	return nil
}

// highS re-signs the proof's commit with the high-S twin of its (low-S)
// signature: (r, n-s) verifies as ECDSA, but atproto forbids it. It checks
// that the twin does verify leniently, so that only the low-S rule can
// refuse it.
func highS(t testing.TB, proof *CAR, key atcrypto.PublicKey) {
	b := proof.block(t, proof.Roots[0])
	var commit repo.Commit
	if err := commit.UnmarshalCBOR(bytes.NewReader(b.Data)); err != nil {
		t.Fatalf("atprototest: commit: %v", err)
	}
	order := elliptic.P256().Params().N
	if _, k256 := key.(*atcrypto.PublicKeyK256); k256 {
		order, _ = new(big.Int).SetString("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16)
	}
	s := new(big.Int).SetBytes(commit.Sig[32:])
	if s.Cmp(new(big.Int).Rsh(order, 1)) > 0 {
		t.Fatal("atprototest: the commit is signed with a high S already")
	}
	commit.Sig = append(bytes.Clone(commit.Sig[:32]), new(big.Int).Sub(order, s).FillBytes(make([]byte, 32))...)
	unsigned, err := commit.UnsignedBytes()
	if err != nil {
		t.Fatalf("atprototest: commit: %v", err)
	}
	if err := key.HashAndVerifyLenient(unsigned, commit.Sig); err != nil {
		t.Fatalf("atprototest: the high-S twin does not verify even leniently: %v", err)
	}
	var buf bytes.Buffer
	if err := commit.MarshalCBOR(&buf); err != nil {
		t.Fatalf("atprototest: commit: %v", err)
	}
	c, err := blockCID(buf.Bytes())
	if err != nil {
		t.Fatalf("atprototest: commit: %v", err)
	}
	b.CID, b.Data = c, buf.Bytes()
	proof.Roots[0] = c
}
