package resolver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/bluesky-social/indigo/atproto/syntax"

	"github.com/lexval/lexval/lexdoc"
)

// lexiconDID finds the repository that publishes nsid: the did= value of the
// TXT record _lexicon.<authority>. The lookup does not recurse up or down the
// DNS tree; the specification forbids it.
func (n *network) lexiconDID(ctx context.Context, nsid syntax.NSID) (syntax.DID, error) {
	name := "_lexicon." + nsid.Authority()
	return lookup(ctx, n, n.dids, name, false, func(ctx context.Context) (syntax.DID, error) {
		did, err := n.lookupLexiconTXT(ctx, name)
		if err != nil {
			n.fetchErrors.Add(1)
		}
		return did, err
	})
}

func (n *network) lookupLexiconTXT(ctx context.Context, name string) (syntax.DID, error) {
	step := "DNS lookup of " + name
	release, err := n.acquire(ctx)
	if err != nil {
		return "", classify(step, err)
	}
	defer release()
	ctx, cancel := context.WithTimeout(ctx, n.cfg.Timeout)
	defer cancel()

	// The trailing dot makes the name fully qualified: without it the system
	// resolver would also try it under each search domain of resolv.conf,
	// which is exactly the recursion the specification forbids.
	txts, err := n.cfg.DNS.LookupTXT(ctx, name+".")
	if err != nil {
		var dnsErr *net.DNSError
		if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
			return "", fmt.Errorf("%w: no DNS TXT record %s: %w", ErrNotFound, name, &causeError{msg: dnsErr.Err, err: err})
		}
		// The error names the DNS server, which is the operator's business:
		// the log has it, the client gets the step and the answer's kind.
		n.log.Warn("DNS lookup failed", "name", name, "error", err)
		if errors.As(err, &dnsErr) && !dnsErr.Timeout() {
			return "", fmt.Errorf("%w: %s: %w", ErrResolution, step, &causeError{msg: dnsErr.Err, err: err})
		}
		return "", classify(step, err)
	}
	return parseLexiconTXT(name, txts)
}

// parseLexiconTXT picks the DID out of the TXT strings of name. Entries
// without the did= prefix are someone else's; several different DIDs leave
// the authority ambiguous.
func parseLexiconTXT(name string, txts []string) (syntax.DID, error) {
	var found syntax.DID
	for _, t := range txts {
		raw, ok := strings.CutPrefix(strings.TrimSpace(t), "did=")
		if !ok {
			continue
		}
		did, err := lexdoc.ParseDID(raw)
		if err != nil {
			return "", fmt.Errorf("%w: DNS TXT %s: %w", ErrResolution, name, err)
		}
		if found != "" && found != did {
			return "", fmt.Errorf("%w: DNS TXT %s names both %s and %s", ErrResolution, name, found, did)
		}
		found = did
	}
	if found == "" {
		return "", fmt.Errorf("%w: DNS TXT %s has no did= entry", ErrNotFound, name)
	}
	return found, nil
}
