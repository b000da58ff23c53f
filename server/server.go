package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/lexval/lexval/mcpserver"
	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/service"
	"github.com/lexval/lexval/tap"
	"github.com/lexval/lexval/web"
)

// Defaults for Config.
const (
	DefaultAddr           = ":8080"
	DefaultMaxBody        = 2 << 20
	DefaultRequestTimeout = 30 * time.Second
	DefaultExplainWait    = 250 * time.Millisecond
	// DefaultMaxErrors is the default of Config.MaxErrors.
	DefaultMaxErrors = service.DefaultMaxErrors

	// readHeaderTimeout and readTimeout bound how long a client may take to
	// send its request, headers and then all of it: a slow sender holds a
	// connection slot no longer.
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 30 * time.Second
	// writeMargin is the time left to write an answer after the longest
	// work (see New).
	writeMargin    = 10 * time.Second
	idleTimeout    = 120 * time.Second
	maxHeaderBytes = 64 << 10
)

// DefaultMaxExplaining is the default of Config.MaxExplaining: half the
// cores GOMAXPROCS gives, at least one, so that the other half is left to
// valid traffic. Measured on 2 cores, four clients looping a 2 MiB value of
// 524,000 invalid items cut valid traffic from 16,800 to 1,300 requests/s
// with two explanation slots, to 4,100 with one.
func DefaultMaxExplaining() int { return max(1, runtime.GOMAXPROCS(0)/2) }

// Config configures a Server. Zero values mean the documented defaults.
type Config struct {
	// Addr to listen on (default ":8080"; ":0" picks a free port).
	Addr     string
	Service  *service.Service
	Resolver *resolver.Resolver // for cache metrics; nil leaves them out
	// MaxBody bounds request bodies in bytes (default 2 MiB).
	MaxBody int64
	// RequestTimeout is the budget of work one request may take (default
	// 30s), counted from the end of reading its body: resolving and
	// compiling a schema not kept ready, explaining invalid values,
	// checking a batch, linting. A request that runs out is answered: 503,
	// or 504 when a fetch timed out. Accepting a valid value against a
	// schema kept ready needs no budget.
	RequestTimeout time.Duration
	// MaxConnections caps simultaneous connections (default
	// DefaultMaxConnections); it is lowered to 80% of the process's limit
	// on open descriptors, so that connections cannot exhaust them.
	MaxConnections int
	// MaxExplaining bounds how many requests explain invalid values at
	// once (default DefaultMaxExplaining); valid values need no slot.
	MaxExplaining int
	// ExplainWait is how long a request waits for an explanation slot
	// before it is answered 503 with Retry-After (default 250ms).
	ExplainWait time.Duration
	// MaxErrors bounds the errors (and unchecked references) listed for one
	// value (default 100); a request lists at most ten times as many in
	// all, over its values. Past it the explanation stops, and says so
	// (errorsTruncated, errorCount). See answerBudget for the bytes.
	MaxErrors int
	Logger    *slog.Logger // default: discard
	// Version is lexval's, as the MCP endpoint introduces itself.
	Version string
	// Tap, when set, is the ingester whose counters and lag /metrics shows.
	Tap *tap.Ingester
}

// Server serves the API, the XRPC methods, metrics and the web UI.
type Server struct {
	cfg     Config
	echo    *echo.Echo
	http    *http.Server
	metrics *metrics
	ui      *web.UI
	mcp     http.Handler // the MCP endpoint (package mcpserver)
	// routes holds "METHOD /pattern" of every registered route, so that
	// metrics label unmatched requests as such rather than by raw path.
	routes map[string]bool
	// apiPaths holds the paths of the API's and the probes' routes (see
	// isAPI).
	apiPaths map[string]bool

	// unmatched holds the metrics series of requests no route matched, by
	// method (see series).
	unmatched  map[string]*routeSeries
	conns      *connLimiter
	explainers *explainers
	// validBodies holds, per Checker, the rendered answer to a valid value
	// (see answerValid).
	validBodies bodyCache

	mu       sync.Mutex
	listener net.Listener
	closing  atomic.Bool
}

// New builds a Server; it does not listen yet.
func New(cfg Config) (*Server, error) {
	if cfg.Service == nil {
		return nil, errors.New("server: no service configured")
	}
	if cfg.Addr == "" {
		cfg.Addr = DefaultAddr
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.MaxExplaining <= 0 {
		cfg.MaxExplaining = DefaultMaxExplaining()
	}
	if cfg.ExplainWait <= 0 {
		cfg.ExplainWait = DefaultExplainWait
	}
	if cfg.MaxErrors <= 0 {
		cfg.MaxErrors = DefaultMaxErrors
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	limit := descriptorLimit()
	maxConns, lowered := maxConnections(cfg.MaxConnections, limit)
	if lowered {
		cfg.Logger.Warn("connection cap lowered to fit the descriptor limit",
			slog.Int("max_connections", maxConns), slog.Uint64("descriptor_limit", limit))
	}
	cfg.MaxConnections = maxConns

	conns := newConnLimiter(maxConns)
	s := &Server{
		cfg:        cfg,
		metrics:    newMetrics(cfg.Resolver, conns, cfg.Tap),
		conns:      conns,
		explainers: newExplainers(cfg.MaxExplaining, cfg.ExplainWait),
	}
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.handleError
	s.echo = e

	ui, err := web.New(web.Config{Service: cfg.Service, Status: StatusFor, MaxBody: cfg.MaxBody, MaxErrors: cfg.MaxErrors, RequestTimeout: cfg.RequestTimeout, Logger: cfg.Logger})
	if err != nil {
		return nil, fmt.Errorf("server: web UI: %w", err)
	}
	s.ui = ui
	mcpHandler, err := mcpserver.New(mcpserver.Config{
		Service: cfg.Service, Version: cfg.Version, Work: s.toolWork, MaxBody: cfg.MaxBody, MaxErrors: cfg.MaxErrors, Logger: cfg.Logger,
	})
	if err != nil {
		return nil, fmt.Errorf("server: MCP: %w", err)
	}
	s.mcp = mcpHandler
	s.register(ui)

	s.http = &http.Server{
		Addr:              cfg.Addr,
		Handler:           e,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		// The write deadline runs from the end of the headers: reading the
		// body, waiting for an explanation slot, the whole budget and its
		// grace must fit before it, with time left to write the answer, or
		// an answered request would never reach its client.
		WriteTimeout:   writeTimeout(cfg),
		IdleTimeout:    idleTimeout,
		MaxHeaderBytes: maxHeaderBytes,
		ConnState:      conns.state,
		ErrorLog:       slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelWarn),
	}
	return s, nil
}

// writeTimeout is the http.Server's WriteTimeout for cfg.
func writeTimeout(cfg Config) time.Duration {
	return readTimeout + cfg.ExplainWait + cfg.RequestTimeout + workGrace + writeMargin
}

// MaxConnections is the cap on simultaneous connections in force: the
// configured one, or the default, as the descriptor limit allows.
func (s *Server) MaxConnections() int { return s.cfg.MaxConnections }

// Handler returns the server's http.Handler (for httptest).
func (s *Server) Handler() http.Handler { return s.echo }

// Open starts listening (so ":0" works in tests) and serves in the background.
func (s *Server) Open() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.listener != nil {
		return errors.New("server: already open")
	}
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("server: listen: %w", err)
	}
	s.listener = ln
	go func() {
		if err := s.http.Serve(s.conns.listen(ln)); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.cfg.Logger.Error("serve failed", slog.String("error", err.Error()))
		}
	}()
	return nil
}

// Addr returns the address the server listens on, after Open; nil before.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.listener == nil {
		return nil
	}
	return s.listener.Addr()
}

// Shutdown stops accepting connections and waits for requests in flight,
// bounded by ctx. /readyz answers 503 from the moment it is called.
func (s *Server) Shutdown(ctx context.Context) error {
	s.closing.Store(true)
	s.mu.Lock()
	open := s.listener != nil
	s.mu.Unlock()
	if !open {
		return nil
	}
	if err := s.http.Shutdown(ctx); err != nil {
		return fmt.Errorf("server: shutdown: %w", err)
	}
	return nil
}
