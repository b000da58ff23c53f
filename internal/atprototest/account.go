package atprototest

import (
	"bytes"
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/bluesky-social/indigo/atproto/atcrypto"
	"github.com/bluesky-social/indigo/atproto/syntax"
	"github.com/ipfs/go-cid"

	"github.com/lexval/lexval/resolver"
)

// KeyType is the curve of an account's signing key.
type KeyType int

const (
	P256 KeyType = iota // NIST P-256 (secp256r1)
	K256                // secp256k1
)

func (k KeyType) String() string {
	if k == K256 {
		return "k256"
	}
	return "p256"
}

// generateKey returns a new key pair of type k.
func generateKey(k KeyType) (atcrypto.PrivateKeyExportable, atcrypto.PublicKey, error) {
	var priv atcrypto.PrivateKeyExportable
	var err error
	if k == K256 {
		priv, err = atcrypto.GeneratePrivateKeyK256()
	} else {
		priv, err = atcrypto.GeneratePrivateKeyP256()
	}
	if err != nil {
		return nil, nil, err
	}
	pub, err := priv.PublicKey()
	return priv, pub, err
}

// Account is a DID with a signing key and a repository on the PDS; its DID
// document is served by the PLC directory (did:plc) or the Web host
// (did:web). Safe for concurrent use.
type Account struct {
	DID syntax.DID
	net *Network

	mu  sync.Mutex
	key atcrypto.PrivateKeyExportable
	pub atcrypto.PublicKey // key's
	pds string             // the #atproto_pds endpoint its document names; "" for none
	// handle is the handle its document claims (alsoKnownAs); "" for none.
	handle syntax.Handle
	repo   *repoState
}

// NewAccount creates an account with a new key of type kt and an empty
// repository (one signed commit). An empty did picks a new did:plc; a
// did:web must name example.com or one of its subdomains (optionally with a
// port, written %3A), the names the Web host's certificate covers.
func (n *Network) NewAccount(did syntax.DID, kt KeyType) *Account {
	n.t.Helper()
	if did == "" {
		did = n.nextPLCDID()
	}
	key, pub, err := generateKey(kt)
	if err != nil {
		n.t.Fatalf("atprototest: %s key for %s: %v", kt, did, err)
	}
	a := &Account{DID: did, net: n, key: key, pub: pub, pds: n.PDS.URL()}
	a.repo, err = newRepo(did, key)
	if err != nil {
		n.t.Fatalf("atprototest: repository of %s: %v", did, err)
	}
	switch did.Method() {
	case "plc":
		n.PLC.register(a)
	case "web":
		n.Web().register(a)
	default:
		n.t.Fatalf("atprototest: %s: only did:plc and did:web accounts can be served", did)
	}
	n.PDS.host(a)
	return a
}

// nextPLCDID makes up a did:plc (24 base32 characters, as real ones have).
func (n *Network) nextPLCDID() syntax.DID {
	n.mu.Lock()
	n.dids++
	i := n.dids
	n.mu.Unlock()
	sum := sha256.Sum256(binary.BigEndian.AppendUint64([]byte(n.t.Name()), i))
	id := strings.ToLower(base32.StdEncoding.EncodeToString(sum[:]))[:24]
	return syntax.DID("did:plc:" + id)
}

// SigningKey is the public key of the account's current signing key.
func (a *Account) SigningKey() atcrypto.PublicKey {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.pub
}

// PrivateKey is the account's current signing key, for tests that sign
// something themselves.
func (a *Account) PrivateKey() atcrypto.PrivateKeyExportable {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.key
}

// RotateKey gives the account a new signing key of type kt: its DID
// document names the new key at once, and the next commit is signed with
// it. The current commit stays signed by the old key, as after a real
// rotation until the next write.
func (a *Account) RotateKey(kt KeyType) {
	key, pub, err := generateKey(kt)
	if err != nil {
		a.net.t.Fatalf("atprototest: %s key for %s: %v", kt, a.DID, err)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.key, a.pub = key, pub
}

// SetPDS sets the #atproto_pds endpoint the DID document names (by default
// the PDS's URL); "" leaves the service out. The repository stays on the
// PDS.
func (a *Account) SetPDS(endpoint string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.pds = endpoint
}

// SetHandle makes the account's DID document claim h (alsoKnownAs
// at://h) and the DNS TXT record _atproto.<h> name the account's DID: a
// handle confirmed both ways. ClaimHandle sets one side only.
func (a *Account) SetHandle(h syntax.Handle) {
	a.ClaimHandle(h)
	a.net.DNS.SetTXT("_atproto."+string(h), "did="+string(a.DID))
}

// ClaimHandle makes the account's DID document claim h, and nothing else:
// "" claims none.
func (a *Account) ClaimHandle(h syntax.Handle) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.handle = h
}

// MoveTo serves the account's repository from p too, and names p in its
// DID document.
func (a *Account) MoveTo(p *PDS) {
	p.host(a)
	a.SetPDS(p.URL())
}

// Document is the account's DID document: its #atproto Multikey and its
// #atproto_pds service.
func (a *Account) Document() map[string]any {
	a.mu.Lock()
	defer a.mu.Unlock()
	did := string(a.DID)
	doc := map[string]any{
		"@context": []string{"https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"},
		"id":       did,
		"verificationMethod": []any{map[string]any{
			"id":                 did + "#atproto",
			"type":               "Multikey",
			"controller":         did,
			"publicKeyMultibase": a.pub.Multibase(),
		}},
	}
	if a.handle != "" {
		doc["alsoKnownAs"] = []string{"at://" + string(a.handle)}
	}
	if a.pds != "" {
		doc["service"] = []any{map[string]any{
			"id":              "#atproto_pds",
			"type":            "AtprotoPersonalDataServer",
			"serviceEndpoint": a.pds,
		}}
	}
	return doc
}

// URI is the AT-URI of the account's record collection/rkey.
func (a *Account) URI(collection syntax.NSID, rkey syntax.RecordKey) syntax.ATURI {
	return syntax.ATURI("at://" + string(a.DID) + "/" + string(collection) + "/" + string(rkey))
}

// PutRecord creates or updates the record collection/rkey with value (a
// JSON object within the data model) in a new signed commit, and returns
// the record's CID. repo.getRecord serves value's bytes as they are.
func (a *Account) PutRecord(collection syntax.NSID, rkey syntax.RecordKey, value []byte) cid.Cid {
	a.net.t.Helper()
	a.mu.Lock()
	defer a.mu.Unlock()
	c, err := a.repo.put(a.key, collection, rkey, value)
	if err != nil {
		a.net.t.Fatalf("atprototest: put %s: %v", a.URI(collection, rkey), err)
	}
	return c
}

// DeleteRecord deletes the record collection/rkey in a new signed commit.
func (a *Account) DeleteRecord(collection syntax.NSID, rkey syntax.RecordKey) {
	a.net.t.Helper()
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := a.repo.delete(a.key, collection, rkey); err != nil {
		a.net.t.Fatalf("atprototest: delete %s: %v", a.URI(collection, rkey), err)
	}
}

// PublishLexicon publishes a lexicon document as the account's
// com.atproto.lexicon.schema record keyed by its id (adding the $type when
// it has none), makes the account the publisher of its authority in DNS,
// and returns the record's CID.
func (a *Account) PublishLexicon(doc []byte) cid.Cid {
	a.net.t.Helper()
	var head struct {
		ID   string  `json:"id"`
		Type *string `json:"$type"`
	}
	if err := json.Unmarshal(doc, &head); err != nil {
		a.net.t.Fatalf("atprototest: lexicon document: %v", err)
	}
	nsid, err := syntax.ParseNSID(head.ID)
	if err != nil {
		a.net.t.Fatalf("atprototest: lexicon document id: %v", err)
	}
	if head.Type == nil {
		body, ok := bytes.CutPrefix(bytes.TrimSpace(doc), []byte("{"))
		if !ok {
			a.net.t.Fatalf("atprototest: lexicon document %s is not an object", nsid)
		}
		sep := ","
		if bytes.HasPrefix(bytes.TrimSpace(body), []byte("}")) {
			sep = ""
		}
		doc = append([]byte(fmt.Sprintf(`{"$type":%q`, resolver.SchemaCollection)+sep), body...)
	}
	c := a.PutRecord(resolver.SchemaCollection, syntax.RecordKey(nsid), doc)
	a.net.DNS.SetLexiconDID(nsid, a.DID)
	return c
}

// Head is the account's current commit.
func (a *Account) Head() Commit {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.repo.head()
}

// Commits lists the account's commits, oldest first.
func (a *Account) Commits() []Commit {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]Commit(nil), a.repo.commits...)
}
