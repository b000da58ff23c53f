package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

type healthResponse struct {
	Status string `json:"status"`
}

type readyResponse struct {
	Status   string `json:"status"`
	Lexicons int    `json:"lexicons"`
	Network  bool   `json:"network"`
}

// GET /healthz
//
// Liveness: the process serves requests.
func (s *Server) handleHealth(c echo.Context) error {
	return c.JSON(http.StatusOK, healthResponse{Status: "ok"})
}

// GET /readyz
//
// Readiness: the catalog is loaded (New does not return before it is) and
// the server is not shutting down.
func (s *Server) handleReady(c echo.Context) error {
	if s.closing.Load() {
		return &xrpcError{Status: http.StatusServiceUnavailable, Name: "ServiceUnavailable", Message: "shutting down"}
	}
	return c.JSON(http.StatusOK, readyResponse{
		Status:   "ready",
		Lexicons: len(s.cfg.Service.Catalog()),
		Network:  s.cfg.Service.Network(),
	})
}
