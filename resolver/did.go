package resolver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/bluesky-social/indigo/atproto/atcrypto"
	"github.com/bluesky-social/indigo/atproto/syntax"
	"github.com/mr-tron/base58"
)

// Identity is what an account's DID document says about it: where its
// repository is hosted and which key signs its commits. Identities are
// shared between callers and caches: treat every field as read-only.
type Identity struct {
	DID syntax.DID
	// PDS is the #atproto_pds service endpoint, an http(s) origin.
	PDS *url.URL
	// SigningKey is the #atproto verification method's public key (p256
	// or k256). It is nil when the document declares no usable one, and
	// SigningKeyError, wrapping ErrResolution, then says why: a record
	// needs no key to be fetched, only to be proven.
	SigningKey      atcrypto.PublicKey
	SigningKeyError error
	// Handle is the handle the document claims (the first valid at://
	// handle of alsoKnownAs, in lower case), "" for none. It is a claim:
	// the handle resolving to the DID confirms it (network.handleDID).
	Handle syntax.Handle
	// Document is the DID document as served.
	Document json.RawMessage
	// ResolvedAt is when the document was fetched.
	ResolvedAt time.Time
}

// didDocument holds the fields of a DID document the resolver reads. The
// entries of both lists are decoded one by one: an entry the resolver does
// not understand is not one it uses, and does not spoil the others.
type didDocument struct {
	ID                 string            `json:"id"`
	AlsoKnownAs        []json.RawMessage `json:"alsoKnownAs"`
	VerificationMethod []json.RawMessage `json:"verificationMethod"`
	Service            []json.RawMessage `json:"service"`
}

type didService struct {
	ID              string `json:"id"`
	Type            string `json:"type"`
	ServiceEndpoint any    `json:"serviceEndpoint"`
}

type didVerificationMethod struct {
	ID                 string `json:"id"`
	Type               string `json:"type"`
	Controller         string `json:"controller"`
	PublicKeyMultibase string `json:"publicKeyMultibase"`
}

// identity returns did's identity from the cache or its DID document;
// fresh skips the cache (the answer is cached).
func (n *network) identity(ctx context.Context, did syntax.DID, fresh bool) (*Identity, error) {
	return lookup(ctx, n, n.identities, string(did), fresh, func(ctx context.Context) (*Identity, error) {
		u, err := didDocumentURL(n.cfg.PLCURL, did)
		if err != nil {
			return nil, err
		}
		body, err := n.getJSON(ctx, "DID document of "+string(did), u)
		if err != nil {
			return nil, err
		}
		id, err := parseIdentity(did, body)
		if err != nil {
			return nil, err
		}
		id.ResolvedAt = n.now().UTC()
		return id, nil
	})
}

// didDocumentURL locates did's document: the PLC directory for did:plc, the
// host's well-known path for did:web (host names only, as atproto requires).
func didDocumentURL(plc string, did syntax.DID) (*url.URL, error) {
	switch did.Method() {
	case "plc":
		u, err := url.Parse(plc)
		if err != nil {
			return nil, fmt.Errorf("%w: PLC directory URL: %w", ErrResolution, err)
		}
		return u.JoinPath(string(did)), nil
	case "web":
		host, err := didWebHost(did)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrResolution, did, err)
		}
		return &url.URL{Scheme: "https", Host: host, Path: "/.well-known/did.json"}, nil
	}
	return nil, fmt.Errorf("%w: %s: DID method %q is not supported (want plc or web)", ErrResolution, did, did.Method())
}

// didWebHost returns the host (and port) a did:web names. Colons separate
// path segments in did:web, which atproto does not allow; a port is written
// %3A.
func didWebHost(did syntax.DID) (string, error) {
	id := did.Identifier()
	if strings.Contains(id, ":") {
		return "", fmt.Errorf("did:web with a path is not supported")
	}
	host, err := url.PathUnescape(id)
	if err != nil {
		return "", err
	}
	u, err := url.Parse("https://" + host + "/")
	if err != nil || u.Host != host || u.Hostname() == "" {
		return "", fmt.Errorf("%q is not a host name", host)
	}
	return host, nil
}

// parseIdentity reads did's document: it must be the document of did and
// name an http(s) origin as its PDS.
func parseIdentity(did syntax.DID, body []byte) (*Identity, error) {
	var doc didDocument
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("%w: DID document of %s: %w", ErrResolution, did, err)
	}
	if doc.ID != string(did) {
		return nil, fmt.Errorf("%w: DID document of %s is for %q", ErrResolution, did, doc.ID)
	}
	pds, err := pdsEndpoint(did, doc.Service)
	if err != nil {
		return nil, err
	}
	id := &Identity{DID: did, PDS: pds, Handle: claimedHandle(doc.AlsoKnownAs), Document: body}
	id.SigningKey, id.SigningKeyError = signingKey(did, doc.VerificationMethod)
	return id, nil
}

// claimedHandle is the first syntactically valid handle among a DID
// document's alsoKnownAs URIs ("at://" and the handle, nothing else), in
// lower case; other entries are ignored, as the DID specification says.
func claimedHandle(aka []json.RawMessage) syntax.Handle {
	for _, raw := range aka {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			continue
		}
		rest, ok := strings.CutPrefix(s, "at://")
		if !ok {
			continue
		}
		if h, err := syntax.ParseHandle(rest); err == nil {
			return h.Normalize()
		}
	}
	return ""
}

// fragmentID reports whether id names the fragment of did's document, in
// the relative ("#atproto") or the absolute ("did:...#atproto") form.
func fragmentID(id string, did syntax.DID, fragment string) bool {
	return id == "#"+fragment || id == string(did)+"#"+fragment
}

// pdsEndpoint returns the first #atproto_pds service of the document.
func pdsEndpoint(did syntax.DID, services []json.RawMessage) (*url.URL, error) {
	for _, raw := range services {
		var s didService
		if json.Unmarshal(raw, &s) != nil || !fragmentID(s.ID, did, "atproto_pds") || s.Type != "AtprotoPersonalDataServer" {
			continue
		}
		raw, ok := s.ServiceEndpoint.(string)
		if !ok {
			return nil, fmt.Errorf("%w: DID document of %s: the #atproto_pds endpoint is not a URL string", ErrResolution, did)
		}
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("%w: DID document of %s: the #atproto_pds endpoint %q is not an http(s) origin", ErrResolution, did, raw)
		}
		return u, nil
	}
	return nil, fmt.Errorf("%w: DID document of %s has no #atproto_pds service", ErrResolution, did)
}

// signingKey returns the first valid #atproto key of the document, as the
// DID specification asks: controlled by did itself, a Multikey (or, in the
// legacy encoding the specification still allows, a p256 or k256 key).
func signingKey(did syntax.DID, methods []json.RawMessage) (atcrypto.PublicKey, error) {
	var first error // why the first #atproto entry is unusable
	for _, raw := range methods {
		var m didVerificationMethod
		if json.Unmarshal(raw, &m) != nil || !fragmentID(m.ID, did, "atproto") {
			continue
		}
		key, err := parseKey(did, m)
		if err == nil {
			return key, nil
		}
		if first == nil {
			first = err
		}
	}
	if first != nil {
		return nil, fmt.Errorf("%w: DID document of %s: the #atproto key %w", ErrResolution, did, first)
	}
	return nil, fmt.Errorf("%w: DID document of %s has no #atproto verification method", ErrResolution, did)
}

func parseKey(did syntax.DID, m didVerificationMethod) (atcrypto.PublicKey, error) {
	if m.Controller != string(did) {
		return nil, fmt.Errorf("is controlled by %q, not the DID itself", m.Controller)
	}
	var key atcrypto.PublicKey
	var err error
	switch m.Type {
	case "Multikey":
		key, err = atcrypto.ParsePublicMultibase(m.PublicKeyMultibase)
	case legacyP256, legacyK256:
		key, err = parseLegacyKey(m)
	default:
		return nil, fmt.Errorf("has type %q, not Multikey", m.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("(%s) cannot be read: %w", m.Type, err)
	}
	return key, nil
}

// The legacy key types, which name the curve.
const (
	legacyP256 = "EcdsaSecp256r1VerificationKey2019"
	legacyK256 = "EcdsaSecp256k1VerificationKey2019"
)

// parseLegacyKey reads the legacy encoding: base58btc ("z") of the
// uncompressed key bytes, without a multicodec prefix.
func parseLegacyKey(m didVerificationMethod) (atcrypto.PublicKey, error) {
	raw, ok := strings.CutPrefix(m.PublicKeyMultibase, "z")
	if !ok || raw == "" {
		return nil, errors.New("not a base58btc multibase string")
	}
	b, err := base58.Decode(raw)
	if err != nil {
		return nil, err
	}
	if m.Type == legacyP256 {
		return atcrypto.ParsePublicUncompressedBytesP256(b)
	}
	return atcrypto.ParsePublicUncompressedBytesK256(b)
}
