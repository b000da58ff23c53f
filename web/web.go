package web

import (
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/lexval/lexval/service"
	"github.com/lexval/lexval/validator"
)

// DefaultMaxBody bounds form submissions when Config.MaxBody is zero.
const DefaultMaxBody = 2 << 20

// ContentSecurityPolicy is sent with every page: only the embedded script and
// stylesheet may run, so the pages carry no inline scripts, styles or handlers.
const ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// Config configures the UI.
type Config struct {
	Service *service.Service
	// Status is the HTTP status of a service code (required). The server
	// passes its own mapping (server.StatusFor), so that a page and the API
	// answer the same failure with the same status; the UI only words it.
	Status func(service.Code) int
	// MaxBody bounds form submissions in bytes (default 2 MiB).
	MaxBody int64
	// RequestTimeout bounds the work of a draft (lint, compile, a record
	// fetched and checked), as the server's budget does for the API
	// (default 30s); past it, the page says so (503).
	RequestTimeout time.Duration
	// MaxErrors bounds the errors listed for a value (default
	// service.DefaultMaxErrors); past it the page says how many were
	// counted.
	MaxErrors int
	Logger    *slog.Logger
}

// maxListedBytes bounds the errors listed on a page, as JSON
// (validator.Limits.MaxBytes): with HTML's escapes a page stays around a
// megabyte however long the paths and messages of a hostile value are.
const maxListedBytes = 256 << 10

// UI serves the web pages and their static assets.
type UI struct {
	cfg    Config
	assets assets
	pages  map[string]*template.Template
	// origins refuses form posts that other sites' pages make a visitor's
	// browser send (see sameOrigin).
	origins *http.CrossOriginProtection
}

// New parses the embedded templates.
func New(cfg Config) (*UI, error) {
	if cfg.Service == nil {
		return nil, errors.New("web: config has no service")
	}
	if cfg.Status == nil {
		return nil, errors.New("web: config has no Status (the server's mapping of service codes to HTTP statuses)")
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = defaultRequestTimeout
	}
	if cfg.MaxErrors <= 0 {
		cfg.MaxErrors = service.DefaultMaxErrors
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	a, err := loadAssets()
	if err != nil {
		return nil, err
	}
	u := &UI{cfg: cfg, assets: a, origins: http.NewCrossOriginProtection()}
	if u.pages, err = parsePages(a); err != nil {
		return nil, err
	}
	return u, nil
}

// Register adds the UI's routes to e: GET /, GET /lexicon/:nsid,
// GET /lexicon/:did/:nsid (and POST for the no-JavaScript forms),
// GET|POST /validate, GET /compare, GET /static/*.
func (u *UI) Register(e *echo.Echo) {
	h := pageHeaders
	// HEAD is answered wherever GET is; net/http drops the body.
	getHead := []string{http.MethodGet, http.MethodHead}
	e.Match(getHead, "/", u.catalog, h)
	e.POST("/", u.catalog, h, u.sameOrigin)
	// GET /lexicon?ref=… is the catalog's "open" form.
	e.Match(getHead, "/lexicon", u.open, h)
	e.Match(getHead, "/lexicon/:nsid", u.lexicon, h)
	e.POST("/lexicon/:nsid", u.lexicon, h, u.sameOrigin)
	e.Match(getHead, "/lexicon/:did/:nsid", u.lexicon, h)
	e.POST("/lexicon/:did/:nsid", u.lexicon, h, u.sameOrigin)
	e.Match(getHead, "/compare", u.compareVersions, h)
	e.Match(getHead, "/validate", u.draft, h)
	e.POST("/validate", u.draft, h, u.sameOrigin)
	e.Match(getHead, "/static/:name", u.static)
	for _, prefix := range pathPrefixes {
		e.RouteNotFound(prefix+"*", u.notFound, h)
	}
}

// pathPrefixes are the paths under which everything is the UI's: unknown
// ones get the UI's 404 page, and its errors are rendered as pages.
var pathPrefixes = []string{"/lexicon/", "/validate/", "/static/"}

// HandleError renders err as a page when the request is for one of the UI's
// paths, and reports whether it did. A server's HTTPErrorHandler calls it
// first so that errors raised before a UI handler runs (a body limit, a
// method not allowed) still reach a person as a page rather than as JSON.
func (u *UI) HandleError(err error, c echo.Context) bool {
	if c.Response().Committed || !(ownsPath(c.Request().URL.Path) || browsesTo(c.Request())) {
		return false
	}
	status := http.StatusInternalServerError
	var he *echo.HTTPError
	if errors.As(err, &he) {
		status = he.Code
	}
	setPageHeaders(c.Response().Header())
	p := problemForStatus(status)
	if status >= 500 {
		u.cfg.Logger.Error("web page failed", "path", c.Request().URL.Path, "error", err)
	}
	if rerr := u.renderError(c, status, p); rerr != nil {
		u.cfg.Logger.Error("render error page", "error", rerr)
	}
	return true
}

// browsesTo reports a person's browser asking for a page: a mistyped
// /catalog should get the UI's 404 page, not JSON. The server keeps its JSON
// API and probes from reaching HandleError at all.
func browsesTo(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	return strings.Contains(r.Header.Get("Accept"), "text/html")
}

func ownsPath(p string) bool {
	if p == "/" || p == "/lexicon" || p == "/validate" || p == "/compare" {
		return true
	}
	for _, prefix := range pathPrefixes {
		if strings.HasPrefix(p, prefix) {
			return true
		}
	}
	return false
}

// sameOrigin refuses a form post that another site's page made the browser
// send (403, with the error page): the forms change nothing, but checking a
// large submission costs lexval, and other sites must not spend that through
// their visitors. net/http's CrossOriginProtection decides: Sec-Fetch-Site
// must be same-origin or none; without it, an Origin must name this host.
// Requests with neither are not a browser's cross-site post, and pass, as
// from curl.
func (u *UI) sameOrigin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := u.origins.Check(c.Request()); err != nil {
			return u.renderError(c, http.StatusForbidden, problemForStatus(http.StatusForbidden))
		}
		return next(c)
	}
}

// pageHeaders sets the security headers every HTML page carries.
func pageHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		setPageHeaders(c.Response().Header())
		return next(c)
	}
}

func setPageHeaders(h http.Header) {
	h.Set("Content-Security-Policy", ContentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-cache")
}

// explain checks v with chk within the page's limits.
func (u *UI) explain(c echo.Context, chk *service.Checker, v any) (validator.Result, error) {
	return chk.Explain(c.Request().Context(), v, validator.Limits{MaxErrors: u.cfg.MaxErrors, MaxBytes: maxListedBytes})
}
