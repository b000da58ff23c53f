package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLint(t *testing.T) {
	runCases(t, []cliCase{
		{name: "clean directory", args: []string{"lint", "testdata/lint/clean"}, code: 0, golden: "lint-clean.txt"},
		{name: "broken text", args: []string{"lint", "testdata/lint/broken"}, code: 1, golden: "lint-broken.txt"},
		{name: "broken json", args: []string{"lint", "--format", "json", "testdata/lint"}, code: 1, golden: "lint-all.jsonl"},
		{name: "broken github", args: []string{"lint", "--format", "github", "testdata/lint/broken"}, code: 1, golden: "lint-broken.github"},
		{name: "a ref to the other document unresolved alone", args: []string{"lint", "--format", "json", "testdata/lint/clean/com.example.lint.clean.json"}, code: 1, golden: "lint-lonely.jsonl"},
		{name: "stdin", args: []string{"lint", "-"}, stdin: `{"lexicon":1,"id":"com.example.lint.stdin","defs":{"main":{"type":"token"}}}`, code: 0, golden: "lint-stdin.txt"},
		{name: "missing", args: []string{"lint", "testdata/lint/nope"}, code: 2, stderr: "no such file or directory"},
	})
	t.Run("directory without documents", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a lexicon"), 0o644); err != nil {
			t.Fatal(err)
		}
		code, stdout, stderr := runCLI(t, "", "lint", dir)
		if code != exitError || stdout != "" || !strings.Contains(stderr, "no matching files") {
			t.Errorf("got exit %d, stdout %q, stderr %q; want 2, nothing, \"no matching files\"", code, stdout, stderr)
		}
	})
}

func TestCID(t *testing.T) {
	runCases(t, []cliCase{
		{name: "published record", args: []string{"cid", "testdata/records/refresh-session-record.json"}, code: 0, golden: "cid-record.txt"},
		{name: "document as lexicon", args: []string{"cid", "--as-lexicon", "testdata/records/refresh-session-document.json"}, code: 0, golden: "cid-document-as-lexicon.txt"},
		{name: "document as is", args: []string{"cid", "testdata/records/refresh-session-document.json"}, code: 0, golden: "cid-document.txt", stderr: "is a lexicon document without $type, hashed as is"},
		{name: "jsonl with a float", args: []string{"cid", "testdata/records/hash.jsonl"}, code: 1, golden: "cid-hash.txt", stderr: "lexval cid: testdata/records/hash.jsonl:2: "},
		{name: "stdin", args: []string{"cid", "-"}, stdin: "{\"a\":1}\n", code: 0, golden: "cid-stdin.txt"},
		{name: "not JSON", args: []string{"cid", "-"}, stdin: "{\"a\":\n", code: 1, stderr: "lexval cid: stdin:1: invalid JSON"},
		{name: "missing", args: []string{"cid", "testdata/nope.json"}, code: 2, stderr: "no such file or directory"},
	})
	// The published CID of the document is the one its record has.
	_, fromDoc, _ := runCLI(t, "", "cid", "--as-lexicon", "testdata/records/refresh-session-document.json")
	if got, _, _ := strings.Cut(fromDoc, " "); got != refreshSessionCID {
		t.Errorf("--as-lexicon: got %s, want %s", got, refreshSessionCID)
	}
}

func TestSchema(t *testing.T) {
	refresh := "com.atproto.server.refreshSession"
	runCases(t, []cliCase{
		{name: "record", args: []string{"schema", refresh}, code: 0, golden: "schema-refresh-session.json"},
		{name: "record pinned", args: []string{"schema", "--cid", refreshSessionCID, refresh}, code: 0, golden: "schema-refresh-session.json"},
		{name: "record pin mismatch", args: []string{"schema", "--cid", "bafyreigtmtzisxiuao4kcswgnbud7wmpkcnsdb6h2kenhbnaolsx7bpiq4", refresh}, code: 2, stderr: "lexval schema: com.atproto.server.refreshSession: "},
		{name: "jsonschema", args: []string{"schema", "--jsonschema", refresh}, code: 0, golden: "schema-refresh-session.jsonschema.json"},
		{name: "jsonschema from a directory", args: []string{"schema", "--lexicons", testLexicons, "--jsonschema", "com.example.cli.post"}, code: 0, golden: "schema-post.jsonschema.json"},
		{name: "jsonschema of a named def", args: []string{"schema", "--lexicons", testLexicons, "--jsonschema", "com.example.cli.post#link"}, code: 0, golden: "schema-post-link.jsonschema.json"},
		{name: "jsonschema no such target", args: []string{"schema", "--jsonschema", "--target", "input", refresh}, code: 2, stderr: "lexval schema: com.atproto.server.refreshSession: "},
		{name: "not found", args: []string{"schema", "com.example.nope"}, code: 2, stderr: "lexval schema: com.example.nope: "},
	})
}

func TestHealthcheck(t *testing.T) {
	healthy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		io.WriteString(w, "ok")
	}))
	defer healthy.Close()
	sick := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no", http.StatusServiceUnavailable)
	}))
	defer sick.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closedAddr := closed.Listener.Addr().String()
	closed.Close()

	_, healthyPort, _ := net.SplitHostPort(healthy.Listener.Addr().String())
	runCases(t, []cliCase{
		{name: "healthy", args: []string{"healthcheck", "--addr", healthy.Listener.Addr().String()}, code: 0},
		{name: "wildcard host probes loopback", args: []string{"healthcheck", "--addr", ":" + healthyPort}, code: 0},
		{name: "unhealthy", args: []string{"healthcheck", "--addr", sick.Listener.Addr().String()}, code: 1, stderr: "503 Service Unavailable"},
		{name: "nothing listening", args: []string{"healthcheck", "--addr", closedAddr}, code: 1, stderr: "connection refused"},
		{name: "bad address", args: []string{"healthcheck", "--addr", "nohost"}, code: 2, stderr: `--addr "nohost"`},
	})
	t.Run("address from LEXVAL_ADDR", func(t *testing.T) {
		t.Setenv("LEXVAL_ADDR", healthy.Listener.Addr().String())
		if code, _, stderr := runCLI(t, "", "healthcheck"); code != 0 {
			t.Errorf("got exit %d (%s), want 0", code, stderr)
		}
	})
}

// TestServe runs `lexval serve` on a free port, reads the address from its
// JSON log, checks /healthz and a validation, and stops it as SIGTERM would.
func TestServe(t *testing.T) {
	pr, pw := io.Pipe()
	logs := make(chan map[string]any, 16)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			var m map[string]any
			if json.Unmarshal(sc.Bytes(), &m) == nil {
				logs <- m
			}
		}
		close(logs)
	}()
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	done := make(chan int)
	go func() {
		done <- Run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--log-format", "json", "--lexicons", testLexicons}, strings.NewReader(""), io.Discard, pw)
		pw.Close()
	}()

	var started map[string]any
	for started == nil {
		select {
		case m, ok := <-logs:
			if !ok {
				t.Fatalf("serve exited with %d before listening", <-done)
			}
			if m["msg"] == "listening" {
				started = m
			}
		case <-time.After(30 * time.Second):
			t.Fatal("serve did not log \"listening\"")
		}
	}
	addr, _ := started["addr"].(string)
	if started["network"] != false || started["lexicons"].(float64) < 4 {
		t.Errorf("start log: got %v, want network false and at least the 2 embedded + 2 test lexicons", started)
	}

	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz: got %s, want 200", resp.Status)
	}
	body := `{"schema":"com.example.cli.post","value":{"$type":"com.example.cli.post","text":"hi","createdAt":"2024-01-02T03:04:05Z"}}`
	resp, err = http.Post("http://"+addr+"/api/v1/validate", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var verdict struct {
		Valid bool `json:"valid"`
	}
	err = json.NewDecoder(resp.Body).Decode(&verdict)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || !verdict.Valid {
		t.Errorf("POST /api/v1/validate: got %s, valid=%v, err %v; want 200 and valid", resp.Status, verdict.Valid, err)
	}

	stop()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit code after shutdown: got %d, want 0", code)
		}
	case <-time.After(shutdownTimeout + 5*time.Second):
		t.Fatal("serve did not stop after its context ended")
	}
	var msgs []string
	for m := range logs {
		if msg := m["msg"].(string); msg != "http request" { // the server's access log
			msgs = append(msgs, msg)
		}
	}
	if strings.Join(msgs, ",") != "shutting down,stopped" {
		t.Errorf("log after listening: got %q, want shutting down, stopped", msgs)
	}
}

func TestServeCannotListen(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	code, _, stderr := runCLI(t, "", "serve", "--addr", l.Addr().String())
	if code != exitError || !strings.Contains(stderr, "cannot listen") {
		t.Errorf("got exit %d, stderr %q; want 2 and \"cannot listen\"", code, stderr)
	}
}
