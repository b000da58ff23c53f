package server

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// schemaMaxAge is how long a client or cache may reuse a schema answer
// without asking again: the resolver's own network cache keeps records
// longer, and embedded and bundled ones never change while the process
// runs.
const schemaMaxAge = "public, max-age=300"

// schemaETag is the entity tag of a schema answer: the record's CID and
// what was made of it (the record, the resolveLexicon output, a JSON
// Schema for a definition and target). It is weak: two answers with one tag
// say the same of the same record, but fields beside it (the time a network
// record was verified, why the network had none) may differ.
func schemaETag(cid string, representation ...string) string {
	return `W/"` + cid + "." + strings.Join(representation, ".") + `"`
}

// notModified sets the answer's ETag and Cache-Control and reports whether
// the request's If-None-Match already names it, when the handler answers 304
// with no body.
func notModified(c echo.Context, etag string) bool {
	h := c.Response().Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", schemaMaxAge)
	inm := c.Request().Header.Get("If-None-Match")
	if inm == "" {
		return false
	}
	want := strings.TrimPrefix(etag, "W/")
	for _, tag := range strings.Split(inm, ",") {
		tag = strings.TrimSpace(tag)
		// Weak comparison (RFC 9110, 13.1.2), as If-None-Match asks.
		if tag == "*" || strings.TrimPrefix(tag, "W/") == want {
			return true
		}
	}
	return false
}

// answerNotModified is the 304 of a conditional GET whose tag matched.
func answerNotModified(c echo.Context) error {
	return c.NoContent(http.StatusNotModified)
}
