package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"time"

	"github.com/labstack/echo/v4"
)

//go:embed static
var staticFS embed.FS

// asset is one embedded static file with its content hash. URLs carry the
// hash (?v=…) so a response can be cached forever: a new build changes the URL.
type asset struct {
	body        []byte
	contentType string
	etag        string
	version     string
}

// assets holds every file under static/, by name.
type assets map[string]*asset

func loadAssets() (assets, error) {
	entries, err := fs.ReadDir(staticFS, "static")
	if err != nil {
		return nil, fmt.Errorf("read embedded assets: %w", err)
	}
	out := make(assets, len(entries))
	for _, e := range entries {
		name := e.Name()
		body, err := staticFS.ReadFile("static/" + name)
		if err != nil {
			return nil, fmt.Errorf("read embedded asset %s: %w", name, err)
		}
		sum := sha256.Sum256(body)
		version := hex.EncodeToString(sum[:8])
		ct := mime.TypeByExtension(path.Ext(name))
		if ct == "" {
			ct = "application/octet-stream"
		}
		out[name] = &asset{body: body, contentType: ct, etag: `"` + version + `"`, version: version}
	}
	return out, nil
}

// url is the versioned URL of the named asset; templates call it as {{asset "app.js"}}.
func (a assets) url(name string) (string, error) {
	f, ok := a[name]
	if !ok {
		return "", fmt.Errorf("no embedded asset %q", name)
	}
	return "/static/" + name + "?v=" + f.version, nil
}

// GET /static/:name
func (u *UI) static(c echo.Context) error {
	f, ok := u.assets[c.Param("name")]
	if !ok {
		return u.notFound(c)
	}
	h := c.Response().Header()
	h.Set("Content-Type", f.contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("ETag", f.etag)
	if c.QueryParam("v") == f.version {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		// An old or missing version: serve the current file but make the
		// browser revalidate, so a stale URL never pins stale code.
		h.Set("Cache-Control", "no-cache")
	}
	http.ServeContent(c.Response(), c.Request(), "", time.Time{}, bytes.NewReader(f.body))
	return nil
}
