package server

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/lexval/lexval/web"
)

// register installs the middleware and every route.
func (s *Server) register(ui *web.UI) {
	e := s.echo
	// Outermost first: observe sees the final status of everything below,
	// panics included (Recover turns them into errors it hands back up).
	e.Use(s.observe)
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{
		DisableErrorHandler: true,
		DisableStackAll:     true, // the panicking goroutine's stack is enough
		StackSize:           8 << 10,
		LogErrorFunc:        s.logPanic,
	}))
	e.Use(secureHeaders)
	e.Use(s.withTimeout)

	api := apiHeaders
	e.POST("/api/v1/validate", s.handleValidate, api)
	e.POST("/api/v1/lint", s.handleLint, api)
	// HEAD is answered wherever GET is (net/http drops the body), so that
	// link checkers and load balancers' probes see the real status.
	getHead := []string{http.MethodGet, http.MethodHead}
	e.Match(getHead, "/api/v1/schema", s.handleSchema, api)
	e.Match(getHead, "/xrpc/com.atproto.lexicon.resolveLexicon", s.handleResolveLexicon, api)
	e.POST("/xrpc/com.atproto.lexicon.validate", s.handleXRPCValidate, api)
	e.Match(getHead, "/healthz", s.handleHealth, api)
	e.Match(getHead, "/readyz", s.handleReady, api)
	// GET /metrics: Prometheus text format, from the server's own registry.
	e.Match(getHead, "/metrics", echo.WrapHandler(s.metrics.handler()), api)
	// Everything registered so far is the API's or a probe's; the UI's
	// routes follow.
	s.apiPaths = make(map[string]bool)
	for _, r := range e.Routes() {
		s.apiPaths[r.Path] = true
	}
	ui.Register(e)

	s.routes = make(map[string]bool)
	for _, r := range e.Routes() {
		s.routes[r.Method+" "+r.Path] = true
	}
}

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

// routeLabel names the route that served c for metrics and logs: its
// pattern, never the raw path (which would make label values unbounded).
func (s *Server) routeLabel(c echo.Context) string {
	if p := c.Path(); s.routes[c.Request().Method+" "+p] {
		return p
	}
	return "unmatched"
}
