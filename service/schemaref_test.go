package service

import (
	"errors"
	"testing"
)

func TestParseSchemaRef(t *testing.T) {
	const uri = "at://did:plc:6msi3pj7krzih5qxqtryxlzw/com.atproto.lexicon.schema/com.atproto.server.refreshSession"
	tests := []struct {
		name    string
		in      string
		wantURI string
		wantDef string // DefRef.String() + "#" + Name
		wantErr bool
	}{
		{name: "nsid", in: "app.bsky.feed.post", wantDef: "app.bsky.feed.post#main"},
		{name: "nsid with def", in: "app.bsky.feed.post#replyRef", wantDef: "app.bsky.feed.post#replyRef"},
		{name: "nsid with main", in: "app.bsky.feed.post#main", wantDef: "app.bsky.feed.post#main"},
		{name: "at-uri", in: uri, wantURI: uri, wantDef: "com.atproto.server.refreshSession#main"},
		{name: "at-uri with def", in: uri + "#foo", wantURI: uri, wantDef: "com.atproto.server.refreshSession#foo"},
		{name: "did:web authority", in: "at://did:web:example.com/com.atproto.lexicon.schema/com.example.thing", wantURI: "at://did:web:example.com/com.atproto.lexicon.schema/com.example.thing", wantDef: "com.example.thing#main"},

		{name: "empty", in: "", wantErr: true},
		{name: "not an nsid", in: "post", wantErr: true},
		{name: "empty fragment", in: "app.bsky.feed.post#", wantErr: true},
		{name: "bad def name", in: "app.bsky.feed.post#no/slash", wantErr: true},
		{name: "spaces", in: " app.bsky.feed.post", wantErr: true},
		{name: "handle authority", in: "at://alice.example.com/com.atproto.lexicon.schema/com.example.thing", wantErr: true},
		{name: "wrong collection", in: "at://did:plc:6msi3pj7krzih5qxqtryxlzw/app.bsky.feed.post/3jzfcijpj2z2a", wantErr: true},
		{name: "no record key", in: "at://did:plc:6msi3pj7krzih5qxqtryxlzw/com.atproto.lexicon.schema", wantErr: true},
		{name: "no collection", in: "at://did:plc:6msi3pj7krzih5qxqtryxlzw", wantErr: true},
		{name: "record key not an nsid", in: "at://did:plc:6msi3pj7krzih5qxqtryxlzw/com.atproto.lexicon.schema/self", wantErr: true},
		{name: "malformed at-uri", in: "at://did:plc:6msi3pj7krzih5qxqtryxlzw/com.atproto.lexicon.schema/a b", wantErr: true},
		{name: "at-uri bad fragment", in: uri + "#", wantErr: true},
		{name: "https url", in: "https://example.com/app.bsky.feed.post", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseSchemaRef(tt.in)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("ParseSchemaRef(%q) = %+v, want an error", tt.in, got)
				}
				if !errors.Is(err, ErrInvalidRequest) {
					t.Errorf("got error %v, want one wrapping ErrInvalidRequest", err)
				}
				if code := ErrorCode(err); code != CodeInvalidRequest {
					t.Errorf("got code %s, want %s", code, CodeInvalidRequest)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseSchemaRef(%q): %v", tt.in, err)
			}
			if string(got.URI) != tt.wantURI {
				t.Errorf("got URI %q, want %q", got.URI, tt.wantURI)
			}
			if def := string(got.Def.NSID) + "#" + got.Def.Name; def != tt.wantDef {
				t.Errorf("got def %q, want %q", def, tt.wantDef)
			}
		})
	}
}

func TestSchemaRefStringRoundTrip(t *testing.T) {
	for _, in := range []string{
		"app.bsky.feed.post",
		"app.bsky.feed.post#replyRef",
		"at://did:plc:6msi3pj7krzih5qxqtryxlzw/com.atproto.lexicon.schema/com.atproto.server.refreshSession",
		"at://did:plc:6msi3pj7krzih5qxqtryxlzw/com.atproto.lexicon.schema/com.atproto.server.refreshSession#foo",
	} {
		t.Run(in, func(t *testing.T) {
			ref, err := ParseSchemaRef(in)
			if err != nil {
				t.Fatal(err)
			}
			if got := ref.String(); got != in {
				t.Errorf("got %q, want %q", got, in)
			}
		})
	}
}

func TestParseRecordURI(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" for an error
	}{
		{in: "at://did:plc:abc/app.bsky.feed.post/3k2yihcrp6f2c", want: "at://did:plc:abc/app.bsky.feed.post/3k2yihcrp6f2c"},
		{in: "at://did:web:example.com/com.atproto.lexicon.schema/com.example.x", want: "at://did:web:example.com/com.atproto.lexicon.schema/com.example.x"},
		{in: "at://alice.example.com/app.bsky.feed.post/3k2yihcrp6f2c", want: "at://alice.example.com/app.bsky.feed.post/3k2yihcrp6f2c"}, // FetchRecord resolves the handle
		{in: "at://alice/app.bsky.feed.post/3k2yihcrp6f2c"},
		{in: "at://did:plc:abc/app.bsky.feed.post"},
		{in: "at://did:plc:abc"},
		{in: "did:plc:abc/app.bsky.feed.post/x"},
		{in: "at://did:plc:abc/not a collection/x"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseRecordURI(tt.in)
			switch {
			case tt.want == "" && ErrorCode(err) != CodeInvalidRequest:
				t.Errorf("got %q (%v), want an error with CodeInvalidRequest", got, err)
			case tt.want != "" && (err != nil || string(got) != tt.want):
				t.Errorf("got %q (%v), want %q", got, err, tt.want)
			}
		})
	}
}
