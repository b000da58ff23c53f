package resolver

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/bluesky-social/indigo/atproto/syntax"
)

// maxHandleAnswer bounds the body of https://<handle>/.well-known/atproto-did:
// a DID, which is at most 2 KB.
const maxHandleAnswer = 4 << 10

// handleDID resolves handle to its account's DID and checks the claim both
// ways, as atproto requires: the handle names the DID (the DNS TXT record
// _atproto.<handle>, else https://<handle>/.well-known/atproto-did), and
// the DID document names the handle back (the first handle of its
// alsoKnownAs). Handles are compared in lower case; one under a TLD that
// atproto reserves (.local, .arpa, .internal, ...) is not resolved.
func (n *network) handleDID(ctx context.Context, h syntax.Handle) (syntax.DID, error) {
	h = h.Normalize()
	if !h.AllowedTLD() {
		return "", fmt.Errorf("%w: handle %s: its top-level domain is reserved, and never resolves", ErrResolution, h)
	}
	return lookup(ctx, n, n.handles, string(h), false, func(ctx context.Context) (syntax.DID, error) {
		did, err := n.handleClaim(ctx, h)
		if err != nil {
			n.fetchErrors.Add(1)
			return "", err
		}
		id, err := n.identity(ctx, did, false)
		if err != nil {
			return "", err
		}
		if claimed := id.Handle; claimed != h {
			return "", fmt.Errorf("%w: handle %s names %s, whose DID document claims %s instead (alsoKnownAs): the handle is not confirmed", ErrResolution, h, did, describeHandle(claimed))
		}
		return did, nil
	})
}

func describeHandle(h syntax.Handle) string {
	if h == "" {
		return "no handle"
	}
	return "the handle " + string(h)
}

// handleClaim is the DID handle names: the did= entry of the DNS TXT record
// _atproto.<handle> when there is one, else the answer of
// https://<handle>/.well-known/atproto-did.
func (n *network) handleClaim(ctx context.Context, h syntax.Handle) (syntax.DID, error) {
	name := "_atproto." + string(h)
	did, err := n.lookupDIDTXT(ctx, name)
	if !errors.Is(err, ErrNotFound) {
		return did, err
	}
	u := &url.URL{Scheme: "https", Host: string(h), Path: "/.well-known/atproto-did"}
	body, err := n.getAs(ctx, u.String(), u, "text/plain")
	if errors.Is(err, ErrNotFound) {
		// A handle that names nothing is no missing record: the error
		// must not read as one.
		return "", fmt.Errorf("%w: handle %s does not resolve: no DNS TXT record %s, and %v", ErrResolution, h, name, err)
	}
	if err != nil {
		return "", fmt.Errorf("handle %s: no DNS TXT record %s, and %w", h, name, err)
	}
	if len(body) > maxHandleAnswer {
		return "", fmt.Errorf("%w: %s: %d bytes, not a DID", ErrResolution, u, len(body))
	}
	did, err = syntax.ParseDID(strings.TrimSpace(string(body)))
	if err != nil {
		return "", fmt.Errorf("%w: %s: the answer is not a DID", ErrResolution, u)
	}
	return did, nil
}
