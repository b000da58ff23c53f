package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/service"
	"github.com/lexval/lexval/web"
)

// Defaults for Config.
const (
	DefaultAddr           = ":8080"
	DefaultMaxBody        = 2 << 20
	DefaultRequestTimeout = 30 * time.Second

	readHeaderTimeout = 5 * time.Second
	idleTimeout       = 120 * time.Second
	maxHeaderBytes    = 64 << 10
)

// Config configures a Server. Zero values mean the documented defaults.
type Config struct {
	// Addr to listen on (default ":8080"; ":0" picks a free port).
	Addr     string
	Service  *service.Service
	Resolver *resolver.Resolver // for cache metrics; nil leaves them out
	// MaxBody bounds request bodies in bytes (default 2 MiB).
	MaxBody int64
	// RequestTimeout bounds the work on one request, network resolution
	// included (default 30s). Reading and writing are bounded to match.
	RequestTimeout time.Duration
	Logger         *slog.Logger // default: discard
}

// Server serves the API, the XRPC methods, metrics and the web UI.
type Server struct {
	cfg     Config
	echo    *echo.Echo
	http    *http.Server
	metrics *metrics
	ui      *web.UI
	// routes holds "METHOD /pattern" of every registered route, so that
	// metrics label unmatched requests as such rather than by raw path.
	routes map[string]bool
	// apiPaths holds the paths of the API's and the probes' routes (see
	// isAPI).
	apiPaths map[string]bool

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
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}

	s := &Server{cfg: cfg, metrics: newMetrics(cfg.Resolver)}
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.handleError
	s.echo = e

	ui, err := web.New(web.Config{Service: cfg.Service, Status: StatusFor, MaxBody: cfg.MaxBody, Logger: cfg.Logger})
	if err != nil {
		return nil, fmt.Errorf("server: web UI: %w", err)
	}
	s.ui = ui
	s.register(ui)

	s.http = &http.Server{
		Addr:              cfg.Addr,
		Handler:           e,
		ReadHeaderTimeout: readHeaderTimeout,
		// A body of MaxBody bytes must arrive well within the request's
		// time; the answer may take the whole of it, plus writing.
		ReadTimeout:    cfg.RequestTimeout,
		WriteTimeout:   cfg.RequestTimeout + 10*time.Second,
		IdleTimeout:    idleTimeout,
		MaxHeaderBytes: maxHeaderBytes,
		ErrorLog:       slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelWarn),
	}
	return s, nil
}

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
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
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
