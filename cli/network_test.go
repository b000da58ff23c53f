package cli

import (
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

// useNetwork starts the shared fake network with remoteLexicons published,
// makes the resolver's DNS lookups go to it, and returns the flags that
// point the resolver at it. Its PDS fails for com.example.remote.broken.
func useNetwork(t *testing.T) []string {
	n := atprototest.New(t)
	a := n.NewAccount(remoteDID, atprototest.P256)
	for _, doc := range remoteLexicons {
		a.PublishLexicon([]byte(doc))
	}
	n.PDS.Intercept(func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		if r.URL.Query().Get("rkey") == "com.example.remote.broken" {
			atprototest.WriteError(w, http.StatusInternalServerError, "InternalServerError", "boom")
			return
		}
		next.ServeHTTP(w, r)
	})
	testDNS = n.DNS
	t.Cleanup(func() { testDNS = nil })
	return []string{"--network", "--plc-url", n.PLC.URL(), "--allow-private-addresses"}
}

func TestNetwork(t *testing.T) {
	network := useNetwork(t) // --network --plc-url URL --allow-private-addresses
	with := func(args ...string) []string {
		return append(append([]string{args[0]}, network...), args[1:]...)
	}
	postURI := "at://" + remoteDID + "/com.atproto.lexicon.schema/com.example.remote.post"
	records := `{"$type":"com.example.remote.post","label":{"val":"ok"}}
{"$type":"com.example.remote.post","label":{"val":"too long"}}
`
	runCases(t, []cliCase{
		{name: "schema by NSID", args: with("schema", "com.example.remote.post"), golden: "schema-network.json"},
		{name: "schema by AT-URI", args: with("schema", postURI), golden: "schema-network.json"},
		{name: "validate by $type, references resolved", args: with("validate", "-"), stdin: records, code: 1, golden: "validate-network.txt"},
		{name: "validate against an AT-URI", args: with("validate", "--schema", postURI, "-"), stdin: records, code: 1, golden: "validate-network.txt"},
		{
			name: "pinned to another CID", args: with("schema", "--cid", refreshSessionCID, "com.example.remote.post"),
			code: 2, stderr: "CID mismatch: pinned " + refreshSessionCID,
		},
		{name: "not published", args: with("schema", "com.example.remote.nothing"), code: 2, stderr: "RecordNotFound"},
		{name: "PDS fails", args: with("schema", "com.example.remote.broken"), code: 2, stderr: "HTTP 500 InternalServerError: boom"},
		{name: "network off", args: []string{"schema", "com.example.remote.post"}, code: 2, stderr: "network resolution is off"},
	})

	t.Run("loopback refused without --allow-private-addresses", func(t *testing.T) {
		code, _, stderr := runCLI(t, "", "schema", "--network", "--plc-url", network[2], postURI)
		if code != exitError || !strings.Contains(stderr, "loopback address") {
			t.Errorf("got exit %d, stderr %q; want 2 naming the loopback address", code, stderr)
		}
	})
}
