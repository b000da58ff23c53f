package resolver

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/bluesky-social/indigo/atproto/atcrypto"
	"github.com/bluesky-social/indigo/atproto/syntax"
	"github.com/mr-tron/base58"
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
			got, err := parseDIDTXT(name, tt.txts)
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

func TestParseIdentity(t *testing.T) {
	const did = "did:plc:testtesttesttesttesttest"
	p256, err := atcrypto.GeneratePrivateKeyP256()
	if err != nil {
		t.Fatal(err)
	}
	k256, err := atcrypto.GeneratePrivateKeyK256()
	if err != nil {
		t.Fatal(err)
	}
	pubP256, _ := p256.PublicKey()
	pubK256, _ := k256.PublicKey()
	method := func(id, typ, controller, key string) map[string]any {
		return map[string]any{"id": id, "type": typ, "controller": controller, "publicKeyMultibase": key}
	}
	pds := []any{map[string]any{"id": "#atproto_pds", "type": "AtprotoPersonalDataServer", "serviceEndpoint": "https://pds.example.com"}}
	// The legacy encoding: uncompressed key bytes, base58btc, no multicodec.
	legacyP256 := "z" + base58.Encode(pubP256.UncompressedBytes())
	legacyK256 := "z" + base58.Encode(pubK256.UncompressedBytes())

	tests := []struct {
		name    string
		methods []any
		want    atcrypto.PublicKey // nil: no key, and keyErr names why
		keyErr  string
	}{
		{name: "p256 Multikey", methods: []any{method(did+"#atproto", "Multikey", did, pubP256.Multibase())}, want: pubP256},
		{name: "k256 Multikey", methods: []any{method(did+"#atproto", "Multikey", did, pubK256.Multibase())}, want: pubK256},
		{name: "relative id", methods: []any{method("#atproto", "Multikey", did, pubP256.Multibase())}, want: pubP256},
		{name: "legacy p256", methods: []any{method("#atproto", "EcdsaSecp256r1VerificationKey2019", did, legacyP256)}, want: pubP256},
		{name: "legacy k256", methods: []any{method("#atproto", "EcdsaSecp256k1VerificationKey2019", did, legacyK256)}, want: pubK256},
		{name: "legacy type, wrong curve", methods: []any{method("#atproto", "EcdsaSecp256r1VerificationKey2019", did, legacyK256)}, keyErr: "cannot be read"},
		{name: "legacy type, not base58btc", methods: []any{method("#atproto", "EcdsaSecp256k1VerificationKey2019", did, "m"+legacyK256[1:])}, keyErr: "not a base58btc"},
		{
			name: "the first valid key wins",
			methods: []any{
				method(did+"#other", "Multikey", did, pubK256.Multibase()),
				"not an object",
				method(did+"#atproto", "Multikey", did, "zNotAKey"),
				method(did+"#atproto", "Multikey", did, pubP256.Multibase()),
				method(did+"#atproto", "Multikey", did, pubK256.Multibase()),
			},
			want: pubP256,
		},
		{name: "no methods", keyErr: "no #atproto verification method"},
		{name: "another fragment only", methods: []any{method(did+"#label", "Multikey", did, pubP256.Multibase())}, keyErr: "no #atproto verification method"},
		{name: "another DID's fragment", methods: []any{method("did:plc:otherotherotherotherothe#atproto", "Multikey", did, pubP256.Multibase())}, keyErr: "no #atproto verification method"},
		{name: "another controller", methods: []any{method("#atproto", "Multikey", "did:plc:otherotherotherotherothe", pubP256.Multibase())}, keyErr: "controlled by"},
		{name: "unknown type", methods: []any{method("#atproto", "Ed25519VerificationKey2020", did, pubP256.Multibase())}, keyErr: "Ed25519VerificationKey2020"},
		{name: "not a key", methods: []any{method("#atproto", "Multikey", did, "zzz")}, keyErr: "cannot be read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, err := json.Marshal(map[string]any{"id": did, "verificationMethod": tt.methods, "service": pds})
			if err != nil {
				t.Fatal(err)
			}
			id, err := parseIdentity(did, body)
			if err != nil {
				t.Fatalf("got error %v, want an identity", err)
			}
			if id.DID != did || id.PDS.String() != "https://pds.example.com" || string(id.Document) != string(body) {
				t.Errorf("got DID %s, PDS %s, document %s; want %s, https://pds.example.com, the body", id.DID, id.PDS, id.Document, did)
			}
			if tt.want != nil {
				if id.SigningKey == nil || !id.SigningKey.Equal(tt.want) || id.SigningKeyError != nil {
					t.Errorf("got key %v (%v), want %s", id.SigningKey, id.SigningKeyError, tt.want.DIDKey())
				}
				return
			}
			if id.SigningKey != nil {
				t.Errorf("got key %s, want none", id.SigningKey.DIDKey())
			}
			if !errors.Is(id.SigningKeyError, ErrResolution) || !strings.Contains(fmt.Sprint(id.SigningKeyError), tt.keyErr) {
				t.Errorf("got key error %v, want one wrapping ErrResolution that mentions %q", id.SigningKeyError, tt.keyErr)
			}
		})
	}
}

func TestParseIdentityErrors(t *testing.T) {
	const did = "did:plc:testtesttesttesttesttest"
	service := func(id, typ string, endpoint any) map[string]any {
		return map[string]any{"id": id, "type": typ, "serviceEndpoint": endpoint}
	}
	tests := []struct {
		name string
		doc  any
		says string
	}{
		{name: "not JSON", doc: `{"id":`, says: "DID document of"},
		{name: "another DID", doc: map[string]any{"id": "did:plc:otherotherotherotherothe"}, says: "is for"},
		{name: "no service", doc: map[string]any{"id": did}, says: "no #atproto_pds service"},
		{name: "service of another type", doc: map[string]any{"id": did, "service": []any{service("#atproto_pds", "Other", "https://pds.example.com")}}, says: "no #atproto_pds service"},
		{name: "endpoint not a string", doc: map[string]any{"id": did, "service": []any{service("#atproto_pds", "AtprotoPersonalDataServer", map[string]any{"uri": "x"})}}, says: "not a URL string"},
		{name: "endpoint with a query", doc: map[string]any{"id": did, "service": []any{service("#atproto_pds", "AtprotoPersonalDataServer", "https://pds.example.com/?x=1")}}, says: "not an http(s) origin"},
		{name: "endpoint with user info", doc: map[string]any{"id": did, "service": []any{service("#atproto_pds", "AtprotoPersonalDataServer", "https://u:p@pds.example.com")}}, says: "not an http(s) origin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, err := json.Marshal(tt.doc)
			if raw, ok := tt.doc.(string); ok {
				body, err = []byte(raw), nil
			}
			if err != nil {
				t.Fatal(err)
			}
			id, err := parseIdentity(did, body)
			if !errors.Is(err, ErrResolution) || !strings.Contains(fmt.Sprint(err), tt.says) {
				t.Errorf("got %v, %v; want an error wrapping ErrResolution that mentions %q", id, err, tt.says)
			}
		})
	}
}
