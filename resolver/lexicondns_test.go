package resolver_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/bluesky-social/indigo/atproto/syntax"

	"github.com/lexval/lexval/internal/atprototest"
	"github.com/lexval/lexval/resolver"
)

// TestLookupLexiconAuthority: what DNS says of an authority, with network
// resolution off, for authors checking their records.
func TestLookupLexiconAuthority(t *testing.T) {
	dns := atprototest.NewDNS()
	dns.SetTXT("_lexicon.good.example.com", "did=did:plc:goodgoodgoodgoodgoodgood", "v=spf1 -all")
	dns.SetTXT("_lexicon.nodid.example.com", "hello")
	dns.SetTXT("_lexicon.two.example.com", "did=did:plc:aaaaaaaaaaaaaaaaaaaaaaaa", "did=did:plc:bbbbbbbbbbbbbbbbbbbbbbbb")
	dns.SetTXT("_lexicon.bad.example.com", "did=not-a-did")
	res, err := resolver.New(resolver.Config{DNS: dns})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		nsid    string
		name    string
		txt     []string
		did     string
		wantErr error
	}{
		{nsid: "com.example.good.post", name: "_lexicon.good.example.com", txt: []string{"did=did:plc:goodgoodgoodgoodgoodgood", "v=spf1 -all"}, did: "did:plc:goodgoodgoodgoodgoodgood"},
		{nsid: "com.example.missing.post", name: "_lexicon.missing.example.com"},
		{nsid: "com.example.nodid.post", name: "_lexicon.nodid.example.com", txt: []string{"hello"}},
		{nsid: "com.example.two.post", name: "_lexicon.two.example.com", txt: []string{"did=did:plc:aaaaaaaaaaaaaaaaaaaaaaaa", "did=did:plc:bbbbbbbbbbbbbbbbbbbbbbbb"}, wantErr: resolver.ErrResolution},
		{nsid: "com.example.bad.post", name: "_lexicon.bad.example.com", txt: []string{"did=not-a-did"}, wantErr: resolver.ErrResolution},
	}
	for _, tt := range tests {
		t.Run(tt.nsid, func(t *testing.T) {
			a, err := res.LookupLexiconAuthority(context.Background(), syntax.NSID(tt.nsid))
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("got error %v, want %v", err, tt.wantErr)
			}
			if a.Name != tt.name || !slices.Equal(a.TXT, tt.txt) || string(a.DID) != tt.did {
				t.Errorf("got %+v, want name %s, TXT %q, DID %q", a, tt.name, tt.txt, tt.did)
			}
		})
	}
	t.Run("a failing lookup", func(t *testing.T) {
		dns.Fail(errors.New("server misbehaving"))
		defer dns.Fail(nil)
		if _, err := res.LookupLexiconAuthority(context.Background(), "com.example.good.post"); !errors.Is(err, resolver.ErrResolution) {
			t.Errorf("got %v, want ErrResolution", err)
		}
	})
}
