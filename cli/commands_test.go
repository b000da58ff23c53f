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
		// Nothing parses: each file is still reported, as when a good one is beside it.
		{name: "only a file that is not JSON", args: []string{"lint", "testdata/lint/broken/truncated.json"}, code: 1, golden: "lint-not-json.txt"},
		{name: "only stdin that is not JSON", args: []string{"lint", "--format", "json", "-"}, stdin: "{", code: 1, golden: "lint-stdin-not-json.jsonl"},
		{name: "two documents with one id", args: []string{"lint", "testdata/duplicate"}, code: 1, golden: "lint-duplicate.txt"},
		{name: "two documents with one id github", args: []string{"lint", "--format", "github", "testdata/duplicate"}, code: 1, golden: "lint-duplicate.github"},
		{name: "one document named twice", args: []string{"lint", "testdata/duplicate/a.json", "testdata/duplicate/a.json"}, code: 0, golden: "lint-twice.txt"},
		{name: "only a file over --max-value", args: []string{"lint", "--max-value", "10", "testdata/lint/clean/com.example.lint.other.json"}, code: 1, golden: "lint-oversize.txt"},
		// Warnings and info leave a document valid; errors are what fail.
		{name: "warnings only", args: []string{"lint", "testdata/lint/style"}, code: 0, golden: "lint-style.txt"},
		{name: "warnings only json", args: []string{"lint", "--format", "json", "testdata/lint/style"}, code: 0, golden: "lint-style.jsonl"},
		{name: "min severity warning", args: []string{"lint", "--min-severity", "warning", "testdata/lint/style"}, code: 0, golden: "lint-style-warnings.txt"},
		{name: "min severity error", args: []string{"lint", "--min-severity", "error", "testdata/lint/style", "testdata/lint/broken"}, code: 1, golden: "lint-errors-only.txt"},
		{name: "ignore rules", args: []string{"lint", "--ignore", "field-name-style", "--ignore", "unlimited-string", "testdata/lint/style"}, code: 0, golden: "lint-style-ignore.txt"},
		{name: "ignore an error rule", args: []string{"lint", "--ignore", "unknown-format", "--ignore", "min-above-max", "--ignore", "primary-not-main", "--ignore", "lexicon-version", "--ignore", "missing-description", "testdata/lint/broken/com.example.lint.broken.json"}, code: 0, golden: "lint-ignore-errors.txt"},
		{name: "ignore an unknown rule", args: []string{"lint", "--ignore", "no-such-rule", "testdata/lint/style"}, code: 2, stderr: `no lint rule is named "no-such-rule"`},
		{name: "bad min severity", args: []string{"lint", "--min-severity", "fatal", "testdata/lint/style"}, code: 2, stderr: `"fatal" is not one of: info, warning, error`},
		{name: "list rules", args: []string{"lint", "--list-rules"}, code: 0, golden: "lint-rules.txt"},
		{name: "list rules json", args: []string{"lint", "--list-rules", "--format", "json"}, code: 0, golden: "lint-rules.json"},
		{name: "list rules with a file", args: []string{"lint", "--list-rules", "testdata/lint/style"}, code: 2, stderr: `--list-rules takes no argument, got "testdata/lint/style"`},
		{name: "sarif", args: []string{"lint", "--format", "sarif", "testdata/lint/broken", "testdata/lint/style"}, code: 1, golden: "lint.sarif"},
		{name: "style github", args: []string{"lint", "--format", "github", "testdata/lint/style"}, code: 0, golden: "lint-style.github"},
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
		{name: "record pin mismatch", args: []string{"schema", "--cid", "bafyreigtmtzisxiuao4kcswgnbud7wmpkcnsdb6h2kenhbnaolsx7bpiq4", refresh}, code: 2, stderr: "lexval schema: schema com.atproto.server.refreshSession: CID mismatch"},
		{name: "jsonschema", args: []string{"schema", "--jsonschema", refresh}, code: 0, golden: "schema-refresh-session.jsonschema.json"},
		{name: "jsonschema from a directory", args: []string{"schema", "--lexicons", testLexicons, "--jsonschema", "com.example.cli.post"}, code: 0, golden: "schema-post.jsonschema.json"},
		{name: "jsonschema of a named def", args: []string{"schema", "--lexicons", testLexicons, "--jsonschema", "com.example.cli.post#link"}, code: 0, golden: "schema-post-link.jsonschema.json"},
		{name: "jsonschema no such target", args: []string{"schema", "--jsonschema", "--target", "input", refresh}, code: 2, stderr: "lexval schema: schema com.atproto.server.refreshSession: invalid request"},
		{name: "not found", args: []string{"schema", "com.example.nope"}, code: 2, stderr: "lexval schema: schema com.example.nope: not found"},
		{name: "unknown def", args: []string{"schema", refresh + "#zzz"}, code: 2, stderr: `no definition "zzz"`},
		{name: "unknown def, JSON Schema", args: []string{"schema", "--jsonschema", refresh + "#zzz"}, code: 2, stderr: `no definition "zzz"`},
		{name: "record from a directory", args: []string{"schema", "--lexicons", testLexicons, "com.example.cli.post"}, code: 0, golden: "schema-post.json"},
	})
	// A directory document is printed as the record its CID is of: the CID
	// of the output is the one it will have once published.
	_, record, _ := runCLI(t, "", "schema", "--lexicons", testLexicons, "com.example.cli.post")
	printed := filepath.Join(t.TempDir(), "record.json")
	if err := os.WriteFile(printed, []byte(record), 0o644); err != nil {
		t.Fatal(err)
	}
	_, fromRecord, _ := runCLI(t, "", "cid", printed)
	_, published, _ := runCLI(t, "", "cid", "--as-lexicon", testLexicons+"/com.example.cli.post.json")
	if got, want := strings.Fields(fromRecord), strings.Fields(published); len(got) == 0 || len(want) == 0 || got[0] != want[0] {
		t.Errorf("CID of the printed record: got %q, want the published CID %q", fromRecord, published)
	}
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

// serving is `lexval serve` running in the test with --log-format json.
type serving struct {
	addr    string
	started map[string]any // the "listening" log line
	logs    <-chan map[string]any
	done    <-chan int
	stop    context.CancelFunc
}

// startServe runs `lexval serve --addr 127.0.0.1:0 --log-format json args...`
// and waits for its "listening" line.
func startServe(t *testing.T, args ...string) *serving {
	t.Helper()
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
	t.Cleanup(stop)
	done := make(chan int, 1)
	args = append([]string{"serve", "--addr", "127.0.0.1:0", "--log-format", "json"}, args...)
	go func() {
		done <- Run(ctx, args, strings.NewReader(""), io.Discard, pw)
		pw.Close()
	}()

	for {
		select {
		case m, ok := <-logs:
			if !ok {
				t.Fatalf("serve exited with %d before listening", <-done)
			}
			if m["msg"] == "listening" {
				addr, _ := m["addr"].(string)
				return &serving{addr: addr, started: m, logs: logs, done: done, stop: stop}
			}
		case <-time.After(30 * time.Second):
			t.Fatal("serve did not log \"listening\"")
		}
	}
}

// shutdown stops the server as SIGTERM would and returns the log lines
// written after "listening".
func (s *serving) shutdown(t *testing.T) []map[string]any {
	t.Helper()
	s.stop()
	select {
	case code := <-s.done:
		if code != 0 {
			t.Errorf("exit code after shutdown: got %d, want 0", code)
		}
	case <-time.After(shutdownTimeout + 5*time.Second):
		t.Fatal("serve did not stop after its context ended")
	}
	var lines []map[string]any
	for m := range s.logs {
		lines = append(lines, m)
	}
	return lines
}

// TestServe runs `lexval serve` on a free port, reads the address from its
// JSON log, checks /healthz and a validation, and stops it as SIGTERM would.
func TestServe(t *testing.T) {
	srv := startServe(t, "--lexicons", testLexicons)
	started := srv.started
	if started["network"] != false || started["lexicons"].(float64) < 4 {
		t.Errorf("start log: got %v, want network false and at least the 2 embedded + 2 test lexicons", started)
	}
	if dirs, _ := started["directories"].([]any); len(dirs) != 1 || dirs[0] != testLexicons {
		t.Errorf("start log: got directories %v, want [%s]", started["directories"], testLexicons)
	}

	resp, err := http.Get("http://" + srv.addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz: got %s, want 200", resp.Status)
	}
	body := `{"schema":"com.example.cli.post","value":{"$type":"com.example.cli.post","text":"hi","createdAt":"2024-01-02T03:04:05Z"}}`
	resp, err = http.Post("http://"+srv.addr+"/api/v1/validate", "application/json", strings.NewReader(body))
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

	var msgs []string
	for _, m := range srv.shutdown(t) {
		if msg := m["msg"].(string); msg != "http request" { // the server's access log
			msgs = append(msgs, msg)
		}
	}
	if strings.Join(msgs, ",") != "shutting down,stopped" {
		t.Errorf("log after listening: got %q, want shutting down, stopped", msgs)
	}
}

// TestServeLogLevel checks --log-level and LEXVAL_LOG_LEVEL by the access
// log line of a successful request, which is logged at debug.
func TestServeLogLevel(t *testing.T) {
	tests := []struct {
		name       string
		env        string
		args       []string
		wantAccess bool
	}{
		{name: "default is info", wantAccess: false},
		{name: "debug flag", args: []string{"--log-level", "debug"}, wantAccess: true},
		{name: "debug variable", env: "debug", wantAccess: true},
		{name: "flag wins over the variable", env: "debug", args: []string{"--log-level", "info"}, wantAccess: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("LEXVAL_LOG_LEVEL", tt.env)
			srv := startServe(t, tt.args...)
			if dirs, ok := srv.started["directories"].([]any); !ok || len(dirs) != 0 {
				t.Errorf("start log without --lexicons: got directories %#v, want []", srv.started["directories"])
			}
			resp, err := http.Get("http://" + srv.addr + "/healthz")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			got := false
			for _, m := range srv.shutdown(t) {
				if m["msg"] == "http request" && m["route"] == "/healthz" {
					got = true
				}
			}
			if got != tt.wantAccess {
				t.Errorf("access log line for GET /healthz: got %v, want %v", got, tt.wantAccess)
			}
		})
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
