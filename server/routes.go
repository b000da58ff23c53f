package server

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/lexval/lexval/web"
)

// register installs the middleware and every route.
func (s *Server) register(ui *web.UI) {
	e := s.echo
	// observe is the only middleware echo runs for every request; it
	// recovers panics and sets the common headers itself.
	e.Use(s.observe)

	// api marks a route's responses as data; applied here, once, rather than
	// as route middleware, which echo would wrap for every request.
	// The API's and the XRPC methods' answers may be read by any origin's
	// scripts (cors.go).
	cors := func(h echo.HandlerFunc) echo.HandlerFunc { return corsHeaders(apiHeaders(h)) }
	api := apiHeaders
	e.POST("/api/v1/validate", cors(s.handleValidate))
	e.POST("/api/v1/lint", cors(s.handleLint))
	s.registerVersions(cors)
	// HEAD is answered wherever GET is (net/http drops the body), so that
	// link checkers and load balancers' probes see the real status.
	getHead := []string{http.MethodGet, http.MethodHead}
	e.Match(getHead, "/api/v1/schema", cors(s.handleSchema))
	e.Match(getHead, "/api/v1/history", cors(s.handleHistory))
	e.Match(getHead, "/xrpc/com.atproto.lexicon.resolveLexicon", cors(s.handleResolveLexicon))
	e.POST("/xrpc/com.atproto.lexicon.validate", cors(s.handleXRPCValidate))
	// For language models: what lexval is and how to call it, and each
	// lexicon in words (llms.go).
	e.Match(getHead, "/llms.txt", cors(s.handleLLMs))
	e.Match(getHead, "/llms/:file", cors(s.handleLexiconText))
	// POST /mcp: the Model Context Protocol over streamable HTTP, stateless
	// (GET and DELETE, for sessions, are answered 405 by the SDK).
	e.Match([]string{http.MethodPost, http.MethodGet, http.MethodDelete}, mcpPath, cors(echo.WrapHandler(s.mcp)))
	s.registerPreflights(e, isCORS)
	e.Match(getHead, "/healthz", api(s.handleHealth))
	e.Match(getHead, "/readyz", api(s.handleReady))
	// GET /metrics: Prometheus text format, from the server's own registry.
	e.Match(getHead, "/metrics", api(echo.WrapHandler(s.metrics.handler())))
	// Everything registered so far is the API's or a probe's; the UI's
	// routes follow.
	s.apiPaths = make(map[string]bool)
	for _, r := range e.Routes() {
		s.apiPaths[r.Path] = true
	}
	ui.Register(e)

	for _, r := range e.Routes() {
		if knownMethods[r.Method] {
			s.metrics.addRoute(r.Method, r.Path)
		}
	}
	s.unmatched = make(map[string]*routeSeries, len(knownMethods)+1)
	for m := range knownMethods {
		s.unmatched[m] = s.metrics.addRoute(m, unmatched)
	}
	s.unmatched[otherMethod] = s.metrics.addRoute(otherMethod, unmatched)
}

// unmatched is the route label of requests no route matched.
const unmatched = "unmatched"

// knownMethods are the methods metrics label as such; any other is
// otherMethod, so that clients cannot add series at will.
var knownMethods = map[string]bool{
	http.MethodGet: true, http.MethodHead: true, http.MethodPost: true, http.MethodPut: true,
	http.MethodPatch: true, http.MethodDelete: true, http.MethodConnect: true,
	http.MethodOptions: true, http.MethodTrace: true,
}

const otherMethod = "other"

// isCORS reports whether path is open to other origins' scripts: the API
// and the XRPC methods, not the probes, metrics or the web UI.
func isCORS(path string) bool {
	return strings.HasPrefix(path, "/api/") || strings.HasPrefix(path, "/xrpc/") || strings.HasPrefix(path, "/llms") || path == mcpPath
}

// mcpPath is the MCP endpoint's.
const mcpPath = "/mcp"

// apiPrefixes are the paths under which everything, registered or not, is
// the JSON API's.
var apiPrefixes = []string{"/api/", "/xrpc/"}

// isAPI reports whether path is the API's or a probe's: errors there leave as
// JSON even to a browser, never as the web UI's pages.
func (s *Server) isAPI(path string) bool {
	if s.apiPaths[path] {
		return true
	}
	for _, prefix := range apiPrefixes {
		if strings.HasPrefix(path, prefix) {
			return true
		}
	}
	return false
}

// series returns the metrics series of the route that served c, labelled
// by its pattern, never the raw path (which would make label values
// unbounded).
func (s *Server) series(c echo.Context) *routeSeries {
	method := c.Request().Method
	if rs, ok := s.metrics.series[routeKey{method, c.Path()}]; ok {
		return rs
	}
	if rs, ok := s.unmatched[method]; ok {
		return rs
	}
	return s.unmatched[otherMethod]
}
