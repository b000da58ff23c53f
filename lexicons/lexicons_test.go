package lexicons

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lexval/lexval/internal/reference"
)

// TestManifestListsEveryRecord keeps the manifest and the record files in
// step: a record without an entry would never be loaded, an entry without a
// file would stop start-up.
func TestManifestListsEveryRecord(t *testing.T) {
	data, err := fs.ReadFile(FS, ManifestPath)
	if err != nil {
		t.Fatal(err)
	}
	var man struct {
		Records []struct {
			Path string `json:"path"`
		} `json:"records"`
	}
	if err := json.Unmarshal(data, &man); err != nil {
		t.Fatalf("manifest: %v", err)
	}
	var listed []string
	for _, r := range man.Records {
		listed = append(listed, r.Path)
	}
	files, err := fs.Glob(FS, "records/*.json")
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(listed)
	slices.Sort(files)
	if !slices.Equal(listed, files) {
		t.Errorf("got manifest paths %v, want the record files %v", listed, files)
	}
}

// TestBundledIsTheUpstreamSnapshot checks that every bundled document is the
// corpus file of the same path byte for byte, that the bundle holds exactly
// the corpus's documents of the namespaces upstream.json names, and that the
// licence and the notice are there.
func TestBundledIsTheUpstreamSnapshot(t *testing.T) {
	var up struct {
		Repository, Commit, Path, License string
		Namespaces                        []string
	}
	data, err := fs.ReadFile(Bundled, UpstreamPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &up); err != nil {
		t.Fatalf("%s: %v", UpstreamPath, err)
	}
	if up.Repository == "" || len(up.Commit) != 40 || len(up.Namespaces) == 0 {
		t.Fatalf("got upstream %+v, want a repository, a 40-digit commit and namespaces", up)
	}
	for _, name := range []string{up.License, "NOTICE"} {
		if b, err := fs.ReadFile(Bundled, name); err != nil || len(b) == 0 {
			t.Errorf("got %s: %d bytes, %v; want the file", name, len(b), err)
		}
	}

	corpus := reference.Path(t, "atproto", "lexicons")
	var want []string
	err = filepath.WalkDir(corpus, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(corpus, path)
		rel = filepath.ToSlash(rel)
		for _, ns := range up.Namespaces {
			if strings.HasPrefix(rel, strings.ReplaceAll(ns, ".", "/")+"/") {
				want = append(want, rel)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	err = fs.WalkDir(Bundled, BundledDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel := strings.TrimPrefix(path, BundledDir+"/")
		got = append(got, rel)
		b, err := fs.ReadFile(Bundled, path)
		if err != nil {
			return err
		}
		upstream, err := os.ReadFile(filepath.Join(corpus, filepath.FromSlash(rel)))
		if err != nil {
			t.Errorf("bundled %s is not in the corpus: %v", rel, err)
			return nil
		}
		if !bytes.Equal(b, upstream) {
			t.Errorf("bundled %s differs from the corpus file", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("got %d bundled documents, want the corpus's %d of %v", len(got), len(want), up.Namespaces)
	}
}
