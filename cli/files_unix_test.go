//go:build unix

package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lexval/lexval/internal/inputfile/inputfiletest"
)

// secret stands for a file a link may lead to, such as /etc/shadow: it must
// never be read without --follow-symlinks, nor quoted when it is.
const secret = "root:$6$salt$hash:19000:0:99999:7:::\n"

// specialTree is a directory whose .json entries are a valid record, a link
// to one inside the tree, and the kinds of entry that must not be read.
func specialTree(t *testing.T) string {
	t.Helper()
	valid, err := os.ReadFile("testdata/records/valid.json")
	if err != nil {
		t.Fatal(err)
	}
	return inputfiletest.SpecialTree(t, valid, valid, secret)
}

// TestSpecialEntries: only regular files are read; the rest is skipped and
// listed, and nothing hangs on a pipe or a device.
func TestSpecialEntries(t *testing.T) {
	dir := specialTree(t)
	skipped := []string{
		"skipped " + filepath.Join(dir, "broken.json") + ": a symbolic link that leads nowhere",
		"skipped " + filepath.Join(dir, "dir.json") + ": a symbolic link to a directory",
		"skipped " + filepath.Join(dir, "fifo.json") + ": a named pipe, not a regular file",
		"skipped " + filepath.Join(dir, "outside.json") + ": a symbolic link to a file outside " + dir + " (--follow-symlinks reads it)",
		"skipped " + filepath.Join(dir, "zero.json") + ": a symbolic link to a character device",
	}
	for _, cmd := range []string{"validate", "lint"} {
		t.Run(cmd, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", cmd, "--lexicons", testLexicons, "--format", "json", dir)
			for _, s := range skipped {
				if !strings.Contains(stderr, "lexval "+cmd+": "+s+"\n") {
					t.Errorf("stderr: got %q, want it to say %q", stderr, s)
				}
			}
			var sources []string
			for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
				sources = append(sources, strings.SplitN(line, `"`, 5)[3])
			}
			want := filepath.Join(dir, "good.json") + " " + filepath.Join(dir, "inside.json")
			if got := strings.Join(sources, " "); got != want {
				t.Errorf("read: got %s, want %s", got, want)
			}
			if cmd == "validate" && code != exitOK {
				t.Errorf("exit code: got %d, want 0 (stderr %q)", code, stderr)
			}
		})
	}
	t.Run("follow-symlinks", func(t *testing.T) {
		code, stdout, stderr := runCLI(t, "", "validate", "--lexicons", testLexicons, "--follow-symlinks", dir)
		if code != exitInvalid {
			t.Errorf("exit code: got %d, want 1 (stderr %q)", code, stderr)
		}
		want := filepath.Join(dir, "outside.json") + ": invalid\n  invalid JSON at line 1, column 1: JSON syntax does not allow a letter there (byte offset 0)\n"
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout: got %q, want it to contain %q", stdout, want)
		}
		if strings.Contains(stdout+stderr, "'r'") || strings.Contains(stdout+stderr, "root") {
			t.Errorf("the linked file's content shows in the output:\n%s%s", stdout, stderr)
		}
		if strings.Contains(stderr, "outside.json") {
			t.Errorf("stderr: got %q, want outside.json read, not skipped", stderr)
		}
	})
}

// TestSpecialFilesNamed: a file that is not a regular one, named on the
// command line, is an error (exit 2), not a hang.
func TestSpecialFilesNamed(t *testing.T) {
	dir := specialTree(t)
	fifo := filepath.Join(dir, "fifo.json")
	zero := filepath.Join(dir, "zero.json")
	runCases(t, []cliCase{
		{name: "validate a named pipe", args: []string{"validate", fifo}, code: 2, stderr: "lexval validate: " + fifo + " is a named pipe, not a regular file (to read a stream, pipe it to standard input: -)\n"},
		{name: "validate a link to /dev/zero", args: []string{"validate", zero}, code: 2, stderr: zero + " is a character device, not a regular file"},
		{name: "validate /dev/zero", args: []string{"validate", "/dev/zero"}, code: 2, stderr: "/dev/zero is a character device, not a regular file"},
		{name: "lint a named pipe", args: []string{"lint", fifo}, code: 2, stderr: "lexval lint: " + fifo + " is a named pipe"},
		{name: "cid a link to /dev/zero", args: []string{"cid", zero}, code: 2, stderr: "lexval cid: " + zero + " is a character device"},
	})
}

// TestLinkedDirectoryArgument: a directory named through a link is walked.
func TestLinkedDirectoryArgument(t *testing.T) {
	link := filepath.Join(t.TempDir(), "records")
	abs, err := filepath.Abs("testdata/lexicons")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(abs, link); err != nil {
		t.Fatal(err)
	}
	_, stdout, stderr := runCLI(t, "", "lint", link)
	if !strings.Contains(stdout, "\n2 documents, ") || stderr != "" {
		t.Errorf("got %q, %q; want the directory's 2 documents linted", stdout, stderr)
	}
}

// TestFollowSymlinksLexicons: a --lexicons directory is read as inputs are:
// a link in it to a lexicon outside its tree is skipped, and said so on
// stderr, unless --follow-symlinks is given.
func TestFollowSymlinksLexicons(t *testing.T) {
	lexicons, elsewhere := t.TempDir(), t.TempDir()
	doc := `{"lexicon":1,"id":"com.example.linked","defs":{"main":{"type":"record","key":"any","record":{"type":"object","required":["n"],"properties":{"n":{"type":"integer"}}}}}}`
	target := filepath.Join(elsewhere, "linked.json")
	if err := os.WriteFile(target, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(lexicons, "linked.json")); err != nil {
		t.Fatal(err)
	}
	record := filepath.Join(t.TempDir(), "record.json")
	if err := os.WriteFile(record, []byte(`{"$type":"com.example.linked","n":1}`), 0o644); err != nil {
		t.Fatal(err)
	}

	code, stdout, stderr := runCLI(t, "", "validate", "--lexicons", lexicons, record)
	if code != exitInvalid || !strings.Contains(stdout, "com.example.linked") {
		t.Errorf("without --follow-symlinks: exit %d, stdout %q; want 1, the $type's lexicon not found", code, stdout)
	}
	if !strings.Contains(stderr, "linked.json") {
		t.Errorf("without --follow-symlinks: stderr %q, want the skipped link named", stderr)
	}
	code, stdout, stderr = runCLI(t, "", "validate", "--lexicons", lexicons, "--follow-symlinks", record)
	if code != exitOK {
		t.Errorf("with --follow-symlinks: exit %d, stdout %q, stderr %q; want 0", code, stdout, stderr)
	}
}
