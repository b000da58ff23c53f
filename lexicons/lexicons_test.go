package lexicons

import (
	"encoding/json"
	"io/fs"
	"slices"
	"testing"
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
