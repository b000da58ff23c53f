package resolver

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/bluesky-social/indigo/atproto/atcrypto"
	"github.com/bluesky-social/indigo/atproto/repo"
	"github.com/bluesky-social/indigo/atproto/repo/mst"
	"github.com/bluesky-social/indigo/atproto/syntax"
	blocks "github.com/ipfs/go-block-format"
	"github.com/ipfs/go-cid"

	"github.com/lexval/lexval/datamodel"
)

// Proof says how a record was proven to be its author's: the signed commit
// of the author's repository whose tree holds it. A plain value, to be kept
// (a store persists it) and shown as it is (the API's "proof" object).
type Proof struct {
	// DID is the repository's, the commit's and the AT-URI's authority.
	DID syntax.DID `json:"did"`
	// Rev is the commit's repository revision.
	Rev syntax.TID `json:"rev"`
	// Commit is the CID of the signed commit.
	Commit string `json:"commit"`
	// SigningKey is the did:key of the key that verified the commit's
	// signature: the #atproto key of the DID document.
	SigningKey string `json:"signingKey"`
	// VerifiedAt is when the proof was checked.
	VerifiedAt time.Time `json:"verifiedAt"`
}

// ErrProofInvalid: the upstream served a record it could not prove. Every
// *ProofError wraps it, with one of the reasons below.
var ErrProofInvalid = errors.New("record proof invalid")

// Why a proof was refused; a *ProofError wraps exactly one.
var (
	// ErrProofMalformed: the CAR is truncated or malformed (its header, a
	// section, a CID), or holds a block whose CID is not an atproto one
	// (CIDv1, dag-cbor, sha2-256).
	ErrProofMalformed = errors.New("truncated or malformed CAR")
	// ErrProofBlockHash: a block's bytes do not hash to its CID.
	ErrProofBlockHash = errors.New("block does not hash to its CID")
	// ErrProofIncomplete: a block the proof needs is missing: the commit,
	// an MST node on the path to the record, or the record.
	ErrProofIncomplete = errors.New("block missing from the proof")
	// ErrProofCommit: the first root is not a valid commit (version 3, a
	// DID, a TID rev, a signature).
	ErrProofCommit = errors.New("invalid commit")
	// ErrProofWrongDID: the commit is of another repository than the
	// AT-URI's.
	ErrProofWrongDID = errors.New("commit for another DID")
	// ErrProofNoKey: the DID document has no usable #atproto key.
	ErrProofNoKey = errors.New("no signing key")
	// ErrProofSignature: the signature does not verify with the DID
	// document's key, or is high-S.
	ErrProofSignature = errors.New("bad commit signature")
	// ErrProofAbsent: the signed tree does not hold the record (a proof of
	// absence) while the PDS serves it.
	ErrProofAbsent = errors.New("record not in the repository")
	// ErrProofDisagrees: com.atproto.repo.getRecord answers otherwise than
	// the proof: another record, CID or value.
	ErrProofDisagrees = errors.New("getRecord disagrees with the proof")
)

// ProofError is a refused proof: the record, the reason (one of the
// ErrProof* reasons) and what was found. It wraps ErrProofInvalid and Reason.
type ProofError struct {
	URI    syntax.ATURI
	Reason error
	Detail string
}

func (e *ProofError) Error() string {
	msg := fmt.Sprintf("%s: %s: %s", ErrProofInvalid, e.URI, e.Reason)
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	return msg
}

func (e *ProofError) Unwrap() []error { return []error{ErrProofInvalid, e.Reason} }

func proofError(uri syntax.ATURI, reason error, format string, args ...any) *ProofError {
	return &ProofError{URI: uri, Reason: reason, Detail: fmt.Sprintf(format, args...)}
}

// ProvenRecord is a record proven by its author's signed commit. Shared
// between callers and caches: treat every field as read-only.
type ProvenRecord struct {
	URI syntax.ATURI
	// CID is the record's CID, as the signed tree names it.
	CID cid.Cid
	// Block is the record's DAG-CBOR encoding, which hashes to CID: the
	// authority on the record's value.
	Block []byte
	// Value is Block decoded (datamodel.DecodeDAGCBOR): the tree DecodeJSON
	// builds from the record's JSON.
	Value any
	// JSON is Value as JSON text (datamodel.EncodeJSON).
	JSON  json.RawMessage
	Proof Proof
}

// VerifyProof checks car, a com.atproto.sync.getRecord answer, as the proof
// of the record at uri (whose authority is a DID) signed with key: the CAR
// parses and each block hashes to its CID; its first root is a valid commit
// of uri's DID; the commit's signature verifies with key (low-S, as atproto
// requires); the commit's tree holds the record at uri's collection and
// record key, and its block. The record's value is decoded from that block.
// A refusal is a *ProofError; a record block outside the data model is an
// error wrapping ErrInvalidRecord.
func VerifyProof(car []byte, uri syntax.ATURI, key atcrypto.PublicKey) (*ProvenRecord, error) {
	did, collection, rkey, err := recordURI(uri)
	if err != nil {
		return nil, err
	}
	p, err := readProof(car, uri, did)
	if err != nil {
		return nil, err
	}
	if err := p.verifySignature(key, nil); err != nil {
		return nil, err
	}
	return p.record(collection, rkey, time.Now())
}

// recordURI parses an AT-URI that names a record: a DID authority, a
// collection, a record key.
func recordURI(uri syntax.ATURI) (syntax.DID, syntax.NSID, syntax.RecordKey, error) {
	did, err := uri.Authority().AsDID()
	if err != nil {
		return "", "", "", fmt.Errorf("%w: %s: the authority must be a DID: %w", ErrInvalidQuery, uri, err)
	}
	collection, rkey := uri.Collection(), uri.RecordKey()
	if collection == "" || rkey == "" {
		return "", "", "", fmt.Errorf("%w: %s does not name a record (want at://DID/COLLECTION/RKEY)", ErrInvalidQuery, uri)
	}
	return did, collection, rkey, nil
}

// carProof is a read proof: its blocks, each hashed, and its commit, checked
// for structure and repository; not yet its signature.
type carProof struct {
	uri       syntax.ATURI
	commitCID cid.Cid
	commit    repo.Commit
	blocks    *repo.TinyBlockstore
	key       atcrypto.PublicKey // once verified
}

// readProof reads a CAR v1 (https://ipld.io/specs/transport/car/carv1/):
// a length-prefixed DAG-CBOR header {roots, version: 1}, then sections, each
// a length, a binary CID and the block.
//
// It reads the bytes in memory rather than through go-car's CarReader, which
// does re-hash every block but says so in an untyped error, and allocates
// each section's declared length (up to 32 MiB) before knowing that the
// input holds it. Here a length past the end is malformed, every CID must be
// atproto's (v1, dag-cbor, sha2-256), and its digest is checked against the
// block.
func readProof(car []byte, uri syntax.ATURI, did syntax.DID) (*carProof, error) {
	malformed := func(format string, args ...any) error {
		return proofError(uri, ErrProofMalformed, format, args...)
	}
	header, rest, err := carSection(car)
	if err != nil {
		return nil, malformed("header: %v", err)
	}
	root, err := carRoot(header)
	if err != nil {
		return nil, malformed("header: %v", err)
	}
	p := &carProof{uri: uri, commitCID: root, blocks: repo.NewTinyBlockstore()}
	for n := 1; len(rest) > 0; n++ {
		var section []byte
		if section, rest, err = carSection(rest); err != nil {
			return nil, malformed("section %d: %v", n, err)
		}
		size, c, err := cid.CidFromBytes(section)
		if err != nil {
			return nil, malformed("section %d: CID: %v", n, err)
		}
		data := section[size:]
		digest, ok := atprotoDigest(c)
		if !ok {
			return nil, malformed("section %d: block CID %s is not an atproto CID (v1, dag-cbor, sha2-256)", n, c)
		}
		if sum := sha256.Sum256(data); string(sum[:]) != digest {
			return nil, proofError(uri, ErrProofBlockHash, "section %d: the block stored as %s hashes to %s", n, c, blockCIDOf(sum))
		}
		blk, err := blocks.NewBlockWithCid(data, c)
		if err != nil { // only when go-block-format's debug checks disagree
			return nil, malformed("section %d: %v", n, err)
		}
		p.blocks.Put(context.Background(), blk)
	}

	blk, err := p.blocks.Get(context.Background(), root)
	if err != nil {
		return nil, proofError(uri, ErrProofIncomplete, "the commit %s (the first root) is not in the CAR", root)
	}
	if err := p.commit.UnmarshalCBOR(bytes.NewReader(blk.RawData())); err != nil {
		return nil, proofError(uri, ErrProofCommit, "the first root %s is not a commit: %v", root, err)
	}
	if err := p.commit.VerifyStructure(); err != nil {
		return nil, proofError(uri, ErrProofCommit, "%v", err)
	}
	if p.commit.DID != string(did) {
		return nil, proofError(uri, ErrProofWrongDID, "the commit is of %s", p.commit.DID)
	}
	return p, nil
}

// carSection splits off one length-prefixed section.
func carSection(b []byte) (section, rest []byte, err error) {
	n, size := binary.Uvarint(b)
	switch {
	case size == 0:
		return nil, nil, errors.New("truncated length")
	case size < 0:
		return nil, nil, errors.New("length overflows 64 bits")
	case n == 0:
		return nil, nil, errors.New("empty section")
	case n > uint64(len(b)-size):
		return nil, nil, fmt.Errorf("length %d runs past the end (%d bytes left): truncated", n, len(b)-size)
	}
	end := size + int(n)
	return b[size:end], b[end:], nil
}

// carRoot reads a CAR v1 header and returns its first root.
func carRoot(header []byte) (cid.Cid, error) {
	v, err := datamodel.DecodeDAGCBOR(header)
	if err != nil {
		return cid.Undef, err
	}
	m, _ := v.(map[string]any)
	if version, _ := m["version"].(json.Number); version != "1" {
		return cid.Undef, fmt.Errorf("version %s, want 1", datamodel.Describe(m["version"]))
	}
	roots, _ := m["roots"].([]any)
	if len(roots) == 0 {
		return cid.Undef, errors.New("no roots")
	}
	link, _ := roots[0].(map[string]any)
	s, _ := link["$link"].(string)
	if s == "" {
		return cid.Undef, errors.New("the first root is not a CID link")
	}
	return cid.Decode(s)
}

// atprotoDigest returns the sha2-256 digest c names, when c is a CIDv1 of
// a dag-cbor block: the only kind of block a repository holds.
func atprotoDigest(c cid.Cid) (string, bool) {
	k := c.KeyString() // the binary CID; no allocation
	const prefix = "\x01\x71\x12\x20"
	if len(k) != len(prefix)+sha256.Size || k[:len(prefix)] != prefix {
		return "", false
	}
	return k[len(prefix):], true
}

// blockCIDOf is the CID of a dag-cbor block with digest sum, for messages.
func blockCIDOf(sum [sha256.Size]byte) cid.Cid {
	c, err := cid.Cast(append([]byte("\x01\x71\x12\x20"), sum[:]...))
	if err != nil {
		return cid.Undef
	}
	return c
}

// verifySignature checks the commit's signature with key; a nil key is
// ErrProofNoKey, keyErr saying why there is none. indigo's
// Commit.VerifySignature calls atcrypto's HashAndVerify, which refuses
// high-S signatures (HashAndVerifyLenient is the one that accepts them).
func (p *carProof) verifySignature(key atcrypto.PublicKey, keyErr error) error {
	if key == nil {
		if keyErr == nil {
			keyErr = errors.New("none given")
		}
		return proofError(p.uri, ErrProofNoKey, "%v", keyErr)
	}
	if err := p.commit.VerifySignature(key); err != nil {
		return proofError(p.uri, ErrProofSignature, "the commit %s (rev %s) does not verify with %s: %v", p.commitCID, p.commit.Rev, key.DIDKey(), err)
	}
	p.key = key
	return nil
}

// record walks the commit's tree to collection/rkey and returns the record
// with its proof, verified at now. A tree that lacks the key is
// ErrProofAbsent; one that lacks a node on the way, or the record's block,
// ErrProofIncomplete.
func (p *carProof) record(collection syntax.NSID, rkey syntax.RecordKey, now time.Time) (*ProvenRecord, error) {
	if p.key == nil {
		return nil, proofError(p.uri, ErrProofNoKey, "the signature was not verified")
	}
	ctx := context.Background() // the blocks are in memory
	tree, err := mst.LoadTreeFromStore(ctx, p.blocks, p.commit.Data)
	if err != nil {
		return nil, proofError(p.uri, ErrProofIncomplete, "the tree's root %s: %v", p.commit.Data, err)
	}
	r := repo.Repo{DID: syntax.DID(p.commit.DID), MST: *tree, RecordStore: p.blocks}
	c, err := r.GetRecordCID(ctx, collection, rkey)
	switch {
	case errors.Is(err, repo.ErrNotFound):
		return nil, proofError(p.uri, ErrProofAbsent, "the tree of rev %s proves it absent", p.commit.Rev)
	case errors.Is(err, mst.ErrPartialTree):
		return nil, proofError(p.uri, ErrProofIncomplete, "an MST node on the path to %s/%s", collection, rkey)
	case err != nil:
		return nil, proofError(p.uri, ErrProofMalformed, "walking the tree: %v", err)
	}
	blk, err := p.blocks.Get(ctx, *c)
	if err != nil {
		return nil, proofError(p.uri, ErrProofIncomplete, "the record block %s", c)
	}
	// The block was hashed when read: it is the one the tree names. A copy,
	// so that a cached record does not keep the whole CAR alive.
	block := bytes.Clone(blk.RawData())
	v, err := datamodel.DecodeDAGCBOR(block)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: the proven record: %w", ErrInvalidRecord, p.uri, err)
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, fmt.Errorf("%w: %s: the proven record is %s, not an object", ErrInvalidRecord, p.uri, datamodel.KindOf(v))
	}
	text, err := datamodel.EncodeJSON(v)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: the proven record: %w", ErrInvalidRecord, p.uri, err)
	}
	return &ProvenRecord{
		URI:   p.uri,
		CID:   *c,
		Block: block,
		Value: v,
		JSON:  text,
		Proof: Proof{
			DID:        syntax.DID(p.commit.DID),
			Rev:        syntax.TID(p.commit.Rev),
			Commit:     p.commitCID.String(),
			SigningKey: p.key.DIDKey(),
			VerifiedAt: now.UTC(),
		},
	}, nil
}
