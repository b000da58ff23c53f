package atprototest

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/bluesky-social/indigo/atproto/syntax"

	"github.com/lexval/lexval/resolver"
)

// DNS answers TXT lookups from memory. Names are looked up fully qualified
// (with the trailing dot), as the resolver must; a name without it fails,
// as a search-domain expansion could answer it on a real system. Names it
// does not hold do not exist.
type DNS struct {
	mu      sync.Mutex
	records map[string][]string // by name without the trailing dot
	err     error
	lookups atomic.Int64
}

var _ resolver.TXTResolver = (*DNS)(nil)

// NewDNS returns a DNS with no records.
func NewDNS() *DNS { return &DNS{records: map[string][]string{}} }

// LookupTXT answers a TXT query.
func (d *DNS) LookupTXT(ctx context.Context, name string) ([]string, error) {
	d.lookups.Add(1)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.err != nil {
		return nil, d.err
	}
	fqdn, ok := strings.CutSuffix(name, ".")
	if !ok {
		return nil, fmt.Errorf("fake DNS: %q is not fully qualified", name)
	}
	if txt, ok := d.records[fqdn]; ok {
		return txt, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

// SetTXT sets the TXT strings of name (written without the trailing dot);
// none removes the name.
func (d *DNS) SetTXT(name string, txts ...string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(txts) == 0 {
		delete(d.records, name)
		return
	}
	d.records[name] = txts
}

// SetLexiconDID makes did the publisher of the lexicons of nsid's
// authority: the TXT record _lexicon.<authority> says did=<did>.
func (d *DNS) SetLexiconDID(nsid syntax.NSID, did syntax.DID) {
	d.SetTXT("_lexicon."+nsid.Authority(), "did="+string(did))
}

// Fail makes every lookup fail with err; nil makes it answer again.
func (d *DNS) Fail(err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.err = err
}

// Lookups counts the lookups asked.
func (d *DNS) Lookups() int64 { return d.lookups.Load() }
