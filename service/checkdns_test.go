package service

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/bluesky-social/indigo/atproto/syntax"

	"github.com/lexval/lexval/internal/atprototest"
	"github.com/lexval/lexval/resolver"
)

func TestCheckDNS(t *testing.T) {
	const did, other = "did:plc:goodgoodgoodgoodgoodgood", "did:plc:otherotherotherotherothe"
	dns := atprototest.NewDNS()
	dns.SetLexiconDID("com.example.good.post", did)
	dns.SetLexiconDID("com.example.moved.post", other)
	dns.SetTXT("_lexicon.nodid.example.com", "hello")
	dns.SetTXT("_lexicon.two.example.com", "did="+did, "did="+other)
	res, err := resolver.New(resolver.Config{DNS: dns})
	if err != nil {
		t.Fatal(err)
	}
	s := New(res)
	nsids := []syntax.NSID{"com.example.good.post", "com.example.good.like", "com.example.good.post", "com.example.moved.post", "com.example.missing.post", "com.example.nodid.post", "com.example.two.post"}
	type want struct {
		authority string
		nsids     string
		status    DNSStatus
		record    string
	}
	tests := []struct {
		name string
		want syntax.DID
		list []want
	}{
		{name: "with the DID expected", want: did, list: []want{
			{"good.example.com", "com.example.good.like com.example.good.post", DNSOK, ""},
			{"missing.example.com", "com.example.missing.post", DNSMissing, `_lexicon.missing.example.com. TXT "did=` + did + `"`},
			{"moved.example.com", "com.example.moved.post", DNSMismatch, `_lexicon.moved.example.com. TXT "did=` + did + `"`},
			{"nodid.example.com", "com.example.nodid.post", DNSMissing, `_lexicon.nodid.example.com. TXT "did=` + did + `"`},
			{"two.example.com", "com.example.two.post", DNSInvalid, `_lexicon.two.example.com. TXT "did=` + did + `"`},
		}},
		{name: "without a DID expected", list: []want{
			{"good.example.com", "com.example.good.like com.example.good.post", DNSOK, ""},
			{"missing.example.com", "com.example.missing.post", DNSMissing, `_lexicon.missing.example.com. TXT "did=YOUR-DID"`},
			{"moved.example.com", "com.example.moved.post", DNSOK, ""},
			{"nodid.example.com", "com.example.nodid.post", DNSMissing, `_lexicon.nodid.example.com. TXT "did=YOUR-DID"`},
			{"two.example.com", "com.example.two.post", DNSInvalid, `_lexicon.two.example.com. TXT "did=YOUR-DID"`},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.CheckDNS(context.Background(), nsids, tt.want)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.list) {
				t.Fatalf("got %d checks, want %d: %+v", len(got), len(tt.list), got)
			}
			for i, w := range tt.list {
				c := got[i]
				if c.Authority != w.authority || strings.Join(c.NSIDs, " ") != w.nsids || c.Status != w.status || c.Record != w.record || c.Message == "" {
					t.Errorf("check %d: got %+v, want %+v", i, c, w)
				}
			}
			if DNSChecksPass(got) {
				t.Error("DNSChecksPass: got true with authorities to fix")
			}
		})
	}
	t.Run("all good", func(t *testing.T) {
		got, err := s.CheckDNS(context.Background(), []syntax.NSID{"com.example.good.post"}, did)
		if err != nil || !DNSChecksPass(got) {
			t.Errorf("got %+v, %v; want a pass", got, err)
		}
	})
	t.Run("a failed lookup", func(t *testing.T) {
		dns.Fail(errors.New("server misbehaving"))
		defer dns.Fail(nil)
		got, err := s.CheckDNS(context.Background(), []syntax.NSID{"com.example.good.post"}, did)
		if err != nil || len(got) != 1 || got[0].Status != DNSError || got[0].Record != "" {
			t.Errorf("got %+v, %v; want one check with status error and no record", got, err)
		}
	})
}
