package resolver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/bluesky-social/indigo/atproto/syntax"

	"github.com/lexval/lexval/lexdoc"
)

// lexiconDID finds the repository that publishes nsid: the did= value of the
// TXT record _lexicon.<authority>. The lookup does not recurse up or down the
// DNS tree; the specification forbids it.
func (n *network) lexiconDID(ctx context.Context, nsid syntax.NSID) (syntax.DID, error) {
	name := "_lexicon." + nsid.Authority()
	return lookup(ctx, n, n.dids, name, false, func(ctx context.Context) (syntax.DID, error) {
		did, err := n.lookupDIDTXT(ctx, name)
		if err != nil {
			n.fetchErrors.Add(1)
		}
		return did, err
	})
}

func (n *network) lookupDIDTXT(ctx context.Context, name string) (syntax.DID, error) {
	release, err := n.acquire(ctx, "") // the operator's DNS server
	if err != nil {
		return "", classify("DNS lookup of "+name, err)
	}
	defer release()
	txts, err := lookupTXT(ctx, n.cfg.DNS, n.cfg.Timeout, n.log, name)
	if err != nil {
		return "", err
	}
	return parseDIDTXT(name, txts)
}

// lookupTXT asks dns for the TXT strings of name within timeout. A name that
// does not exist is an error wrapping ErrNotFound.
func lookupTXT(ctx context.Context, dns TXTResolver, timeout time.Duration, log *slog.Logger, name string) ([]string, error) {
	step := "DNS lookup of " + name
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	// The trailing dot makes the name fully qualified: without it the system
	// resolver would also try it under each search domain of resolv.conf,
	// which is exactly the recursion the specification forbids.
	txts, err := dns.LookupTXT(ctx, name+".")
	if err != nil {
		var dnsErr *net.DNSError
		if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
			return nil, fmt.Errorf("%w: no DNS TXT record %s: %w", ErrNotFound, name, &causeError{msg: dnsErr.Err, err: err})
		}
		// The error names the DNS server, which is the operator's business:
		// the log has it, the client gets the step and the answer's kind.
		log.Warn("DNS lookup failed", "name", name, "error", err)
		if errors.As(err, &dnsErr) && !dnsErr.Timeout() {
			return nil, fmt.Errorf("%w: %s: %w", ErrResolution, step, &causeError{msg: dnsErr.Err, err: err})
		}
		return nil, classify(step, err)
	}
	return txts, nil
}

// LexiconAuthority is what DNS says of the authority of a group of NSIDs:
// the TXT record that names the repository publishing its lexicons.
type LexiconAuthority struct {
	// Name is the record's name, "_lexicon." and the authority domain.
	Name string
	// TXT are the record's strings as served; nil when the name does not
	// exist.
	TXT []string
	// DID is the repository the record names; "" when it has no did=
	// entry.
	DID syntax.DID
}

// LookupLexiconAuthority looks up the _lexicon TXT record of nsid's
// authority as resolution does (fully qualified, no recursion), with the
// configured DNS and timeout, whether or not network resolution is on: for
// authors checking their DNS before they publish. A name that does not
// exist, or a record without did=, is not an error: the answer says so. An
// answer that names two DIDs or a malformed one is an error wrapping
// ErrResolution, returned with the TXT strings; a failed lookup is an
// error too (ErrResolution or ErrTimeout).
func (r *Resolver) LookupLexiconAuthority(ctx context.Context, nsid syntax.NSID) (LexiconAuthority, error) {
	a := LexiconAuthority{Name: "_lexicon." + nsid.Authority()}
	txts, err := lookupTXT(ctx, r.cfg.DNS, r.cfg.Timeout, r.cfg.Logger, a.Name)
	switch {
	case errors.Is(err, ErrNotFound):
		return a, nil
	case err != nil:
		return a, err
	}
	a.TXT = txts
	did, err := parseDIDTXT(a.Name, txts)
	switch {
	case errors.Is(err, ErrNotFound):
		return a, nil
	case err != nil:
		return a, err
	}
	a.DID = did
	return a, nil
}

// parseDIDTXT picks the DID out of the TXT strings of name (_lexicon.<authority>
// or _atproto.<handle>: both say did=<DID>). Entries
// without the did= prefix are someone else's; several different DIDs leave
// the authority ambiguous.
func parseDIDTXT(name string, txts []string) (syntax.DID, error) {
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
