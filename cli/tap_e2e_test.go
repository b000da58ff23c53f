package cli

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/lexval/lexval/internal/atprototest"
	"github.com/lexval/lexval/internal/storetest"
	"github.com/lexval/lexval/internal/taptest"
	"github.com/lexval/lexval/service"
)

// TestTapEndToEnd runs the real Tap (built from the indigo version in
// go.mod) against the fake network's PDS and relay, and lexval serve
// against Tap: the version published before Tap started arrives through
// Tap's backfill (listReposByCollection, getRepo), the next through a
// #commit frame, the next through a #sync frame (Tap fetches the
// repository again); each appears in lexval's history, authoritative. After
// lexval stops, a lexval without Tap or the network answers the same from
// the database.
func TestTapEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs Tap")
	}
	const (
		nsid     = "com.example.tapped.thing"
		password = "hunter2"
	)
	doc := func(description string) []byte {
		return fmt.Appendf(nil, `{"lexicon":1,"id":%q,"defs":{"main":{"type":"object","description":%q,"properties":{}}}}`, nsid, description)
	}
	n := atprototest.New(t)
	relay := n.Relay()
	author := n.NewAccount("", atprototest.P256)
	v1 := author.PublishLexicon(doc("one"))
	testDNS = n.DNS
	t.Cleanup(func() { testDNS = nil })

	cfg := taptest.Config{
		RelayURL: relay.URL(), PLCURL: n.PLC.URL(), Password: password,
		SignalCollection: "com.atproto.lexicon.schema", CollectionFilters: "com.atproto.lexicon.schema",
	}
	tp := taptest.Start(t, cfg)
	kind := "sqlite"
	if os.Getenv(storetest.PostgresEnv) != "" {
		kind = "postgres"
	}
	db := storetest.URL(t, kind)
	srv := startServe(t, "--db", db, "--tap-url", tp.URL, "--tap-password", password,
		"--network", "--plc-url", n.PLC.URL(), "--allow-private-addresses")

	get := func(srv *serving, path string) string {
		t.Helper()
		status, body := srv.get(t, path)
		if status != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, status, body)
		}
		return body
	}
	history := func(srv *serving) (string, service.History) {
		t.Helper()
		body := get(srv, "/api/v1/history?nsid="+nsid)
		var h service.History
		if err := json.Unmarshal([]byte(body), &h); err != nil {
			t.Fatalf("history: %v\n%s", err, body)
		}
		return body, h
	}
	waitFor := func(what string, cids ...string) {
		t.Helper()
		deadline := time.Now().Add(90 * time.Second)
		for {
			_, h := history(srv)
			var got []string
			for _, v := range h.Versions {
				got = append(got, v.CID)
			}
			if strings.Join(got, " ") == strings.Join(cids, " ") {
				for _, v := range h.Versions {
					if !v.Authoritative || v.Source != "tap" || v.Deleted {
						t.Errorf("%s: got %+v, want an authoritative version from tap", what, v)
					}
				}
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: got versions %v after 90s, want %v\nTap's log:\n%s", what, got, cids, tp.Logs())
			}
			time.Sleep(100 * time.Millisecond)
		}
	}

	waitFor("backfill", v1.String())
	deadline := time.Now().Add(60 * time.Second)
	for relay.Subscribers() == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("Tap did not subscribe to the firehose within 60s\n%s", tp.Logs())
		}
		time.Sleep(50 * time.Millisecond)
	}
	v2 := author.PublishLexicon(doc("two"))
	relay.Commit(author)
	waitFor("a #commit", v2.String(), v1.String())
	v3 := author.PublishLexicon(doc("three"))
	relay.Sync(author)
	waitFor("a #sync", v3.String(), v2.String(), v1.String())

	schema := get(srv, "/api/v1/schema?nsid="+nsid)
	if !strings.Contains(schema, `"cid":"`+v3.String()+`"`) || !strings.Contains(schema, `"source":"tap"`) {
		t.Errorf("schema: got %s, want %s from tap", schema, v3)
	}
	if metrics := get(srv, "/metrics"); !strings.Contains(metrics, `lexval_tap_events_total{outcome="stored"} 3`) {
		t.Errorf("metrics: want 3 events stored:\n%s", grepLines(metrics, "lexval_tap_"))
	}

	// The author deletes the lexicon: Tap's delete event marks the current
	// version deleted, and the history keeps every version.
	author.DeleteRecord("com.atproto.lexicon.schema", nsid)
	relay.Commit(author)
	deadline = time.Now().Add(90 * time.Second)
	for {
		_, h := history(srv)
		if len(h.Versions) == 3 && h.Versions[0].Deleted && h.Versions[0].CID == v3.String() && !h.Versions[1].Deleted {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("delete: got %+v after 90s, want %s marked deleted\nTap's log:\n%s", h.Versions, v3, tp.Logs())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if metrics := get(srv, "/metrics"); !strings.Contains(metrics, `lexval_tap_events_total{outcome="deleted"} 1`) {
		t.Errorf("metrics: want 1 event deleted:\n%s", grepLines(metrics, "lexval_tap_"))
	}
	before, _ := history(srv)
	srv.shutdown(t)

	// lexval alone, without Tap or the network: the database answers.
	again := startServe(t, "--db", db)
	if after, _ := history(again); after != before {
		t.Errorf("history after a restart: got %s, want %s", after, before)
	}
	if status, body := again.get(t, "/api/v1/schema?nsid="+nsid); status != http.StatusNotFound {
		t.Errorf("schema of the deleted lexicon after a restart: got %d %s, want 404", status, body)
	}
	again.shutdown(t)
}

// grepLines returns the lines of s that contain sub.
func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
