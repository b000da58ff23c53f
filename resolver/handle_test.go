package resolver_test

import (
	"errors"
	"maps"
	"net"
	"strings"
	"testing"

	"github.com/bluesky-social/indigo/atproto/syntax"

	"github.com/lexval/lexval/resolver"
)

// TestFetchRecordByHandle: a record AT-URI may name its author by handle.
// The handle is resolved (DNS TXT _atproto.<handle>, else
// https://<handle>/.well-known/atproto-did) and confirmed by the DID
// document claiming it back; the record is then fetched and proven as by
// DID, under its DID's AT-URI.
func TestFetchRecordByHandle(t *testing.T) {
	n := newTestNet(t)
	want := n.test.PutRecord(postCollection, "3k2yihcrp6f2c", post(7))
	wantOther := n.other.PutRecord(postCollection, "3k2yihcrp6f2c", post(8))
	n.test.SetHandle("alice.test")
	n.other.ClaimHandle("bob.example.com")
	n.Web().ServeHandle("bob.example.com", otherDID)
	n.DNS.SetTXT("_atproto.mallory.test", "did="+testDID) // alice's DID does not claim it
	n.DNS.SetTXT("_atproto.twice.test", "did="+testDID, "did="+otherDID)
	dial := maps.Clone(n.Web().DialAddrs())
	dial[net.JoinHostPort("nobody.example.com", "443")] = n.Web().Addr() // answers 404
	r := n.resolver(t, n.ResolverConfig(), resolver.Seams{DialAddrs: dial, RootCAs: n.Web().RootCAs()})

	for _, tt := range []struct {
		uri  syntax.ATURI
		did  syntax.DID
		want string
	}{
		{"at://alice.test/" + postCollection + "/3k2yihcrp6f2c", testDID, want.String()},
		{"at://Alice.TEST/" + postCollection + "/3k2yihcrp6f2c", testDID, want.String()},
		{"at://bob.example.com/" + postCollection + "/3k2yihcrp6f2c", otherDID, wantOther.String()},
	} {
		rec, err := r.FetchRecord(t.Context(), tt.uri)
		if err != nil {
			t.Errorf("%s: %v", tt.uri, err)
			continue
		}
		if wantURI := syntax.ATURI("at://" + string(tt.did) + "/" + postCollection + "/3k2yihcrp6f2c"); rec.URI != wantURI || rec.CID.String() != tt.want || rec.Proof.DID != tt.did {
			t.Errorf("%s: got %s %s (proof for %s), want %s %s", tt.uri, rec.URI, rec.CID, rec.Proof.DID, wantURI, tt.want)
		}
	}

	for _, tt := range []struct{ handle, says string }{
		{"mallory.test", "claims the handle alice.test instead"},
		{"twice.test", "names both"},
		{"nobody.example.com", "does not resolve"},
		{"alice.local", "reserved"},
	} {
		uri := syntax.ATURI("at://" + tt.handle + "/" + postCollection + "/3k2yihcrp6f2c")
		rec, err := r.FetchRecord(t.Context(), uri)
		if !errors.Is(err, resolver.ErrResolution) || errors.Is(err, resolver.ErrNotFound) || !strings.Contains(err.Error(), tt.says) {
			t.Errorf("%s: got %v (%v), want a resolution error saying %q, not a missing record", tt.handle, rec, err, tt.says)
		}
	}
}
