package resolver

import (
	"errors"
	"testing"

	"github.com/bluesky-social/indigo/atproto/syntax"
)

func TestDIDDocumentURL(t *testing.T) {
	tests := []struct {
		did  string
		want string // "" for an error
	}{
		{did: "did:plc:ewvi7nxzyoun6zhxrhs64oiz", want: "https://plc.example/did:plc:ewvi7nxzyoun6zhxrhs64oiz"},
		{did: "did:web:example.com", want: "https://example.com/.well-known/did.json"},
		{did: "did:web:localhost%3A8080", want: "https://localhost:8080/.well-known/did.json"},
		{did: "did:web:example.com:user:alice"},
		{did: "did:web:example.com%2Fpath"},
		{did: "did:web:%3A80"},
		{did: "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"},
	}
	for _, tt := range tests {
		t.Run(tt.did, func(t *testing.T) {
			u, err := didDocumentURL("https://plc.example", syntax.DID(tt.did))
			if tt.want == "" {
				if !errors.Is(err, ErrResolution) {
					t.Errorf("got %v, %v; want an error wrapping ErrResolution", u, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if u.String() != tt.want {
				t.Errorf("got %s, want %s", u, tt.want)
			}
		})
	}
}

func TestParseLexiconTXT(t *testing.T) {
	const name = "_lexicon.test.example.com"
	tests := []struct {
		name string
		txts []string
		want syntax.DID
		is   error
	}{
		{name: "one DID", txts: []string{"did=did:plc:ewvi7nxzyoun6zhxrhs64oiz"}, want: "did:plc:ewvi7nxzyoun6zhxrhs64oiz"},
		{name: "beside other entries", txts: []string{"v=spf1 -all", "did=did:web:example.com"}, want: "did:web:example.com"},
		{name: "the same DID twice", txts: []string{"did=did:web:example.com", "did=did:web:example.com"}, want: "did:web:example.com"},
		{name: "two DIDs", txts: []string{"did=did:web:a.example", "did=did:web:b.example"}, is: ErrResolution},
		{name: "not a DID", txts: []string{"did=nope"}, is: ErrResolution},
		{name: "no did= entry", txts: []string{"v=spf1 -all"}, is: ErrNotFound},
		{name: "nothing", is: ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseLexiconTXT(name, tt.txts)
			if tt.is != nil {
				if !errors.Is(err, tt.is) {
					t.Errorf("got %q, %v; want an error wrapping %v", got, err, tt.is)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}
