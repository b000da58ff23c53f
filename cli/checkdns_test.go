package cli

import (
	"errors"
	"testing"

	"github.com/lexval/lexval/internal/atprototest"
)

// useDNS makes the resolver's DNS lookups go to a fake DNS for the test.
func useDNS(t *testing.T) *atprototest.DNS {
	dns := atprototest.NewDNS()
	testDNS = dns
	t.Cleanup(func() { testDNS = nil })
	return dns
}

func TestCheckDNS(t *testing.T) {
	const did, other = "did:plc:goodgoodgoodgoodgoodgood", "did:plc:otherotherotherotherothe"
	dns := useDNS(t)
	dns.SetLexiconDID("app.bsky.feed.like", did)
	dns.SetLexiconDID("com.example.moved.post", other)
	dns.SetTXT("_lexicon.two.example.com", "did="+did, "did="+other)
	runCases(t, []cliCase{
		{name: "a directory, all good", args: []string{"check-dns", "--did", did, "testdata/breaking/new/app/bsky/feed"}, code: 0, golden: "check-dns-ok.txt"},
		{name: "a directory with an authority missing", args: []string{"check-dns", "--did", did, "testdata/breaking/new"}, code: 1, golden: "check-dns-missing.txt"},
		{name: "NSIDs, one DID elsewhere", args: []string{"check-dns", "--did", did, "com.example.moved.post", "com.example.moved.like", "app.bsky.feed.like", "com.example.two.post"}, code: 1, golden: "check-dns-mismatch.txt"},
		{name: "without --did any DID will do", args: []string{"check-dns", "com.example.moved.post", "com.example.new.post"}, code: 1, golden: "check-dns-any.txt"},
		{name: "json", args: []string{"check-dns", "--format", "json", "--did", did, "com.example.moved.post", "app.bsky.feed.like"}, code: 1, golden: "check-dns.json"},
		{name: "not an NSID", args: []string{"check-dns", "nope"}, code: 2, stderr: `"nope" is no file or directory, nor an NSID`},
		{name: "not a DID", args: []string{"check-dns", "--did", "plc:x", "app.bsky.feed.like"}, code: 2, stderr: `--did "plc:x" is not a DID`},
		{name: "nothing to check", args: []string{"check-dns"}, code: 2, stderr: "no NSID, FILE or DIR given"},
		{name: "a file that is not a lexicon", args: []string{"check-dns", "testdata/records/valid.json"}, code: 2, stderr: "testdata/records/valid.json: the document has no valid id"},
	})
	t.Run("a failed lookup", func(t *testing.T) {
		dns.Fail(errors.New("server misbehaving"))
		defer dns.Fail(nil)
		code, out, _ := runCLI(t, "", "check-dns", "--did", did, "app.bsky.feed.like")
		checkGolden(t, "check-dns-error.txt", out)
		if code != exitError {
			t.Errorf("got exit %d, want 2", code)
		}
	})
}
