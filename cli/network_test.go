package cli

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/lexval/lexval/internal/atprototest"
)

const remoteDID = "did:plc:remoteremoteremoteremote"

// remoteLexicons are published by remoteDID for the authority
// remote.example.com.
var remoteLexicons = []string{
	`{"lexicon":1,"id":"com.example.remote.post","defs":{"main":{"type":"record","key":"tid","record":{"type":"object","required":["label"],"properties":{"label":{"type":"ref","ref":"com.example.remote.defs#label"}}}}}}`,
	`{"lexicon":1,"id":"com.example.remote.defs","defs":{"label":{"type":"object","required":["val"],"properties":{"val":{"type":"string","maxLength":5}}}}}`,
}

// Records by AT-URI: remoteDID's posts, one valid, one not, and a post of
// forgedDID, whose DID document names a key that did not sign its
// repository.
const (
	forgedDID  = "did:plc:forgedforgedforgedforgedf"
	postURI    = "at://" + remoteDID + "/com.example.remote.post/3k2yihcrp6f2c"
	badPostURI = "at://" + remoteDID + "/com.example.remote.post/3k2yihcrp6f2d"
	forgedURI  = "at://" + forgedDID + "/com.example.remote.post/3k2yihcrp6f2c"
	absentURI  = "at://" + remoteDID + "/com.example.remote.post/3k2yihcrp6f2z"
)

// useNetwork starts the shared fake network with remoteLexicons published,
// makes the resolver's DNS lookups go to it, and returns the flags that
// point the resolver at it, and the account that publishes. Its PDS fails
// for com.example.remote.broken.
func useNetwork(t *testing.T) ([]string, *atprototest.Account) {
	n := atprototest.New(t)
	a := n.NewAccount(remoteDID, atprototest.P256)
	for _, doc := range remoteLexicons {
		a.PublishLexicon([]byte(doc))
	}
	a.PutRecord("com.example.remote.post", "3k2yihcrp6f2c", []byte(`{"$type":"com.example.remote.post","label":{"val":"ok"}}`))
	a.PutRecord("com.example.remote.post", "3k2yihcrp6f2d", []byte(`{"$type":"com.example.remote.post","label":{"val":"too long"}}`))
	a.SetHandle("remote.test")
	forged := n.NewAccount(forgedDID, atprototest.K256)
	forged.PutRecord("com.example.remote.post", "3k2yihcrp6f2c", []byte(`{"$type":"com.example.remote.post","label":{"val":"ok"}}`))
	forged.ClaimKey(a.SigningKey())
	n.PDS.Intercept(func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		if r.URL.Query().Get("rkey") == "com.example.remote.broken" {
			atprototest.WriteError(w, http.StatusInternalServerError, "InternalServerError", "boom")
			return
		}
		next.ServeHTTP(w, r)
	})
	testDNS = n.DNS
	t.Cleanup(func() { testDNS = nil })
	return []string{"--network", "--plc-url", n.PLC.URL(), "--allow-private-addresses"}, a
}

func TestNetwork(t *testing.T) {
	network, _ := useNetwork(t) // --network --plc-url URL --allow-private-addresses
	with := func(args ...string) []string {
		return append(append([]string{args[0]}, network...), args[1:]...)
	}
	schemaURI := "at://" + remoteDID + "/com.atproto.lexicon.schema/com.example.remote.post"
	records := `{"$type":"com.example.remote.post","label":{"val":"ok"}}
{"$type":"com.example.remote.post","label":{"val":"too long"}}
`
	runCases(t, []cliCase{
		{name: "schema by NSID", args: with("schema", "com.example.remote.post"), golden: "schema-network.json", stderr: "proven from its repository:\n" + schemaURI},
		{name: "schema by AT-URI", args: with("schema", schemaURI), golden: "schema-network.json", stderr: "  signing key  did:key:z"},
		{name: "JSON Schema with its provenance", args: with("schema", "--jsonschema", schemaURI), golden: "schema-network.jsonschema.json", stderr: "  commit       bafyrei"},
		{name: "validate by $type, references resolved", args: with("validate", "-"), stdin: records, code: 1, golden: "validate-network.txt"},
		{name: "validate against an AT-URI", args: with("validate", "--schema", schemaURI, "-"), stdin: records, code: 1, golden: "validate-network.txt"},
		{name: "records by AT-URI beside standard input", args: with("validate", postURI, "-", badPostURI), stdin: records, code: 1, golden: "validate-uris.txt"},
		{name: "records by AT-URI, JSON", args: with("validate", "--format", "json", badPostURI, postURI), code: 1, golden: "validate-uris.jsonl"},
		{name: "a record by AT-URI against a schema", args: with("validate", "--schema", "com.example.remote.defs#label", "--target", "object", postURI), code: 1, golden: "validate-uri-schema.txt"},
		{name: "a record whose proof fails", args: with("validate", postURI, forgedURI), code: 2, stderr: "lexval validate: record proof invalid: " + forgedURI + ": bad commit signature"},
		{name: "a record that is not there", args: with("validate", absentURI), code: 2, stderr: "not found: " + absentURI},
		{name: "a record by AT-URI without --network", args: []string{"validate", postURI}, code: 2, stderr: "add --network"},
		{name: "an AT-URI naming no record", args: with("validate", "at://"+remoteDID+"/com.example.remote.post"), code: 2, stderr: "does not name a record"},
		{name: "a record by AT-URI with a handle", args: with("validate", "at://remote.test/com.example.remote.post/3k2yihcrp6f2d"), code: 1, golden: "validate-uri-handle.txt"},
		{
			name: "pinned to another CID", args: with("schema", "--cid", refreshSessionCID, "com.example.remote.post"),
			code: 2, stderr: "CID mismatch: pinned " + refreshSessionCID,
		},
		{name: "not published", args: with("schema", "com.example.remote.nothing"), code: 2, stderr: "does not hold it"},
		{name: "PDS fails", args: with("schema", "com.example.remote.broken"), code: 2, stderr: "HTTP 500 InternalServerError: boom"},
		{name: "network off", args: []string{"schema", "com.example.remote.post"}, code: 2, stderr: "network resolution is off"},
	})

	t.Run("loopback refused without --allow-private-addresses", func(t *testing.T) {
		code, _, stderr := runCLI(t, "", "schema", "--network", "--plc-url", network[2], schemaURI)
		if code != exitError || !strings.Contains(stderr, "loopback address") {
			t.Errorf("got exit %d, stderr %q; want 2 naming the loopback address", code, stderr)
		}
	})
}

// TestVerify: each record printed with its provenance (text or JSON), a
// failure on stderr with exit 2 while the others are still printed.
func TestVerify(t *testing.T) {
	network, a := useNetwork(t)
	flags := network[1:] // verify has no --network: it always uses it
	head := a.Head()
	const postCID = "bafyreiczvueg2ier66gtgniyuujmrrfdzwkjw2goo4jfujdxb7zwrwbxba"

	t.Run("text", func(t *testing.T) {
		code, stdout, stderr := runCLI(t, "", append([]string{"verify"}, append(flags, postURI)...)...)
		if code != exitOK || stderr != "" {
			t.Fatalf("got exit %d, stderr %q; want 0 and nothing", code, stderr)
		}
		for _, want := range []string{
			postURI + "\n",
			"  repository   " + remoteDID + "\n",
			"  revision     " + string(head.Rev) + "\n",
			"  commit       " + head.CID.String() + "\n",
			"  signing key  " + a.SigningKey().DIDKey() + "\n",
			"  verified at  ",
			"{\n  \"$type\": \"com.example.remote.post\",\n  \"label\": {\n    \"val\": \"ok\"\n  }\n}\n",
		} {
			if !strings.Contains(stdout, want) {
				t.Errorf("got stdout\n%s\nwant it to contain %q", stdout, want)
			}
		}
	})

	t.Run("by handle", func(t *testing.T) {
		code, stdout, stderr := runCLI(t, "", append([]string{"verify"}, append(flags, "at://remote.test/com.example.remote.post/3k2yihcrp6f2c")...)...)
		if code != exitOK || stderr != "" || !strings.HasPrefix(stdout, postURI+"\n") {
			t.Errorf("got exit %d, stderr %q, stdout %q; want 0 and the record under its DID's AT-URI", code, stderr, stdout)
		}
	})

	t.Run("json, one failing", func(t *testing.T) {
		code, stdout, stderr := runCLI(t, "", append([]string{"verify", "--format", "json"}, append(flags, forgedURI, postURI, absentURI)...)...)
		if code != exitError {
			t.Errorf("got exit %d, want 2", code)
		}
		for _, want := range []string{"lexval verify: record proof invalid: " + forgedURI + ": bad commit signature", "lexval verify: not found: " + absentURI} {
			if !strings.Contains(stderr, want) {
				t.Errorf("got stderr %q, want it to contain %q", stderr, want)
			}
		}
		var got struct {
			URI, CID string
			Record   map[string]any
			Proof    map[string]any
		}
		if err := json.Unmarshal([]byte(stdout), &got); err != nil {
			t.Fatalf("got stdout %q: %v, want one JSON line", stdout, err)
		}
		if got.URI != postURI || got.Record["$type"] != "com.example.remote.post" || got.Proof["commit"] != head.CID.String() || got.Proof["signingKey"] != a.SigningKey().DIDKey() {
			t.Errorf("got %+v, want %s with its record and proof", got, postURI)
		}
		if got.CID != postCID {
			t.Errorf("got CID %s, want %s", got.CID, postCID)
		}
	})

	t.Run("usage", func(t *testing.T) {
		for _, args := range [][]string{{"verify"}, {"verify", "at://" + remoteDID + "/a.b.c"}, {"verify", "com.example.remote.post"}} {
			if code, _, stderr := runCLI(t, "", args...); code != exitError || !strings.Contains(stderr, "Usage: lexval verify") {
				t.Errorf("%v: got exit %d, stderr %q; want 2 and the usage", args, code, stderr)
			}
		}
	})
}

// TestProofCorruptions: validate and verify refuse a record that the PDS
// serves in any of the ways atprototest.Corruptions lists, with exit 2 and
// the reason.
func TestProofCorruptions(t *testing.T) {
	for _, c := range atprototest.Corruptions() {
		t.Run(c.Name, func(t *testing.T) {
			n := atprototest.New(t)
			a := n.NewAccount(remoteDID, atprototest.P256)
			a.PutRecord("com.example.remote.post", "3k2yihcrp6f2c", []byte(`{"$type":"com.example.remote.post","label":{"val":"ok"}}`))
			other := n.NewAccount(forgedDID, atprototest.K256)
			c.Apply(t, n, a, other, postURI)
			testDNS = n.DNS
			t.Cleanup(func() { testDNS = nil })
			flags := []string{"--plc-url", n.PLC.URL(), "--allow-private-addresses"}
			want := "record proof invalid: " + postURI + ": " + c.Reason.Error()
			for _, args := range [][]string{
				append([]string{"validate", "--network", "--schema", "com.atproto.server.refreshSession", postURI}, flags...),
				append([]string{"verify", postURI}, flags...),
			} {
				code, stdout, stderr := runCLI(t, "", args...)
				if code != exitError || !strings.Contains(stderr, "lexval "+args[0]+": "+want) || stdout != "" {
					t.Errorf("%s: got exit %d, stdout %q, stderr %q; want 2, nothing, and %q", args[0], code, stdout, stderr, want)
				}
			}
		})
	}
}
