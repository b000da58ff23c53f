package atprototest_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	comatproto "github.com/bluesky-social/indigo/api/atproto"
	"github.com/bluesky-social/indigo/atproto/repo"
	"github.com/fxamacker/cbor/v2"
	"github.com/gorilla/websocket"

	"github.com/lexval/lexval/internal/atprototest"
)

// TestRelay: the firehose's frames decode as indigo reads them, a #commit
// verifies as a sync 1.1 commit (its operations invert to prevData), a
// #sync holds the signed commit; the listings name the accounts.
func TestRelay(t *testing.T) {
	n := atprototest.New(t)
	relay := n.Relay()
	a := n.NewAccount("", atprototest.P256)
	n.NewAccount("", atprototest.K256) // holds no lexicon
	a.PublishLexicon([]byte(`{"lexicon":1,"id":"com.example.relay.thing","defs":{"main":{"type":"token"}}}`))
	a.PublishLexicon([]byte(`{"lexicon":1,"id":"com.example.relay.thing","defs":{"main":{"type":"token","description":"v2"}}}`))
	relay.Commit(a) // before the subscriber: it asks from seq 1 on

	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(relay.URL(), "http")+"/xrpc/com.atproto.sync.subscribeRepos?cursor=0", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	read := func() (string, *bytes.Reader) {
		t.Helper()
		_, data, err := ws.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		dec := cbor.NewDecoder(bytes.NewReader(data))
		var h struct {
			Op int64  `cbor:"op"`
			T  string `cbor:"t"`
		}
		if err := dec.Decode(&h); err != nil || h.Op != 1 {
			t.Fatalf("header: %+v, %v", h, err)
		}
		return h.T, bytes.NewReader(data[dec.NumBytesRead():])
	}
	typ, body := read()
	var commit comatproto.SyncSubscribeRepos_Commit
	if err := commit.UnmarshalCBOR(body); typ != "#commit" || err != nil {
		t.Fatalf("got %s, %v; want a #commit", typ, err)
	}
	if _, err := repo.VerifyCommitMessage(t.Context(), &commit); err != nil || commit.PrevData == nil || len(commit.Ops) != 1 || commit.Ops[0].Action != "update" {
		t.Errorf("#commit: %v (ops %d, prevData %v)", err, len(commit.Ops), commit.PrevData)
	}
	relay.Sync(a) // live, to the subscriber connected
	typ, body = read()
	var sync comatproto.SyncSubscribeRepos_Sync
	if err := sync.UnmarshalCBOR(body); typ != "#sync" || err != nil {
		t.Fatalf("got %s, %v; want a #sync", typ, err)
	}
	c, _, err := repo.LoadCommitFromCAR(t.Context(), bytes.NewReader(sync.Blocks))
	if err != nil || c.Rev != string(a.Head().Rev) || c.VerifySignature(a.SigningKey()) != nil {
		t.Errorf("#sync: %v, %v", c, err)
	}

	get := func(path string) map[string][]map[string]any {
		resp, err := http.Get(relay.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string][]map[string]any
		json.NewDecoder(resp.Body).Decode(&out)
		return out
	}
	if got := get("/xrpc/com.atproto.sync.listReposByCollection?collection=com.atproto.lexicon.schema")["repos"]; len(got) != 1 || got[0]["did"] != string(a.DID) {
		t.Errorf("listReposByCollection: got %v, want %s alone", got, a.DID)
	}
	if got := get("/xrpc/com.atproto.sync.listRepos")["repos"]; len(got) != 2 {
		t.Errorf("listRepos: got %v, want both accounts", got)
	}
}
