package atprototest_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/bluesky-social/indigo/atproto/repo"
	"github.com/bluesky-social/indigo/atproto/syntax"
	"github.com/ipfs/go-cid"

	"github.com/lexval/lexval/internal/atprototest"
	"github.com/lexval/lexval/resolver"
)

// get fetches path from base and returns the body of a 200 answer.
func get(t *testing.T, base, path string, query url.Values) []byte {
	t.Helper()
	resp, err := http.Get(base + path + "?" + query.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: got HTTP %d %s, want 200", path, resp.StatusCode, body)
	}
	return body
}

func syncGetRecord(t *testing.T, n *atprototest.Network, did syntax.DID, collection, rkey string) []byte {
	t.Helper()
	return get(t, n.PDS.URL(), "/xrpc/com.atproto.sync.getRecord", url.Values{"did": {string(did)}, "collection": {collection}, "rkey": {rkey}})
}

const postCollection = "com.example.feed.post"

func post(i int) []byte {
	return fmt.Appendf(nil, `{"$type":%q,"text":"post %d","n":%d}`, postCollection, i, i)
}

// TestProofs: a sync.getRecord CAR read by indigo's repo package holds the
// signed commit, a partial MST reaching the record, and the record, for
// both key types, in a tree of several levels.
func TestProofs(t *testing.T) {
	for _, kt := range []atprototest.KeyType{atprototest.P256, atprototest.K256} {
		t.Run(kt.String(), func(t *testing.T) {
			n := atprototest.New(t)
			a := n.NewAccount("", kt)
			const records = 200 // enough for an MST of several levels
			cids := make([]cid.Cid, records)
			for i := range records {
				cids[i] = a.PutRecord(postCollection, syntax.RecordKey(fmt.Sprintf("r%03d", i)), post(i))
			}
			pub := a.SigningKey()
			for _, i := range []int{0, 57, 133, records - 1} {
				rkey := fmt.Sprintf("r%03d", i)
				commit, r, err := repo.LoadRepoFromCAR(t.Context(), bytes.NewReader(syncGetRecord(t, n, a.DID, postCollection, rkey)))
				if err != nil {
					t.Fatalf("%s: %v", rkey, err)
				}
				if err := commit.VerifySignature(pub); err != nil {
					t.Errorf("%s: got signature error %v, want none", rkey, err)
				}
				if commit.DID != string(a.DID) || commit.Rev != string(a.Head().Rev) {
					t.Errorf("%s: got commit of %s at %s, want %s at %s", rkey, commit.DID, commit.Rev, a.DID, a.Head().Rev)
				}
				if !r.MST.IsPartial() {
					t.Errorf("%s: got the whole tree, want the path only", rkey)
				}
				got, err := r.GetRecordCID(t.Context(), postCollection, syntax.RecordKey(rkey))
				if err != nil || !got.Equals(cids[i]) {
					t.Errorf("%s: got CID %v (%v), want %s", rkey, got, err, cids[i])
				}
				data, _, err := r.GetRecordBytes(t.Context(), postCollection, syntax.RecordKey(rkey))
				if err != nil {
					t.Fatalf("%s: record block: %v", rkey, err)
				}
				if sum, _ := cids[i].Prefix().Sum(data); !sum.Equals(cids[i]) {
					t.Errorf("%s: record block hashes to %s, want %s", rkey, sum, cids[i])
				}
			}
			if height := mstHeight(t, n, a.DID); height < 2 {
				t.Errorf("got an MST of height %d, want several levels", height)
			}
		})
	}
}

// mstHeight is the height of the root of did's repository.
func mstHeight(t *testing.T, n *atprototest.Network, did syntax.DID) int {
	_, r, err := repo.LoadRepoFromCAR(t.Context(), bytes.NewReader(get(t, n.PDS.URL(), "/xrpc/com.atproto.sync.getRepo", url.Values{"did": {string(did)}})))
	if err != nil {
		t.Fatal(err)
	}
	return r.MST.Root.Height
}

// TestProofOfAbsence: for a key the repository lacks, the CAR still proves
// the commit and the path where the key would be, and the tree says the key
// is absent rather than that it lacks nodes.
func TestProofOfAbsence(t *testing.T) {
	n := atprototest.New(t)
	a := n.NewAccount("", atprototest.P256)
	for i := range 100 {
		a.PutRecord(postCollection, syntax.RecordKey(fmt.Sprintf("r%03d", 2*i)), post(i))
	}
	for _, rkey := range []string{"r001", "r099", "zzz"} {
		_, r, err := repo.LoadRepoFromCAR(t.Context(), bytes.NewReader(syncGetRecord(t, n, a.DID, postCollection, rkey)))
		if err != nil {
			t.Fatalf("%s: %v", rkey, err)
		}
		if _, err := r.GetRecordCID(t.Context(), postCollection, syntax.RecordKey(rkey)); !errors.Is(err, repo.ErrNotFound) {
			t.Errorf("%s: got %v, want repo.ErrNotFound", rkey, err)
		}
	}
}

// TestRepositoryExport: getRepo holds the whole tree, signed, with every
// record; deleting and updating make new commits with later revisions.
func TestRepositoryExport(t *testing.T) {
	n := atprototest.New(t)
	a := n.NewAccount("did:plc:testtesttesttesttesttest", atprototest.K256)
	first := a.Head()
	for i := range 20 {
		a.PutRecord(postCollection, syntax.RecordKey(fmt.Sprintf("r%02d", i)), post(i))
	}
	updated := a.PutRecord(postCollection, "r05", post(500))
	a.DeleteRecord(postCollection, "r07")

	commits := a.Commits()
	if len(commits) != 23 || !commits[0].CID.Equals(first.CID) || len(first.Ops) != 0 {
		t.Fatalf("got %d commits starting with %s, want 23 starting with the empty %s", len(commits), commits[0].CID, first.CID)
	}
	for i := 1; i < len(commits); i++ {
		if commits[i].Rev <= commits[i-1].Rev {
			t.Errorf("commit %d: got rev %s after %s, want a later one", i, commits[i].Rev, commits[i-1].Rev)
		}
	}
	wantOps := []atprototest.Op{
		{Action: "update", Path: postCollection + "/r05", CID: updated, Prev: commits[6].Ops[0].CID},
		{Action: "delete", Path: postCollection + "/r07", Prev: commits[8].Ops[0].CID},
	}
	for i, want := range wantOps {
		if got := commits[21+i].Ops; len(got) != 1 || got[0] != want {
			t.Errorf("commit %d: got ops %+v, want %+v", 21+i, got, want)
		}
	}

	body := get(t, n.PDS.URL(), "/xrpc/com.atproto.sync.getRepo", url.Values{"did": {string(a.DID)}})
	commit, r, err := repo.LoadRepoFromCAR(t.Context(), bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if err := commit.VerifySignature(a.SigningKey()); err != nil {
		t.Errorf("got signature error %v, want none", err)
	}
	if r.MST.IsPartial() {
		t.Error("got a partial tree, want the whole repository")
	}
	var keys []string
	err = r.MST.Walk(func(key []byte, val cid.Cid) error {
		keys = append(keys, string(key))
		if _, _, err := r.GetRecordBytes(context.Background(), postCollection, syntax.RecordKey(strings.TrimPrefix(string(key), postCollection+"/"))); err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 19 || slices.Contains(keys, postCollection+"/r07") {
		t.Errorf("got %d keys %v, want the 19 records left", len(keys), keys)
	}
}

// TestGetRecordJSON: repo.getRecord answers the record as published, and
// EditGetRecord changes the answer.
func TestGetRecordJSON(t *testing.T) {
	n := atprototest.New(t)
	a := n.NewAccount("", atprototest.P256)
	doc := `{"lexicon":1,"id":"com.example.test.thing","defs":{"main":{"type":"object","properties":{}}}}`
	c := a.PublishLexicon([]byte(doc))
	query := url.Values{"repo": {string(a.DID)}, "collection": {string(resolver.SchemaCollection)}, "rkey": {"com.example.test.thing"}}

	var got atprototest.RecordJSON
	if err := json.Unmarshal(get(t, n.PDS.URL(), "/xrpc/com.atproto.repo.getRecord", query), &got); err != nil {
		t.Fatal(err)
	}
	wantURI := "at://" + string(a.DID) + "/com.atproto.lexicon.schema/com.example.test.thing"
	wantValue := `{"$type":"com.atproto.lexicon.schema",` + doc[1:]
	if got.URI != wantURI || got.CID != c.String() || string(got.Value) != wantValue {
		t.Errorf("got %s %s %s, want %s %s %s", got.URI, got.CID, got.Value, wantURI, c, wantValue)
	}
	txt, err := n.DNS.LookupTXT(t.Context(), "_lexicon.test.example.com.")
	if err != nil || len(txt) != 1 || txt[0] != "did="+string(a.DID) {
		t.Errorf("got TXT %v (%v), want did=%s", txt, err, a.DID)
	}

	n.PDS.EditGetRecord(func(uri syntax.ATURI, ans *atprototest.RecordJSON) { ans.CID = "bafyother" })
	if err := json.Unmarshal(get(t, n.PDS.URL(), "/xrpc/com.atproto.repo.getRecord", query), &got); err != nil || got.CID != "bafyother" {
		t.Errorf("edited: got CID %s (%v), want bafyother", got.CID, err)
	}
}

// TestDocuments: the PLC directory and the Web host serve each account's
// document, with its current key and PDS.
func TestDocuments(t *testing.T) {
	n := atprototest.New(t)
	plc := n.NewAccount("", atprototest.P256)
	web := n.NewAccount("did:web:example.com", atprototest.K256)

	var doc struct {
		ID                 string `json:"id"`
		VerificationMethod []struct {
			ID, Type, Controller, PublicKeyMultibase string
		} `json:"verificationMethod"`
		Service []struct{ ID, Type, ServiceEndpoint string } `json:"service"`
	}
	if err := json.Unmarshal(get(t, n.PLC.URL(), "/"+string(plc.DID), nil), &doc); err != nil {
		t.Fatal(err)
	}
	vm := doc.VerificationMethod
	if doc.ID != string(plc.DID) || len(vm) != 1 || vm[0].ID != string(plc.DID)+"#atproto" || vm[0].Type != "Multikey" || vm[0].PublicKeyMultibase != plc.SigningKey().Multibase() {
		t.Errorf("got document %+v, want %s with its Multikey", doc, plc.DID)
	}
	if len(doc.Service) != 1 || doc.Service[0].ServiceEndpoint != n.PDS.URL() {
		t.Errorf("got services %+v, want the PDS", doc.Service)
	}

	plc.RotateKey(atprototest.K256)
	if err := json.Unmarshal(get(t, n.PLC.URL(), "/"+string(plc.DID), nil), &doc); err != nil {
		t.Fatal(err)
	}
	if got := doc.VerificationMethod[0].PublicKeyMultibase; got != plc.SigningKey().Multibase() || !strings.HasPrefix(got, "zQ3s") {
		t.Errorf("after rotation: got key %s, want the new k256 key %s", got, plc.SigningKey().Multibase())
	}

	client := &http.Client{Transport: &http.Transport{
		TLSClientConfig: tlsConfig(n.Web().RootCAs()),
		DialContext:     dialTo(n.Web().DialAddrs()),
	}}
	resp, err := client.Get("https://example.com/.well-known/did.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil || doc.ID != string(web.DID) {
		t.Errorf("did:web: got %s (%v), want %s", doc.ID, err, web.DID)
	}
}

// TestEditProof: a test can corrupt a proof, here by dropping the record.
func TestEditProof(t *testing.T) {
	n := atprototest.New(t)
	a := n.NewAccount("", atprototest.P256)
	c := a.PutRecord(postCollection, "r1", post(1))
	n.PDS.EditProof(func(uri syntax.ATURI, proof *atprototest.CAR) {
		if uri != a.URI(postCollection, "r1") {
			t.Errorf("got proof of %s, want %s", uri, a.URI(postCollection, "r1"))
		}
		proof.Blocks = slices.DeleteFunc(proof.Blocks, func(b atprototest.Block) bool { return b.CID.Equals(c) })
	})
	_, r, err := repo.LoadRepoFromCAR(t.Context(), bytes.NewReader(syncGetRecord(t, n, a.DID, postCollection, "r1")))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := r.GetRecordBytes(t.Context(), postCollection, "r1"); err == nil {
		t.Error("got the record from a proof without it, want an error")
	}
}

func tlsConfig(roots *x509.CertPool) *tls.Config {
	return &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
}

// dialTo connects to addrs[address] instead of address.
func dialTo(addrs map[string]string) func(ctx context.Context, network, address string) (net.Conn, error) {
	var d net.Dialer
	return func(ctx context.Context, network, address string) (net.Conn, error) {
		if a, ok := addrs[address]; ok {
			address = a
		}
		return d.DialContext(ctx, network, address)
	}
}
