package server

import (
	"context"
	"log/slog"
	"net"
	"net/http"

	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/service"
)

// Config configures a Server. Zero values mean the documented defaults.
type Config struct {
	// Addr to listen on (default ":8080"; ":0" picks a free port).
	Addr     string
	Service  *service.Service
	Resolver *resolver.Resolver // for cache metrics
	// MaxBody bounds request bodies in bytes (default 2 MiB).
	MaxBody int64
	Logger  *slog.Logger
}

// Server serves the API, the XRPC methods, metrics and the web UI.
type Server struct {
	cfg Config
}

// New builds a Server; it does not listen yet.
func New(cfg Config) (*Server, error) {
	panic("TODO(server)")
}

// Handler returns the server's http.Handler (for httptest).
func (s *Server) Handler() http.Handler {
	panic("TODO(server)")
}

// Open starts listening (so ":0" works in tests) and serves in the background.
func (s *Server) Open() error {
	panic("TODO(server)")
}

// Addr returns the address the server listens on, after Open.
func (s *Server) Addr() net.Addr {
	panic("TODO(server)")
}

// Shutdown stops accepting connections and waits for requests in flight,
// bounded by ctx.
func (s *Server) Shutdown(ctx context.Context) error {
	panic("TODO(server)")
}
