package server

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// readyTimeout bounds the store check of a readiness probe.
const readyTimeout = 2 * time.Second

type healthResponse struct {
	Status string `json:"status"`
}

type readyResponse struct {
	Status   string `json:"status"`
	Lexicons int    `json:"lexicons"`
	Network  bool   `json:"network"`
	// Store is "ok" when a store is configured and its database answers.
	Store string `json:"store,omitempty"`
}

// GET /healthz
//
// Liveness: the process serves requests.
func (s *Server) handleHealth(c echo.Context) error {
	return c.JSON(http.StatusOK, healthResponse{Status: "ok"})
}

// GET /readyz
//
// Readiness: the catalog is loaded (New does not return before it is), the
// store's database (when one is configured) answers, and the server is not
// shutting down. A replica whose database is unreachable is taken out of
// rotation: it could answer from its catalog, but not history or stored
// versions.
func (s *Server) handleReady(c echo.Context) error {
	if s.closing.Load() {
		return &xrpcError{Status: http.StatusServiceUnavailable, Name: "ServiceUnavailable", Message: "shutting down"}
	}
	resp := readyResponse{
		Status:   "ready",
		Lexicons: len(s.cfg.Service.CatalogNSIDs()),
		Network:  s.cfg.Service.Network(),
	}
	if s.cfg.Service.HasStore() {
		ctx, cancel := context.WithTimeout(c.Request().Context(), readyTimeout)
		defer cancel()
		if err := s.cfg.Service.StoreReady(ctx); err != nil {
			s.cfg.Logger.Warn("not ready: the store does not answer", "error", err)
			return &xrpcError{Status: http.StatusServiceUnavailable, Name: "ServiceUnavailable", Message: "the lexicon store does not answer"}
		}
		resp.Store = "ok"
	}
	return c.JSON(http.StatusOK, resp)
}
