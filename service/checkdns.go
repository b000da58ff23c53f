package service

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/bluesky-social/indigo/atproto/syntax"

	"github.com/lexval/lexval/resolver"
)

// DNSStatus says whether an authority's DNS lets its lexicons resolve.
type DNSStatus string

const (
	DNSOK       DNSStatus = "ok"       // the record names the DID expected (or, none expected, a DID)
	DNSMissing  DNSStatus = "missing"  // no record, or one without did=
	DNSMismatch DNSStatus = "mismatch" // the record names another DID
	DNSInvalid  DNSStatus = "invalid"  // the record names two DIDs, or a malformed one
	DNSError    DNSStatus = "error"    // the lookup failed: nothing is known
)

// DNSCheck is the DNS of one authority of the lexicons checked: NSIDs that
// differ only in their last segment share one, and need one TXT record.
type DNSCheck struct {
	// Authority is the domain ("example.com" for com.example.post).
	Authority string `json:"authority"`
	// Name is the TXT record's name, _lexicon.<authority>.
	Name  string   `json:"name"`
	NSIDs []string `json:"nsids"`
	// TXT are the record's strings as found; empty when there is none.
	TXT []string `json:"txt"`
	// DID is the DID the record names, when it names one.
	DID     string    `json:"did,omitempty"`
	Status  DNSStatus `json:"status"`
	Message string    `json:"message"`
	// Record is the TXT record to create, in zone-file form
	// (`_lexicon.example.com. TXT "did=did:plc:…"`), when the status is
	// missing, mismatch or invalid. Without an expected DID, it holds the
	// placeholder YOUR-DID.
	Record string `json:"record,omitempty"`
}

// DNSPlaceholder stands for the publisher's DID in records to create when
// none was given.
const DNSPlaceholder = "YOUR-DID"

// CheckDNS looks up the _lexicon TXT record of each authority of nsids
// (once per authority, as resolution does it) and says whether it names
// want; without want, whether it names a DID at all. Checks come sorted by
// authority. A failed lookup is a check with status error, not an error;
// err is ctx's when it ends.
func (s *Service) CheckDNS(ctx context.Context, nsids []syntax.NSID, want syntax.DID) ([]DNSCheck, error) {
	byAuthority := make(map[string][]string)
	for _, n := range nsids {
		a := n.Authority()
		if !slices.Contains(byAuthority[a], string(n)) {
			byAuthority[a] = append(byAuthority[a], string(n))
		}
	}
	authorities := make([]string, 0, len(byAuthority))
	for a := range byAuthority {
		authorities = append(authorities, a)
	}
	slices.Sort(authorities)
	out := make([]DNSCheck, 0, len(authorities))
	for _, a := range authorities {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		group := byAuthority[a]
		slices.Sort(group)
		found, err := s.res.LookupLexiconAuthority(ctx, syntax.NSID(group[0]))
		c := DNSCheck{Authority: a, Name: found.Name, NSIDs: group, TXT: found.TXT, DID: string(found.DID)}
		if c.TXT == nil {
			c.TXT = []string{}
		}
		switch {
		case err != nil && len(found.TXT) == 0:
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			c.Status, c.Message = DNSError, cause(err)
		case err != nil:
			c.Status, c.Message = DNSInvalid, cause(err)
		case found.DID == "" && found.TXT == nil:
			c.Status, c.Message = DNSMissing, "no TXT record "+c.Name
		case found.DID == "":
			c.Status, c.Message = DNSMissing, c.Name+" has no did= entry"
		case want != "" && found.DID != want:
			c.Status, c.Message = DNSMismatch, fmt.Sprintf("%s names %s, not %s", c.Name, found.DID, want)
		default:
			c.Status, c.Message = DNSOK, fmt.Sprintf("%s names %s", c.Name, found.DID)
		}
		if c.Status != DNSOK && c.Status != DNSError {
			did := string(want)
			if did == "" {
				did = DNSPlaceholder
			}
			c.Record = fmt.Sprintf("%s. TXT \"did=%s\"", c.Name, did)
		}
		out = append(out, c)
	}
	return out, nil
}

// cause is err's text after the resolver's kind ("resolution failed: ").
func cause(err error) string {
	return strings.TrimPrefix(err.Error(), resolver.ErrResolution.Error()+": ")
}

// DNSChecksPass reports whether every check is ok.
func DNSChecksPass(cs []DNSCheck) bool {
	return !slices.ContainsFunc(cs, func(c DNSCheck) bool { return c.Status != DNSOK })
}
