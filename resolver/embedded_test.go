package resolver

import (
	"bytes"
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/lexicons"
)

// publishedRecords are the embedded records with the AT-URIs and CIDs they
// have in their repository (issue 3).
var publishedRecords = []struct {
	file, uri, cid string
}{
	{
		file: "records/com.atproto.server.refreshSession.json",
		uri:  "at://did:plc:6msi3pj7krzih5qxqtryxlzw/com.atproto.lexicon.schema/com.atproto.server.refreshSession",
		cid:  "bafyreigcy4ovht4rgredjpr53i4zgkxkvfdcmhhvhra5d3hffxwh2fhjne",
	},
	{
		file: "records/com.atproto.lexicon.schema.json",
		uri:  "at://did:plc:6msi3pj7krzih5qxqtryxlzw/com.atproto.lexicon.schema/com.atproto.lexicon.schema",
		cid:  "bafyreigtmtzisxiuao4kcswgnbud7wmpkcnsdb6h2kenhbnaolsx7bpiq4",
	},
}

// TestEmbeddedRecordCIDs is the encoder's acceptance test on real published
// records: their bytes must hash to the CIDs their repository gives.
func TestEmbeddedRecordCIDs(t *testing.T) {
	for _, p := range publishedRecords {
		t.Run(p.file, func(t *testing.T) {
			data, err := fs.ReadFile(lexicons.FS, p.file)
			if err != nil {
				t.Fatal(err)
			}
			got, err := datamodel.RecordCID(mustDecode(t, data))
			if err != nil {
				t.Fatal(err)
			}
			if got.String() != p.cid {
				t.Errorf("got CID %s, want %s", got, p.cid)
			}
		})
	}
}

func TestNewLoadsEmbeddedCatalog(t *testing.T) {
	r, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	local := unbundled(r.Local())
	if len(local) != len(publishedRecords) {
		t.Fatalf("got %d local records, want %d", len(local), len(publishedRecords))
	}
	indexed := time.Date(2026, 1, 9, 12, 47, 0, 0, time.UTC)
	for _, p := range publishedRecords {
		t.Run(p.file, func(t *testing.T) {
			var rec *Record
			for _, l := range local {
				if string(l.URI) == p.uri {
					rec = l
				}
			}
			if rec == nil {
				t.Fatalf("got no record with AT-URI %s", p.uri)
			}
			if rec.CID.String() != p.cid {
				t.Errorf("got CID %s, want %s", rec.CID, p.cid)
			}
			if rec.Document.CID() != p.cid {
				t.Errorf("got Document.CID %s, want %s", rec.Document.CID(), p.cid)
			}
			if !rec.IndexedAt.Equal(indexed) {
				t.Errorf("got IndexedAt %v, want %v", rec.IndexedAt, indexed)
			}
			if rec.Source != SourceEmbedded {
				t.Errorf("got source %s, want %s", rec.Source, SourceEmbedded)
			}
			if want, _ := fs.ReadFile(lexicons.FS, p.file); !bytes.Equal(rec.Value, want) {
				t.Errorf("got Value %s, want the file's bytes", rec.Value)
			}
		})
	}
}

// catalogCopy returns the embedded catalog as a MapFS, for tests to spoil.
func catalogCopy(t *testing.T) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(lexicons.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(lexicons.FS, path)
		m[path] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestTamperedCatalogStopsStartUp(t *testing.T) {
	const file = "records/com.atproto.server.refreshSession.json"
	const published = "bafyreigcy4ovht4rgredjpr53i4zgkxkvfdcmhhvhra5d3hffxwh2fhjne"
	fsys := catalogCopy(t)
	orig := fsys[file].Data
	// One character: "Refresh an" becomes "refresh an".
	tampered := bytes.Replace(orig, []byte("Refresh an"), []byte("refresh an"), 1)
	if bytes.Equal(tampered, orig) || len(tampered) != len(orig) {
		t.Fatal("test setup: the text to change is not in the record")
	}
	fsys[file] = &fstest.MapFile{Data: tampered}
	computed, err := datamodel.RecordCID(mustDecode(t, tampered))
	if err != nil {
		t.Fatal(err)
	}

	_, err = newResolver(Config{}, seams{catalog: fsys})
	if !errors.Is(err, ErrCIDMismatch) {
		t.Fatalf("got error %v, want one wrapping ErrCIDMismatch", err)
	}
	for _, want := range []string{file, published, computed.String()} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("got error %q, want it to name %s", err, want)
		}
	}
}

func TestBrokenCatalogStopsStartUp(t *testing.T) {
	const file = "records/com.atproto.lexicon.schema.json"
	tests := []struct {
		name  string
		spoil func(fstest.MapFS)
		is    error // nil: any error
		says  string
	}{
		{
			name:  "no manifest",
			spoil: func(m fstest.MapFS) { delete(m, lexicons.ManifestPath) },
			says:  lexicons.ManifestPath,
		},
		{
			name:  "manifest not JSON",
			spoil: func(m fstest.MapFS) { m[lexicons.ManifestPath] = &fstest.MapFile{Data: []byte("{")} },
			says:  lexicons.ManifestPath,
		},
		{
			name:  "record file missing",
			spoil: func(m fstest.MapFS) { delete(m, file) },
			is:    fs.ErrNotExist,
			says:  file,
		},
		{
			name:  "record not JSON",
			spoil: func(m fstest.MapFS) { m[file] = &fstest.MapFile{Data: []byte(`{"id":`)} },
			is:    ErrInvalidRecord,
			says:  file,
		},
		{
			name: "manifest CID malformed",
			spoil: func(m fstest.MapFS) {
				m[lexicons.ManifestPath].Data = bytes.Replace(m[lexicons.ManifestPath].Data, []byte(`"bafyreigtmtz`), []byte(`"xafyreigtmtz`), 1)
			},
			says: "manifest cid",
		},
		{
			name: "record key differs from id",
			spoil: func(m fstest.MapFS) {
				m[lexicons.ManifestPath].Data = bytes.Replace(m[lexicons.ManifestPath].Data, []byte(`schema/com.atproto.lexicon.schema"`), []byte(`schema/com.atproto.lexicon.other"`), 1)
			},
			is:   ErrInvalidRecord,
			says: "differs from the record key",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := catalogCopy(t)
			tt.spoil(fsys)
			_, err := newResolver(Config{}, seams{catalog: fsys})
			if err == nil {
				t.Fatal("got no error, want one")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("got error %v, want one wrapping %v", err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.says) {
				t.Errorf("got error %q, want it to mention %q", err, tt.says)
			}
		})
	}
}

// unbundled leaves out the bundled lexicons, for tests of the other sources.
func unbundled(recs []*Record) []*Record {
	var out []*Record
	for _, r := range recs {
		if r.Source != SourceBundled {
			out = append(out, r)
		}
	}
	return out
}
