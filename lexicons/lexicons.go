package lexicons

import "embed"

// FS holds ManifestPath and the record files it lists.
//
//go:embed manifest.json records/*.json
var FS embed.FS

// ManifestPath is the manifest's path within FS. The manifest is a JSON object
// {"records": [{"path", "uri", "cid", "indexedAt"}]}: path is relative to FS,
// uri the record's AT-URI, cid its published CID, indexedAt an RFC 3339 time.
const ManifestPath = "manifest.json"
