package lexicons

import (
	"embed"
	"io/fs"
)

// FS holds ManifestPath and the record files it lists.
//
//go:embed manifest.json records/*.json
var FS embed.FS

// ManifestPath is the manifest's path within FS. The manifest is a JSON object
// {"records": [{"path", "uri", "cid", "indexedAt"}]}: path is relative to FS,
// uri the record's AT-URI, cid its published CID, indexedAt an RFC 3339 time.
const ManifestPath = "manifest.json"

//go:embed bundled
var bundled embed.FS

// Bundled holds the lexicon documents copied from the atproto repository:
// UpstreamPath, NOTICE, LICENSE.txt, and the documents under BundledDir as
// they are laid out upstream (lexicons/app/bsky/feed/post.json).
var Bundled = mustSub(bundled, "bundled")

// UpstreamPath is the path, within Bundled, of a JSON object saying which
// snapshot the documents are: {"repository", "commit", "committed" (an RFC
// 3339 time), "path" (the directory upstream), "namespaces", "license" (the
// licence file's path within Bundled)}.
const UpstreamPath = "upstream.json"

// BundledDir is the directory of the documents within Bundled.
const BundledDir = "lexicons"

func mustSub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err) // dir is a constant embedded above
	}
	return sub
}
