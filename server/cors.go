package server

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// CORS: the API, the XRPC methods and the MCP endpoint may be called from
// any origin's scripts (browser tools, playgrounds), without credentials:
// they answer the same to everyone and read no cookie. The web UI's routes
// get none of it, and its forms keep refusing other sites' posts.

// corsMaxAge is how long a browser may keep a preflight's answer.
const corsMaxAge = 24 * time.Hour

// corsAllowHeaders are the request headers a cross-origin script may send:
// the JSON content type, a conditional GET, and MCP's own.
var corsAllowHeaders = strings.Join([]string{"Content-Type", "Accept", "If-None-Match", "Mcp-Session-Id", "Mcp-Protocol-Version", "Last-Event-ID"}, ", ")

// corsExposeHeaders are the response headers such a script may read.
var corsExposeHeaders = strings.Join([]string{"ETag", "Retry-After", "Mcp-Session-Id"}, ", ")

// The values of corsHeaders' headers.
var (
	anyOrigin   = []string{"*"}
	corsExposed = []string{corsExposeHeaders}
)

// corsHeaders marks a route's responses, errors included, as readable by
// any origin.
func corsHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		// Shared values, as apiHeaders sets them: nothing appends to these.
		h["Access-Control-Allow-Origin"] = anyOrigin
		h["Access-Control-Expose-Headers"] = corsExposed
		return next(c)
	}
}

// registerPreflights answers OPTIONS, the preflight of a cross-origin
// request, on every registered path that isCORS says is open to other
// origins, naming the methods that path has.
func (s *Server) registerPreflights(e *echo.Echo, isCORS func(path string) bool) {
	methods := map[string][]string{}
	for _, r := range e.Routes() {
		if isCORS(r.Path) && r.Method != http.MethodOptions && !slices.Contains(methods[r.Path], r.Method) {
			methods[r.Path] = append(methods[r.Path], r.Method)
		}
	}
	for path, ms := range methods {
		slices.Sort(ms)
		allow := strings.Join(append(ms, http.MethodOptions), ", ")
		e.OPTIONS(path, func(c echo.Context) error {
			h := c.Response().Header()
			h.Set("Access-Control-Allow-Origin", "*")
			h.Set("Access-Control-Allow-Methods", allow)
			h.Set("Access-Control-Allow-Headers", corsAllowHeaders)
			h.Set("Access-Control-Max-Age", strconv.Itoa(int(corsMaxAge.Seconds())))
			h.Set("Allow", allow)
			return c.NoContent(http.StatusNoContent)
		})
	}
}
