package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSafeText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{name: "plain", in: "records/post.json", want: "records/post.json"},
		{name: "non-ASCII stays", in: "café/👋🏽‍.json", want: "café/👋🏽‍.json"},
		{name: "backslashes stay", in: `C:\records\a.json`, want: `C:\records\a.json`},
		{name: "newline", in: "a\n::warning::pwned", want: `a\n::warning::pwned`},
		{name: "carriage return", in: "a\rb", want: `a\rb`},
		{name: "tab", in: "a\tb", want: `a\tb`},
		{name: "terminal escape", in: "\x1b[31mred", want: `\x1b[31mred`},
		{name: "DEL", in: "a\x7f", want: `a\x7f`},
		{name: "C1 control", in: "a\u0085b", want: `a\u0085b`},
		{name: "line separator", in: "a\u2028b", want: `a\u2028b`},
		{name: "bidirectional override", in: "txt.\u202eexe", want: `txt.\u202eexe`},
		{name: "invalid UTF-8", in: "a\xffb", want: `a\xffb`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := safeText(tt.in); got != tt.want {
				t.Errorf("safeText(%q): got %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	t.Run("no allocation when nothing is escaped", func(t *testing.T) {
		s := "records/post.json: /text: text is 320 graphemes, maximum 300"
		if n := testing.AllocsPerRun(100, func() { safeText(s) }); n != 0 {
			t.Errorf("got %v allocations, want 0", n)
		}
	})
}

// TestNoWorkflowCommandInjection: a file name or a key holding a newline and
// a workflow command shows escaped in every output format, never as a line
// of its own.
func TestNoWorkflowCommandInjection(t *testing.T) {
	dir := t.TempDir()
	name := "post\n::warning file=x.json::pwned\n\x1b[2J.json"
	// A record whose invalid field is named like the file: its JSON Pointer
	// carries the same characters.
	record := `{"$type":"com.example.cli.post","text":"hi","createdAt":"2024-01-02T03:04:05Z","x\n::error::pwned":1.5}`
	if err := os.WriteFile(filepath.Join(dir, name), []byte(record), 0o644); err != nil {
		t.Skipf("this file system takes no such name: %v", err)
	}
	for _, format := range []string{"text", "github", "json"} {
		t.Run(format, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", "validate", "--lexicons", testLexicons, "--format", format, dir)
			if code != exitInvalid {
				t.Errorf("exit code: got %d, want 1 (stderr %q)", code, stderr)
			}
			for _, line := range strings.Split(stdout+stderr, "\n") {
				if strings.HasPrefix(line, "::warning") || strings.HasPrefix(line, "::error::pwned") || strings.Contains(line, "\x1b") {
					t.Errorf("output has a line of the input's making: %q\nall of it:\n%s%s", line, stdout, stderr)
				}
			}
			want := map[string]string{"text": `post\n::warning file`, "github": `file=` + githubProperty(dir) + `/post\n%3A%3Awarning file`}[format]
			if !strings.Contains(stdout, want) {
				t.Errorf("stdout: got %q, want the file name escaped: %q", stdout, want)
			}
		})
	}
	t.Run("cid", func(t *testing.T) {
		other := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(other, []byte(`{}`), 0o644); err != nil {
			t.Fatal(err)
		}
		_, stdout, stderr := runCLI(t, "", "cid", other)
		if !strings.HasSuffix(stdout, `post\n::warning file=x.json::pwned\n\x1b[2J.json`+"\n") || strings.Count(stdout, "\n") != 1 {
			t.Errorf("stdout: got %q (stderr %q), want the file name escaped on one line", stdout, stderr)
		}
	})
}
