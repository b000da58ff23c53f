package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// apiCSP forbids everything: API responses are data, never a page to render
// or frame.
const apiCSP = "default-src 'none'; frame-ancestors 'none'"

// observe logs every request and records its metrics. Errors are rendered
// here, through the error handler, so that the status is final when counted.
func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		elapsed := time.Since(start)
		req, res := c.Request(), c.Response()
		route := s.routeLabel(c)
		s.metrics.observeRequest(route, req.Method, res.Status, elapsed)

		level := accessLogLevel(res.Status)
		if !s.cfg.Logger.Enabled(req.Context(), level) {
			return nil
		}
		attrs := []slog.Attr{
			slog.String("method", req.Method),
			slog.String("route", route),
			slog.String("path", req.URL.Path),
			slog.Int("status", res.Status),
			slog.Int64("bytes", res.Size),
			slog.Duration("duration", elapsed),
			slog.String("remote", req.RemoteAddr),
		}
		if err != nil && res.Status >= 500 {
			attrs = append(attrs, slog.String("error", err.Error()))
		}
		s.cfg.Logger.LogAttrs(context.WithoutCancel(req.Context()), level, "http request", attrs...)
		return nil
	}
}

// accessLogLevel ranks a request for the access log. Successes are Debug,
// as in miniflux: at thousands of validations a second, a log line each
// costs a tenth of the CPU, and they say nothing the metrics do not. A
// client's mistake is Info, a failing upstream a warning, a 500 a bug.
func accessLogLevel(status int) slog.Level {
	switch {
	case status == http.StatusBadGateway || status == http.StatusGatewayTimeout:
		return slog.LevelWarn
	case status >= 500:
		return slog.LevelError
	case status >= 400:
		return slog.LevelInfo
	}
	return slog.LevelDebug
}

// logPanic records a recovered panic; the error it returns reaches the
// error handler as a 500.
func (s *Server) logPanic(c echo.Context, err error, stack []byte) error {
	s.cfg.Logger.Error("panic in handler",
		slog.String("method", c.Request().Method),
		slog.String("path", c.Request().URL.Path),
		slog.String("error", err.Error()),
		slog.String("stack", string(stack)),
	)
	return fmt.Errorf("panic: %w", err)
}

// Header values shared by every response (keys in canonical form). Sharing
// the slices saves an allocation per header per request; Set and Add never
// write into an existing slice, so no response can change another's.
var (
	nosniff    = []string{"nosniff"}
	noReferrer = []string{"no-referrer"}
	deny       = []string{"DENY"}
	apiPolicy  = []string{apiCSP}
	noStore    = []string{"no-store"}
)

// secureHeaders sets the headers every response carries. The content
// security policy is left to each route: the web UI sets its own.
func secureHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h["X-Content-Type-Options"] = nosniff
		h["Referrer-Policy"] = noReferrer
		h["X-Frame-Options"] = deny
		return next(c)
	}
}

// apiHeaders marks a route's responses as data.
func apiHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h["Content-Security-Policy"] = apiPolicy
		h["Cache-Control"] = noStore
		return next(c)
	}
}

// withTimeout bounds the work on each request, network resolution included.
func (s *Server) withTimeout(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		ctx, cancel := context.WithTimeout(req.Context(), s.cfg.RequestTimeout)
		defer cancel()
		c.SetRequest(req.WithContext(ctx))
		return next(c)
	}
}
