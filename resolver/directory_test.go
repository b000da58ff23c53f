package resolver

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bluesky-social/indigo/atproto/syntax"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/internal/reference"
)

// corpusSize is the number of lexicon files in the shared atproto corpus.
const corpusSize = 402

func corpusDir(t testing.TB) string {
	return reference.Path(t, "atproto", "lexicons")
}

func mustDecode(t testing.TB, data []byte) any {
	t.Helper()
	v, err := datamodel.DecodeJSON(data)
	if err != nil {
		t.Fatalf("decode %s: %v", data, err)
	}
	return v
}

func TestLoadCorpus(t *testing.T) {
	dir := corpusDir(t)
	recs, _, err := loadDirectory(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != corpusSize {
		t.Errorf("got %d records, want %d", len(recs), corpusSize)
	}
	for _, rec := range recs {
		if rec.Source != SourceDirectory || rec.URI != "" || !rec.CID.Defined() || rec.Document.CID() != rec.CID.String() {
			t.Errorf("%s: got source %s, URI %q, CID %s, Document.CID %s; want a directory record with its CID", rec.Location, rec.Source, rec.URI, rec.CID, rec.Document.CID())
		}
		if !strings.HasPrefix(rec.Location, dir) {
			t.Errorf("got location %s, want a file under %s", rec.Location, dir)
		}
	}
}

// TestDirectoryCIDIsThePublishedOne: the corpus's com.atproto.lexicon.schema
// is the published record minus its $type, so its directory CID must be the
// published CID.
func TestDirectoryCIDIsThePublishedOne(t *testing.T) {
	rec, err := loadLexiconFile(filepath.Join(corpusDir(t), "com", "atproto", "lexicon", "schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	const published = "bafyreigtmtzisxiuao4kcswgnbud7wmpkcnsdb6h2kenhbnaolsx7bpiq4"
	if rec.CID.String() != published {
		t.Errorf("got CID %s, want the published %s", rec.CID, published)
	}
}

func writeLexicon(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func lexiconJSON(nsid, description string) string {
	return `{"lexicon":1,"id":"` + nsid + `","description":"` + description + `","defs":{"main":{"type":"object","properties":{}}}}`
}

func TestDirectoriesOverride(t *testing.T) {
	const refresh = "com.atproto.server.refreshSession"
	first, second := t.TempDir(), t.TempDir()
	writeLexicon(t, first, "a.json", lexiconJSON(refresh, "first"))
	writeLexicon(t, first, "b.json", lexiconJSON("com.example.only.first", "first"))
	writeLexicon(t, second, "nested/a.json", lexiconJSON(refresh, "second"))

	r, err := New(Config{Directories: []string{first, second}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		query      Query
		wantSource SourceKind
		wantDesc   string
	}{
		{name: "the later directory wins", query: Query{NSID: refresh}, wantSource: SourceDirectory, wantDesc: "second"},
		{name: "an earlier directory still counts", query: Query{NSID: "com.example.only.first"}, wantSource: SourceDirectory, wantDesc: "first"},
		{name: "embedded where no directory says otherwise", query: Query{NSID: "com.atproto.lexicon.schema"}, wantSource: SourceEmbedded},
		{
			name:       "an AT-URI still names the published record",
			query:      Query{URI: "at://did:plc:6msi3pj7krzih5qxqtryxlzw/com.atproto.lexicon.schema/" + refresh},
			wantSource: SourceEmbedded,
			wantDesc:   "Refresh an authentication session",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, err := r.Resolve(t.Context(), tt.query)
			if err != nil {
				t.Fatal(err)
			}
			if rec.Source != tt.wantSource {
				t.Errorf("got source %s, want %s", rec.Source, tt.wantSource)
			}
			if !strings.Contains(string(rec.Value), tt.wantDesc) {
				t.Errorf("got value %s, want one containing %q", rec.Value, tt.wantDesc)
			}
		})
	}

	local := unbundled(r.Local())
	var nsids []syntax.NSID
	for _, rec := range local {
		nsids = append(nsids, rec.NSID())
	}
	want := []syntax.NSID{"com.atproto.lexicon.schema", refresh, "com.example.only.first"}
	if strings.Join(toStrings(nsids), " ") != strings.Join(toStrings(want), " ") {
		t.Errorf("got local NSIDs %v, want %v", nsids, want)
	}
}

func toStrings(ns []syntax.NSID) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = string(n)
	}
	return out
}

func TestDirectoryErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		is    error  // nil: any error
		says  string // the file the error must name, relative to the directory
	}{
		{name: "not JSON", files: map[string]string{"bad.json": `{"lexicon":`}, is: ErrInvalidRecord, says: "bad.json"},
		{name: "not an object", files: map[string]string{"list.json": `[]`}, is: ErrInvalidRecord, says: "list.json"},
		{name: "another $type", files: map[string]string{"post.json": `{"$type":"app.bsky.feed.post","lexicon":1,"id":"a.b.c","defs":{}}`}, is: ErrInvalidRecord, says: "post.json"},
		{name: "a float", files: map[string]string{"f.json": `{"lexicon":1,"id":"a.b.c","defs":{"main":{"type":"integer","default":1.5}}}`}, is: ErrInvalidRecord, says: "f.json"},
		{name: "not a lexicon", files: map[string]string{"x.json": `{"lexicon":2,"id":"a.b.c","defs":{}}`}, is: ErrInvalidRecord, says: "x.json"},
		{name: "two files, one id", files: map[string]string{"one.json": lexiconJSON("a.b.c", "1"), "sub/two.json": lexiconJSON("a.b.c", "2")}, says: "sub/two.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range tt.files {
				writeLexicon(t, dir, name, content)
			}
			_, err := New(Config{Directories: []string{dir}})
			if err == nil {
				t.Fatal("got no error, want one")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("got error %v, want one wrapping %v", err, tt.is)
			}
			if !strings.Contains(err.Error(), filepath.Join(dir, tt.says)) {
				t.Errorf("got error %q, want it to name %s", err, filepath.Join(dir, tt.says))
			}
		})
	}
}

func TestDirectoryMissing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nowhere")
	_, err := New(Config{Directories: []string{dir}})
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), dir) {
		t.Errorf("got error %v, want a not-exist error naming %s", err, dir)
	}
}

func TestDirectorySkipsOtherFiles(t *testing.T) {
	dir := t.TempDir()
	writeLexicon(t, dir, "ok.json", lexiconJSON("a.b.c", "ok"))
	writeLexicon(t, dir, "README.md", "# not a lexicon")
	writeLexicon(t, dir, ".hidden.json", "not JSON")
	writeLexicon(t, dir, ".git/config.json", "not JSON")
	recs, _, err := loadDirectory(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || recs[0].NSID() != "a.b.c" {
		t.Errorf("got %d records, want only a.b.c", len(recs))
	}
}

func BenchmarkLoadDirectory(b *testing.B) {
	dir := corpusDir(b)
	b.ReportAllocs()
	for b.Loop() {
		recs, _, err := loadDirectory(dir, false)
		if err != nil {
			b.Fatal(err)
		}
		if len(recs) != corpusSize {
			b.Fatalf("got %d records, want %d", len(recs), corpusSize)
		}
	}
}

func TestDirectoryFileTooLarge(t *testing.T) {
	dir := t.TempDir()
	path := writeLexicon(t, dir, "huge.json", `{"lexicon":1,"id":"a.b.c","description":"`+strings.Repeat("x", maxLexiconFileBytes)+`","defs":{}}`)
	_, _, err := loadDirectory(dir, false)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "more than") {
		t.Errorf("got error %v, want one naming %s as too large", err, path)
	}
}
