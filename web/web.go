package web

import (
	"log/slog"

	"github.com/labstack/echo/v4"

	"github.com/lexval/lexval/service"
)

// Config configures the UI.
type Config struct {
	Service *service.Service
	// MaxBody bounds form submissions in bytes (default 2 MiB).
	MaxBody int64
	Logger  *slog.Logger
}

// UI serves the web pages and their static assets.
type UI struct {
	cfg Config
}

// New parses the embedded templates.
func New(cfg Config) (*UI, error) {
	panic("TODO(web)")
}

// Register adds the UI's routes to e: GET /, GET /lexicon/:nsid,
// GET /lexicon/:did/:nsid (and POST for the no-JavaScript forms),
// GET|POST /validate, GET /static/*.
func (u *UI) Register(e *echo.Echo) {
	panic("TODO(web)")
}
