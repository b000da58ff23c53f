package datamodel

import (
	"fmt"

	"github.com/ipfs/go-cid"
)

// CIDs in links: $link values (cid-link fields and blob refs) and the cid of
// a legacy blob.
//
// The data model (https://atproto.com/specs/data-model#link-and-cid-formats)
// says "only a specific "blessed" set of CID types are allowed": CID version
// 1, codec DRISL (dag-cbor, 0x71) or raw (0x55), hash sha-256 with a 32-byte
// digest, and "base32 (with b prefix) for string encoding". Such a CID is 36
// bytes (version, codec, hash code, digest length, digest), so its string is
// "b" and 58 characters of lower-case base32 (RFC 4648 alphabet, no padding)
// whose 2 unused low bits are zero.
//
// The `cid` string format is looser on purpose: the syntax fixtures
// (cid_syntax_valid.txt) accept other multibases and codecs, and the lexicon
// spec asks for "the most expansive identifier syntax" there.
//
// The blob spec names the raw codec for blob refs, but the interop fixture
// record-data-valid.json ("full") calls a blob whose ref has the dag-cbor codec
// valid; a blob ref may therefore use either blessed codec.

// blessedCIDLen is the length of a blessed CID string: "b" + ceil(36*8/5).
const blessedCIDLen = 1 + (36*8+4)/5

// BlessedCID reports whether s is a CID string of the blessed kind, as a
// $link, a blob ref or a legacy blob's cid must be. It does not allocate: it
// runs on every link of every value.
func BlessedCID(s string) bool {
	if len(s) != blessedCIDLen || s[0] != 'b' {
		return false
	}
	var head [4]byte // version, codec, hash code, digest length
	var acc uint32
	bits, n := 0, 0
	for i := 1; i < len(s); i++ {
		c := s[i]
		var v uint32
		switch {
		case 'a' <= c && c <= 'z':
			v = uint32(c - 'a')
		case '2' <= c && c <= '7':
			v = uint32(c-'2') + 26
		default:
			return false
		}
		acc = acc<<5 | v
		bits += 5
		if bits >= 8 {
			bits -= 8
			if n < len(head) {
				head[n] = byte(acc >> bits)
			}
			n++
			acc &= 1<<bits - 1
		}
	}
	if acc != 0 {
		return false // non-zero unused bits: not the canonical encoding
	}
	return head[0] == 0x01 && (head[1] == cid.DagCBOR || head[1] == cid.Raw) && head[2] == 0x12 && head[3] == 0x20
}

// linkCIDProblem says why s, which must not be a blessed CID, is not one. It
// names the first thing wrong so that a message can say what to change. The
// caller has run BlessedCID already (on every link, where it is cheap); this
// costs a full CID decode and runs only for links that failed it.
func linkCIDProblem(s string) string {
	c, err := cid.Decode(s)
	if err != nil || !c.Defined() {
		return "is not a valid CID"
	}
	p := c.Prefix()
	switch {
	case p.Version != 1:
		return fmt.Sprintf("is a CIDv%d (atproto links are CIDv1)", p.Version)
	case p.Codec != cid.DagCBOR && p.Codec != cid.Raw:
		return fmt.Sprintf("has codec 0x%x (atproto links use dag-cbor, 0x71, or raw, 0x55)", p.Codec)
	case p.MhType != 0x12 || p.MhLength != 32:
		return fmt.Sprintf("has hash 0x%x of %d bytes (atproto links use sha2-256, 32 bytes)", p.MhType, p.MhLength)
	}
	return `is not in lower-case base32 with the "b" prefix (the string encoding of atproto links)`
}
