package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestValidate(t *testing.T) {
	mixed := "testdata/records/mixed.jsonl"
	sessions := "testdata/records/sessions.jsonl"
	refresh := "com.atproto.server.refreshSession"
	runCases(t, []cliCase{
		{name: "valid file", args: []string{"validate", "--lexicons", testLexicons, "testdata/records/valid.json"}, code: 0, golden: "validate-valid.txt"},
		{name: "invalid file text", args: []string{"validate", "--lexicons", testLexicons, "testdata/records/invalid.json"}, code: 1, golden: "validate-invalid.txt"},
		{name: "invalid file github", args: []string{"validate", "--lexicons", testLexicons, "--format", "github", "testdata/records/invalid.json"}, code: 1, golden: "validate-invalid.github"},
		{name: "mixed text", args: []string{"validate", "--lexicons", testLexicons, mixed}, code: 1, golden: "validate-mixed.txt"},
		{name: "mixed json", args: []string{"validate", "--lexicons", testLexicons, "--format", "json", mixed}, code: 1, golden: "validate-mixed.jsonl"},
		{name: "mixed github", args: []string{"validate", "--lexicons", testLexicons, "--format", "github", mixed}, code: 1, golden: "validate-mixed.github"},
		{name: "mixed allow unresolved", args: []string{"validate", "--lexicons", testLexicons, "--allow-unresolved", "--format", "json", mixed}, code: 1, golden: "validate-mixed-unresolved.jsonl"},
		{name: "flags after files", args: []string{"validate", mixed, "--format", "json", "--lexicons", testLexicons}, code: 1, golden: "validate-mixed.jsonl"},
		{name: "directory", args: []string{"validate", "--lexicons", testLexicons, "--format", "json", "testdata/records"}, code: 1, golden: "validate-directory.jsonl"},
		{name: "stdin", args: []string{"validate", "--lexicons", testLexicons, "--format", "json", "-"}, stdin: "{\"$type\":\"com.example.cli.post\",\"text\":\"a\",\"createdAt\":\"2024-01-02T03:04:05Z\"}\r\n\r\n{\"$type\":\"com.example.cli.post\"}\n", code: 1, golden: "validate-stdin.jsonl"},
		{name: "empty stdin", args: []string{"validate", "-"}, code: 0, golden: "validate-empty.txt"},
		{name: "many errors text", args: []string{"validate", "--lexicons", testLexicons, "--max-errors", "2", "-"}, stdin: manyErrorsPost, code: 1, golden: "validate-many-errors.txt"},
		{name: "many errors json", args: []string{"validate", "--lexicons", testLexicons, "--max-errors", "2", "--format", "json", "-"}, stdin: manyErrorsPost, code: 1, golden: "validate-many-errors.jsonl"},
		{name: "many errors github", args: []string{"validate", "--lexicons", testLexicons, "--max-errors", "2", "--format", "github", "-"}, stdin: manyErrorsPost, code: 1, golden: "validate-many-errors.github"},
		{name: "every error", args: []string{"validate", "--lexicons", testLexicons, "--max-errors", "0", "--format", "json", "-"}, stdin: manyErrorsPost, code: 1, golden: "validate-every-error.jsonl"},
		{name: "negative max errors", args: []string{"validate", "--max-errors", "-1", "-"}, code: 2, stderr: "--max-errors -1: want 0 (every error) or a positive number"},
		{name: "value over the size limit", args: []string{"validate", "--lexicons", testLexicons, "--max-value", "100", "--format", "json", "-"}, stdin: `{"$type":"com.example.cli.post","text":"` + strings.Repeat("long ", 30) + `","createdAt":"2024-01-02T03:04:05Z"}` + "\n" + `{"$type":"com.example.cli.post","text":"short","createdAt":"2024-01-02T03:04:05Z"}`, code: 1, golden: "validate-oversize.jsonl"},
		{name: "without the lexicons the $type is unknown", args: []string{"validate", "--format", "json", "testdata/records/valid.json"}, code: 1, golden: "validate-no-lexicons.jsonl"},
		{name: "schema output", args: []string{"validate", "--schema", refresh, "--format", "json", sessions}, code: 1, golden: "validate-sessions.jsonl"},
		{name: "schema output text", args: []string{"validate", "--schema", refresh, "--target", "output", sessions}, code: 1, golden: "validate-sessions.txt"},
		{name: "schema pinned CID", args: []string{"validate", "--schema", refresh, "--cid", refreshSessionCID, "testdata/records/session.json"}, code: 0, golden: "validate-session.txt"},
		{name: "schema by AT-URI", args: []string{"validate", "--schema", "at://did:plc:6msi3pj7krzih5qxqtryxlzw/com.atproto.lexicon.schema/" + refresh, "testdata/records/session.json"}, code: 0, golden: "validate-session.txt"},
		{name: "schema pinned CID mismatch", args: []string{"validate", "--schema", refresh, "--cid", "bafyreigtmtzisxiuao4kcswgnbud7wmpkcnsdb6h2kenhbnaolsx7bpiq4", "testdata/records/session.json"}, code: 2, stderr: "lexval validate: schema com.atproto.server.refreshSession: "},
		{name: "schema not found", args: []string{"validate", "--schema", "com.example.nope", "testdata/records/session.json"}, code: 2, stderr: "lexval validate: schema com.example.nope: "},
		{name: "schema without a record target", args: []string{"validate", "--schema", refresh, "--target", "record", "testdata/records/session.json"}, code: 2, stderr: "lexval validate: schema com.atproto.server.refreshSession: "},
	})
}

// manyErrorsPost is a post with six errors: a list over its length, and
// five bad items.
const manyErrorsPost = `{"$type":"com.example.cli.post","text":"x","createdAt":"2024-01-02T03:04:05Z","langs":["!","!","!","!","!"]}` + "\n"

func TestValidateEnvLexicons(t *testing.T) {
	t.Setenv("LEXVAL_LEXICONS", testLexicons)
	runCases(t, []cliCase{
		{name: "from the variable", args: []string{"validate", "testdata/records/valid.json"}, code: 0, golden: "validate-valid.txt"},
		{name: "flag wins", args: []string{"validate", "--lexicons", "testdata/lint/clean", "--format", "json", "testdata/records/valid.json"}, code: 1, golden: "validate-no-lexicons.jsonl"},
	})
}

// TestValidateHugeLine streams a line larger than the limit between two good
// ones: it is an invalid value, and the lines around it are checked.
func TestValidateHugeLine(t *testing.T) {
	good := `{"$type":"com.example.cli.post","text":"ok","createdAt":"2024-01-02T03:04:05Z"}`
	huge := `{"$type":"com.example.cli.post","text":"` + strings.Repeat("x", 3<<20) + `"}`
	code, stdout, stderr := runCLI(t, good+"\n"+huge+"\n"+good+"\n", "validate", "--lexicons", testLexicons, "--format", "json", "-")
	if code != exitInvalid || stderr != "" {
		t.Fatalf("got exit %d, stderr %q; want 1 and nothing", code, stderr)
	}
	var got []jsonVerdict
	dec := json.NewDecoder(strings.NewReader(stdout))
	for dec.More() {
		var v jsonVerdict
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	if len(got) != 3 {
		t.Fatalf("got %d verdicts, want 3:\n%s", len(got), stdout)
	}
	for i, want := range []bool{true, false, true} {
		if got[i].Valid != want || got[i].Source != fmt.Sprintf("stdin:%d", i+1) {
			t.Errorf("verdict %d: got %s valid=%v, want stdin:%d valid=%v", i, got[i].Source, got[i].Valid, i+1, want)
		}
	}
	if len(got[1].Errors) != 1 || !strings.Contains(got[1].Errors[0].Message, "over the limit of 2097152 bytes") {
		t.Errorf("huge line: got errors %+v, want one saying it is over the limit", got[1].Errors)
	}
}

// orderChecker is stdout for the streaming test: it checks each JSON line's
// source as it arrives, keeping nothing.
type orderChecker struct {
	buf     []byte
	next    int
	invalid int
	err     error
}

func (o *orderChecker) Write(p []byte) (int, error) {
	o.buf = append(o.buf, p...)
	for {
		i := bytes.IndexByte(o.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		o.line(o.buf[:i])
		o.buf = o.buf[i+1:]
	}
}

func (o *orderChecker) line(b []byte) {
	if o.err != nil {
		return
	}
	var v struct {
		Source string `json:"source"`
		Valid  bool   `json:"valid"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		o.err = err
		return
	}
	o.next++
	if want := fmt.Sprintf("stdin:%d", o.next); v.Source != want {
		o.err = fmt.Errorf("got source %s, want %s: out of order", v.Source, want)
	}
	if !v.Valid {
		o.invalid++
	}
}

// TestValidateStreamsInBoundedMemory pipes generated records through
// `lexval validate -`: output in input order, heap bounded while the input
// is many times larger.
func TestValidateStreamsInBoundedMemory(t *testing.T) {
	n := 200_000
	if raceEnabled {
		n = 30_000
	}
	pr, pw := io.Pipe()
	go writeLines(pw, n, func(i int) string {
		date := "2024-01-02T03:04:05Z"
		if i%1000 == 0 {
			date = "not a date" // every 1000th record is invalid
		}
		return fmt.Sprintf(`{"$type":"com.example.cli.post","text":"post %d 🦋 ok","langs":["en"],"createdAt":%q}`, i, date)
	})
	base := heapInuse()
	sampler := sampleHeap(10 * time.Millisecond)
	out := &orderChecker{}
	var errOut bytes.Buffer
	code := Run(t.Context(), []string{"validate", "--lexicons", testLexicons, "--format", "json", "-"}, pr, out, &errOut)
	peak := sampler.done()
	if out.err != nil {
		t.Fatal(out.err)
	}
	if code != exitInvalid || errOut.Len() != 0 {
		t.Fatalf("got exit %d, stderr %q; want 1 and nothing", code, errOut.String())
	}
	if out.next != n || out.invalid != n/1000 {
		t.Errorf("got %d verdicts, %d invalid; want %d, %d", out.next, out.invalid, n, n/1000)
	}
	const bound = 24 << 20
	growth := int64(peak) - int64(base)
	t.Logf("heap in use: %d KiB before, %d KiB peak while validating %d lines", base>>10, peak>>10, n)
	if growth > bound {
		t.Errorf("heap grew by %d MiB, want at most %d MiB", growth>>20, bound>>20)
	}
}

// TestValidateTextSummaryLast checks that the summary is the text format's
// last line, after every invalid value.
func TestValidateTextSummaryLast(t *testing.T) {
	_, stdout, _ := runCLI(t, "", "validate", "--lexicons", testLexicons, "testdata/records/mixed.jsonl")
	sc := bufio.NewScanner(strings.NewReader(stdout))
	var last string
	for sc.Scan() {
		last = sc.Text()
	}
	if want := "8 values, 7 invalid"; !strings.HasPrefix(last, want) {
		t.Errorf("last line: got %q, want it to start with %q", last, want)
	}
}

// TestUncompilableLexicon: a lexicon that parses but cannot be compiled is
// reported in the lexicon's terms, never in the JSON Schema compiler's.
func TestUncompilableLexicon(t *testing.T) {
	dir := t.TempDir()
	loop := `{"lexicon":1,"id":"com.example.cli.loop","defs":{"main":{"type":"record","key":"tid","record":{"type":"object","properties":{"a":{"type":"ref","ref":"#a"}}}},"a":{"type":"ref","ref":"#b"},"b":{"type":"ref","ref":"#a"}}}`
	if err := os.WriteFile(filepath.Join(dir, "com.example.cli.loop.json"), []byte(loop), 0o644); err != nil {
		t.Fatal(err)
	}
	record := `{"$type":"com.example.cli.loop","a":1}`
	tests := []struct {
		name string
		args []string
		code int
	}{
		{name: "by $type", args: []string{"validate", "--lexicons", dir, "-"}, code: exitInvalid},
		{name: "by --schema", args: []string{"validate", "--lexicons", dir, "--schema", "com.example.cli.loop", "-"}, code: exitError},
		{name: "JSON Schema", args: []string{"schema", "--lexicons", dir, "--jsonschema", "com.example.cli.loop"}, code: exitError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, record, tt.args...)
			if code != tt.code {
				t.Errorf("exit code: got %d, want %d", code, tt.code)
			}
			out := stdout + stderr
			if !strings.Contains(out, "com.example.cli.loop (record) cannot be compiled") {
				t.Errorf("got %q, want it to say com.example.cli.loop (record) cannot be compiled", out)
			}
			for _, internal := range []string{"jsonschema", "urn:", "$ref", "compilation failed"} {
				if strings.Contains(out, internal) {
					t.Errorf("got %q, want nothing of the compiler (%q)", out, internal)
				}
			}
		})
	}
}

// TestValidateManyErrorsBounded: values with thousands of errors each cost
// output and memory in proportion to what --max-errors lists, not to what
// they hold (issue 15: eight 2 MiB invalid posts once cost 2.9 GB and
// 1.45 GB of output). Scaled down: eight posts of 10,000 bad items.
func TestValidateManyErrorsBounded(t *testing.T) {
	post := `{"$type":"com.example.cli.post","text":"x","createdAt":"2024-01-02T03:04:05Z","langs":[` + strings.TrimSuffix(strings.Repeat(`"!",`, 10_000), ",") + "]}\n"
	input := strings.Repeat(post, 8)
	run := func(maxErrors string) (output int, allocated uint64) {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		code, stdout, stderr := runCLI(t, input, "validate", "--lexicons", testLexicons, "--format", "json", "--max-errors", maxErrors, "-")
		runtime.ReadMemStats(&after)
		if code != exitInvalid || stderr != "" {
			t.Fatalf("--max-errors %s: got exit %d, stderr %q", maxErrors, code, stderr)
		}
		for line := range strings.Lines(stdout) {
			var v jsonVerdict
			if err := json.Unmarshal([]byte(line), &v); err != nil {
				t.Fatal(err)
			}
			if listed := len(v.Errors); maxErrors != "0" && (listed != 100 || !v.ErrorsTruncated || v.ErrorCount != 10_001) {
				t.Fatalf("--max-errors %s: got %d errors, truncated %v, count %d; want 100 listed of 10001", maxErrors, listed, v.ErrorsTruncated, v.ErrorCount)
			}
		}
		return len(stdout), after.TotalAlloc - before.TotalAlloc
	}
	// What a run costs whatever its input (loading the catalogs, compiling
	// the schema) is measured on one valid post, and left out: the bound
	// is on what the values cost.
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	if code, _, stderr := runCLI(t, `{"$type":"com.example.cli.post","text":"x","createdAt":"2024-01-02T03:04:05Z"}`+"\n", "validate", "--lexicons", testLexicons, "--format", "json", "-"); code != exitOK {
		t.Fatalf("a valid post: got exit %d, stderr %q", code, stderr)
	}
	runtime.ReadMemStats(&after)
	fixed := after.TotalAlloc - before.TotalAlloc
	capOut, capAlloc := run("100")
	allOut, allAlloc := run("0")
	capAlloc, allAlloc = capAlloc-min(fixed, capAlloc), allAlloc-min(fixed, allAlloc)
	t.Logf("input %d bytes; a run costs %d allocated whatever its input; beyond that, --max-errors 100: %d bytes out, %d allocated; every error: %d bytes out, %d allocated", len(input), fixed, capOut, capAlloc, allOut, allAlloc)
	if capOut > 8*20<<10 || capOut*50 > allOut {
		t.Errorf("output: got %d bytes with the limit, %d without; want at most 20 KB a value, and far less than without", capOut, allOut)
	}
	if capAlloc > 60*uint64(len(input)) || capAlloc*5 > allAlloc {
		t.Errorf("allocated: got %d bytes with the limit (%d per input byte), %d without; want at most 60 per input byte, and far less than without", capAlloc, capAlloc/uint64(len(input)), allAlloc)
	}
}
