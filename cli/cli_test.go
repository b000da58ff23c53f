package cli

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lexval/lexval/internal/storetest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

func TestMain(m *testing.M) {
	// The tests say which LEXVAL_* variables they want; none leak in.
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "LEXVAL_") && name != "LEXVAL_SHARED" && name != storetest.PostgresEnv {
			os.Unsetenv(name)
		}
	}
	// serve keeps its default store under the user's data directory: in
	// the tests, a directory of their own.
	data, err := os.MkdirTemp("", "lexval-cli-test-")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_DATA_HOME", data)
	// serve and validate pace the collector when these are unset (paceGC):
	// in the test process that would change it for every later test, and
	// some measure the heap. The runtime read them at start; setting them
	// now only tells paceGC to leave the pacing alone. TestPaceGC tests it.
	for name, value := range map[string]string{"GOGC": "100", "GOMEMLIMIT": "off"} {
		if os.Getenv(name) == "" {
			os.Setenv(name, value)
		}
	}
	code := m.Run()
	os.RemoveAll(data)
	os.Exit(code)
}

// runCLI runs the command line and returns its exit code and output.
func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

// checkGolden compares got with testdata/golden/name, or rewrites it under
// -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cli -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run go test ./cli -update after checking it):\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

const (
	testLexicons = "testdata/lexicons"
	// refreshSessionCID is the CID of the published refreshSession schema
	// record, as the embedded catalog holds it.
	refreshSessionCID = "bafyreigcy4ovht4rgredjpr53i4zgkxkvfdcmhhvhra5d3hffxwh2fhjne"
)

// cliCase is one command line: its exit code, stdout (a golden file, or
// nothing) and what stderr must contain.
type cliCase struct {
	name   string
	args   []string
	stdin  string
	code   int
	golden string // stdout compared with testdata/golden/<golden>; "" = stdout is empty
	stderr string // stderr must contain it; "" = stderr is empty
}

func runCases(t *testing.T, tests []cliCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.stdin, tt.args...)
			if code != tt.code {
				t.Errorf("exit code: got %d, want %d (stderr: %s)", code, tt.code, stderr)
			}
			if tt.golden != "" {
				checkGolden(t, tt.golden, stdout)
			} else if stdout != "" {
				t.Errorf("stdout: got %q, want nothing", stdout)
			}
			switch {
			case tt.stderr == "" && stderr != "":
				t.Errorf("stderr: got %q, want nothing", stderr)
			case !strings.Contains(stderr, tt.stderr):
				t.Errorf("stderr: got %q, want it to contain %q", stderr, tt.stderr)
			}
		})
	}
}

func TestUsage(t *testing.T) {
	runCases(t, []cliCase{
		{name: "help", args: []string{"help"}, code: 0, golden: "help.txt"},
		{name: "--help", args: []string{"--help"}, code: 0, golden: "help.txt"},
		{name: "help validate", args: []string{"help", "validate"}, code: 0, golden: "help-validate.txt"},
		{name: "validate -h", args: []string{"validate", "-h"}, code: 0, golden: "help-validate.txt"},
		{name: "help for an unknown command", args: []string{"help", "frobnicate"}, code: 2, stderr: `unknown command "frobnicate"`},
		{name: "unknown command", args: []string{"frobnicate"}, code: 2, stderr: "lexval: unknown command \"frobnicate\"\nRun 'lexval help' for the list of commands.\n"},
		{name: "mistyped command", args: []string{"valdate", "x.json"}, code: 2, stderr: "lexval: unknown command \"valdate\"; did you mean validate?\nRun 'lexval help' for the list of commands.\n"},
		{name: "help for a mistyped command", args: []string{"help", "veirfy"}, code: 2, stderr: "did you mean verify?"},
		{name: "unknown flag", args: []string{"validate", "--frobnicate", "x.json"}, code: 2, stderr: "lexval validate: unknown flag --frobnicate\nRun 'lexval help validate' for its flags.\n"},
		{name: "mistyped flag", args: []string{"validate", "--shema", "x", "x.json"}, code: 2, stderr: "lexval validate: unknown flag --shema; did you mean --schema?\n"},
		{name: "mistyped NSID", args: []string{"schema", "app.bsky.feed.pots"}, code: 2, stderr: "(did you mean app.bsky.feed.post?)"},
		{name: "unknown flag with one dash", args: []string{"validate", "-frobnicate=1", "x.json"}, code: 2, stderr: "lexval validate: unknown flag --frobnicate\n"},
		{name: "unknown serve flag", args: []string{"--frobnicate"}, code: 2, stderr: "lexval serve: unknown flag --frobnicate\n"},
		{name: "bad flag syntax", args: []string{"validate", "---format", "json", "-"}, code: 2, stderr: `lexval validate: bad flag syntax "---format"`},
		{name: "flag without its value", args: []string{"validate", "-", "--format"}, code: 2, stderr: "lexval validate: flag --format needs a value\n"},
		{name: "help after other flags", args: []string{"validate", "--format", "json", "--help"}, code: 0, golden: "help-validate.txt"},
		{name: "bad format", args: []string{"validate", "--format", "xml", "-"}, code: 2, stderr: `lexval validate: --format: "xml" is not one of: text, json, github` + "\n"},
		{name: "bad format with one dash", args: []string{"validate", "-format=xml", "-"}, code: 2, stderr: `lexval validate: --format: "xml" is not one of: text, json, github` + "\n"},
		{name: "bad boolean", args: []string{"validate", "--network=maybe", "-"}, code: 2, stderr: `lexval validate: --network: "maybe" is not a boolean: use true or false (or 1 or 0)` + "\n"},
		{name: "boolean set off", args: []string{"validate", "--allow-unresolved=false", "--lexicons", testLexicons, "testdata/records/valid.json"}, code: 0, golden: "validate-valid.txt"},
		{name: "cid without schema", args: []string{"validate", "--cid", refreshSessionCID, "-"}, code: 2, stderr: "--cid and --target need --schema"},
		{name: "target without schema", args: []string{"validate", "--target", "output", "-"}, code: 2, stderr: "--cid and --target need --schema"},
		{name: "bad target", args: []string{"validate", "--schema", "com.atproto.server.refreshSession", "--target", "body", "-"}, code: 2, stderr: `"body" is not a target`},
		{name: "bad schema reference", args: []string{"validate", "--schema", "not an nsid", "-"}, code: 2, stderr: "--schema"},
		{name: "bad pinned CID", args: []string{"validate", "--schema", "com.atproto.server.refreshSession", "--cid", "bafynope", "-"}, code: 2, stderr: `--cid: "bafynope" is not a CID`},
		{name: "bad max-value", args: []string{"validate", "--max-value", "lots", "-"}, code: 2, stderr: `"lots" is not a positive size`},
		{name: "bad plc-url", args: []string{"validate", "--plc-url", "ftp://plc", "-"}, code: 2, stderr: "is not an http(s) URL"},
		{name: "missing file", args: []string{"validate", "testdata/records/nope.json"}, code: 2, stderr: "lexval validate: stat testdata/records/nope.json: no such file or directory"},
		{name: "bad log format", args: []string{"serve", "--log-format", "xml"}, code: 2, stderr: `"xml" is not one of: text, json`},
		{name: "bad log level", args: []string{"serve", "--log-level", "verbose"}, code: 2, stderr: `"verbose" is not one of: debug, info, warn, error`},
		{name: "serve takes no arguments", args: []string{"serve", "now"}, code: 2, stderr: `unexpected argument "now"`},
		{name: "schema wants one reference", args: []string{"schema"}, code: 2, stderr: "want exactly one"},
		{name: "lint wants files", args: []string{"lint"}, code: 2, stderr: "no FILE or DIR given"},
		{name: "cid wants files", args: []string{"cid"}, code: 2, stderr: "no FILE given"},
		{name: "serve with a missing lexicon directory", args: []string{"serve", "--addr", "127.0.0.1:0", "--lexicons", "testdata/nope"}, code: 2, stderr: "msg=\"cannot start\""},
		{name: "validate with a missing lexicon directory", args: []string{"validate", "--lexicons", "testdata/nope", "-"}, code: 2, stderr: "lexval validate: loading lexicons: "},
		{name: "validate with a broken lexicon directory", args: []string{"validate", "--lexicons", "testdata/lint/broken", "-"}, code: 2, stderr: "lexval validate: loading lexicons: "},
		{name: "version takes no arguments", args: []string{"version", "x"}, code: 2, stderr: `unexpected argument "x"`},
	})
}

func TestEnvVariableErrors(t *testing.T) {
	tests := []struct {
		name, variable, value, want string
	}{
		{name: "size", variable: "LEXVAL_MAX_BODY", value: "huge", want: `lexval serve: LEXVAL_MAX_BODY="huge": "huge" is not a positive size in bytes (e.g. 2097152 or 2MiB)` + "\n"},
		{name: "boolean", variable: "LEXVAL_NETWORK", value: "maybe", want: `lexval serve: LEXVAL_NETWORK="maybe": "maybe" is not a boolean: use true or false (or 1 or 0)` + "\n"},
		{name: "choice", variable: "LEXVAL_LOG_LEVEL", value: "loud", want: `lexval serve: LEXVAL_LOG_LEVEL="loud": "loud" is not one of: debug, info, warn, error` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(tt.variable, tt.value)
			code, _, stderr := runCLI(t, "", "serve")
			if code != exitError {
				t.Errorf("exit code: got %d, want %d", code, exitError)
			}
			if !strings.HasPrefix(stderr, tt.want) {
				t.Errorf("stderr: got %q, want it to start with %q", stderr, tt.want)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}, {"-version"}} {
		t.Run(args[0], func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", args...)
			if code != 0 || !strings.HasPrefix(stdout, "lexval ") || stderr != "" {
				t.Errorf("got code %d, stdout %q, stderr %q; want 0, \"lexval <version> (go...)\", nothing", code, stdout, stderr)
			}
		})
	}
}

// TestValidateStdin: without a FILE, validate reads standard input when it
// is piped, and asks for a FILE when it is a terminal (or /dev/null).
func TestValidateStdin(t *testing.T) {
	t.Run("piped", func(t *testing.T) {
		code, stdout, stderr := runCLI(t, `{"$type":"app.bsky.feed.post","text":"hi","createdAt":"2024-01-01T00:00:00Z"}`+"\n{}\n", "validate")
		if code != exitInvalid || !strings.Contains(stdout, "stdin:2: invalid") || !strings.Contains(stdout, "2 values, 1 invalid") {
			t.Errorf("got exit %d, stdout %q, stderr %q; want stdin read, line 2 invalid", code, stdout, stderr)
		}
	})
	t.Run("a character device", func(t *testing.T) {
		null, err := os.Open(os.DevNull)
		if err != nil {
			t.Fatal(err)
		}
		defer null.Close()
		var out, errOut bytes.Buffer
		code := Run(context.Background(), []string{"validate"}, null, &out, &errOut)
		if code != exitError || !strings.Contains(errOut.String(), "no FILE given") {
			t.Errorf("got exit %d, stderr %q; want 2 and no FILE given", code, errOut.String())
		}
	})
}
