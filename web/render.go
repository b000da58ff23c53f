package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

//go:embed templates
var templateFS embed.FS

// Page names: each is templates/<name>.html on top of the shared layout and
// partials.
const (
	pageCatalog = "catalog"
	pageLexicon = "lexicon"
	pageDraft   = "validate"
	pageError   = "error"
	pageCompare = "compare"
)

// page is what the layout needs from every page.
type page struct {
	Title string
	// Section marks the current item of the site navigation.
	Section string
}

func parsePages(a assets) (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"asset":   a.url,
		"plural":  plural,
		"pointer": pointerLabel,
		"utc":     func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") },
		"iso":     func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"copyOf":  func(name, value string) copyArg { return copyArg{Name: name, Value: value} },
		// nsidParts lets long NSIDs wrap at their dots on narrow screens.
		"nsidParts":  func(nsid string) []string { return strings.Split(nsid, ".") },
		"defAnchor":  defAnchor,
		"join":       func(xs []string) string { return strings.Join(xs, ", ") },
		"issuesIn":   func(textarea string, list any) issuesArg { return issuesArg{For: textarea, List: list} },
		"doc":        func(nsid string, v any) docArg { return docArg{NSID: nsid, V: v} },
		"phraseLink": phraseLink,
	}
	base, err := template.New("").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	pages := make(map[string]*template.Template)
	for _, name := range []string{pageCatalog, pageLexicon, pageDraft, pageError, pageCompare} {
		t, err := template.Must(base.Clone()).ParseFS(templateFS, "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("parse page %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// render writes template tmpl of the named page.
func (u *UI) render(c echo.Context, status int, name, tmpl string, data any) error {
	var buf bytes.Buffer
	if err := u.pages[name].ExecuteTemplate(&buf, tmpl, data); err != nil {
		// A template bug, never bad input: log it and say so plainly.
		u.cfg.Logger.Error("render page", "page", name, "template", tmpl, "error", err)
		return c.String(500, "lexval could not render this page; the error is logged")
	}
	return c.HTMLBlob(status, buf.Bytes())
}

func (u *UI) renderPage(c echo.Context, status int, name string, data any) error {
	return u.render(c, status, name, "layout", data)
}

// issuesArg is a list of issues and the id of the textarea their paths
// point into ("" for none).
type issuesArg struct {
	For  string
	List any
}

// copyArg is what the "copy" template needs: the value, and what it is.
type copyArg struct {
	Name, Value string
}

// plural writes "1 error", "2 errors".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// pointerLabel shows a JSON Pointer; the empty pointer is the whole value.
func pointerLabel(p string) string {
	if p == "" {
		return "(whole value)"
	}
	return p
}
