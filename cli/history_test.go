package cli

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/lexval/lexval/internal/storetest"
	"github.com/lexval/lexval/service"
)

// TestHistory: what `schema --db --network` fetches is kept; history lists
// the versions newest first; a pinned older version answers from the
// store without the network; history needs --db.
func TestHistory(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			db := storetest.URL(t, kind)
			network, author := useNetwork(t)
			with := func(args ...string) []string {
				return append(append([]string{args[0]}, network...), append([]string{"--db", db, "--db-max-age", "1ns"}, args[1:]...)...)
			}
			const nsid = "com.example.remote.defs"
			if code, _, stderr := runCLI(t, "", with("schema", nsid)...); code != 0 {
				t.Fatalf("schema: exit %d: %s", code, stderr)
			}
			first := author.Head().Rev
			v2 := author.PublishLexicon([]byte(strings.Replace(remoteLexicons[1], `"maxLength":5`, `"maxLength":6`, 1)))
			if code, _, stderr := runCLI(t, "", with("schema", nsid)...); code != 0 {
				t.Fatalf("schema again: exit %d: %s", code, stderr)
			}

			code, stdout, stderr := runCLI(t, "", "history", "--db", db, "--format", "json", nsid)
			if code != 0 {
				t.Fatalf("history: exit %d: %s", code, stderr)
			}
			var h service.History
			if err := json.Unmarshal([]byte(stdout), &h); err != nil {
				t.Fatalf("history --format json: %v\n%s", err, stdout)
			}
			if len(h.Versions) != 2 || h.Versions[0].CID != v2.String() {
				t.Fatalf("got %s, want 2 versions, %s first", stdout, v2)
			}
			for _, v := range h.Versions {
				if !v.Authoritative || v.Proof == nil || v.Deleted || v.Source != "network" {
					t.Errorf("got %+v, want an authoritative, proven network version", v)
				}
			}
			if h.Versions[1].Rev < string(first) {
				t.Errorf("got rev %s for the first version, want at least %s", h.Versions[1].Rev, first)
			}

			code, stdout, _ = runCLI(t, "", "history", "--db", db, nsid)
			if code != 0 || !strings.Contains(stdout, nsid+": 2 versions (authority "+remoteDID+")") || !strings.Contains(stdout, v2.String()+"  authoritative") {
				t.Errorf("history text: exit %d:\n%s", code, stdout)
			}

			// Offline: the older version by its CID, from the store alone.
			old := h.Versions[1].CID
			code, stdout, stderr = runCLI(t, "", "schema", "--db", db, "--cid", old, nsid)
			if code != 0 || !strings.Contains(stdout, `"maxLength": 5`) {
				t.Errorf("schema --cid %s offline: exit %d: %s\n%s", old, code, stderr, stdout)
			}
		})
	}
	runCases(t, []cliCase{
		{name: "history without --db", args: []string{"history", "com.example.remote.defs"}, code: 2, stderr: "history needs the store"},
		{name: "history of nothing", args: []string{"history", "--db", "sqlite://" + t.TempDir() + "/x.db"}, code: 2, stderr: "want exactly one NSID or AT-URI"},
		{name: "history of a bad name", args: []string{"history", "--db", "sqlite://" + t.TempDir() + "/x.db", "not an nsid"}, code: 2, stderr: "neither an NSID nor an AT-URI"},
		{name: "a bad database URL", args: []string{"history", "--db", "mysql://x", "com.example.x"}, code: 2, stderr: "unknown scheme"},
	})
}

// get sends GET path to the server and returns the status and body.
func (s *serving) get(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := http.Get("http://" + s.addr + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestServeRestart: a server keeps what it resolved in its store; started
// again without the network, it answers the same from the database.
func TestServeRestart(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			db := storetest.URL(t, kind)
			network, _ := useNetwork(t)
			get := func(srv *serving, path string) (int, string) { return srv.get(t, path) }
			const path = "/api/v1/schema?nsid=com.example.remote.defs"
			srv := startServe(t, append(network, "--db", db)...)
			if srv.started["store"] == "none" || srv.started["store"] == nil {
				t.Errorf("got store %v in the start log, want the database", srv.started["store"])
			}
			status, before := get(srv, path)
			if status != 200 {
				t.Fatalf("got %d %s", status, before)
			}
			srv.shutdown(t)

			again := startServe(t, "--db", db)
			status, after := get(again, path)
			if status != 200 || after != before {
				t.Errorf("after a restart without the network: got %d %s, want %s", status, after, before)
			}
			status, hist := get(again, "/api/v1/history?nsid=com.example.remote.defs")
			if status != 200 || !strings.Contains(hist, `"authoritative":true`) {
				t.Errorf("history: got %d %s", status, hist)
			}
			again.shutdown(t)
		})
	}
}
