//go:build unix

package resolver

import (
	"bytes"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/lexval/lexval/internal/inputfile/inputfiletest"
)

// secret stands for a file a link may lead to, such as /etc/shadow.
const secret = "root:$6$salt$hash:19000:0:99999:7:::\n"

// TestDirectorySpecialEntries (issue 15): a lexicon directory is read as
// the lexval command reads its inputs: a named pipe called x.json (which
// hung start-up), a link to /dev/zero, a link out of the tree, a link to a
// directory and one to nothing are skipped and logged; a link inside the
// tree is read.
func TestDirectorySpecialEntries(t *testing.T) {
	dir := inputfiletest.SpecialTree(t, []byte(lexiconJSON("com.example.good", "good")), []byte(lexiconJSON("com.example.inside", "inside")), secret)
	got, logs := loadedFrom(t, Config{Directories: []string{dir}})
	if want := []string{"com.example.good", "com.example.inside"}; !slices.Equal(got, want) {
		t.Errorf("loaded %v, want %v", got, want)
	}
	for _, skipped := range []string{
		"broken.json reason=\"a symbolic link that leads nowhere\"",
		"dir.json reason=\"a symbolic link to a directory\"",
		"fifo.json reason=\"a named pipe, not a regular file\"",
		"outside.json reason=\"a symbolic link to a file outside " + dir + "\"",
		"zero.json reason=\"a symbolic link to a character device\"",
	} {
		if !strings.Contains(logs.String(), skipped) {
			t.Errorf("log: got %s, want it to say %s", logs.String(), skipped)
		}
	}
}

// loadedFrom returns the NSIDs a resolver with cfg loads from directories,
// and what it logged.
func loadedFrom(t *testing.T, cfg Config) (nsids []string, logs *bytes.Buffer) {
	t.Helper()
	logs = new(bytes.Buffer)
	cfg.Logger = slog.New(slog.NewTextHandler(logs, nil))
	r, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	for _, rec := range r.Local() {
		if rec.Source == SourceDirectory {
			nsids = append(nsids, string(rec.NSID()))
		}
	}
	return nsids, logs
}

// TestDirectoryFollowSymlinks: with Config.FollowSymlinks a link to a file
// outside the directory is read too; the other special entries are still
// skipped.
func TestDirectoryFollowSymlinks(t *testing.T) {
	dir := inputfiletest.SpecialTree(t, []byte(lexiconJSON("com.example.good", "good")), []byte(lexiconJSON("com.example.inside", "inside")), lexiconJSON("com.example.outside", "outside"))
	got, logs := loadedFrom(t, Config{Directories: []string{dir}, FollowSymlinks: true})
	if want := []string{"com.example.good", "com.example.inside", "com.example.outside"}; !slices.Equal(got, want) {
		t.Errorf("loaded %v, want %v", got, want)
	}
	if strings.Contains(logs.String(), "outside.json") || !strings.Contains(logs.String(), "zero.json") {
		t.Errorf("log: got %s, want zero.json skipped and outside.json read", logs.String())
	}
}

// TestDirectoryDecodeErrorQuotesNothing: a file that is not JSON is an
// error that says where and what kind of byte, not which.
func TestDirectoryDecodeErrorQuotesNothing(t *testing.T) {
	dir := t.TempDir()
	path := writeLexicon(t, dir, "shadow.json", secret)
	_, err := New(Config{Directories: []string{dir}})
	want := path + ": invalid record: invalid JSON at line 1, column 1: JSON syntax does not allow a letter there (byte offset 0)"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("got %v, want it to say %q", err, want)
	}
	if strings.Contains(err.Error(), "'r'") || strings.Contains(err.Error(), "root") {
		t.Errorf("%q quotes the file", err)
	}
	if !errors.Is(err, ErrInvalidRecord) {
		t.Errorf("%v does not wrap ErrInvalidRecord", err)
	}
}
