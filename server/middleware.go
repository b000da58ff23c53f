package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"time"

	"github.com/labstack/echo/v4"
)

// apiCSP forbids everything: API responses are data, never a page to render
// or frame.
const apiCSP = "default-src 'none'; frame-ancestors 'none'"

// observe is the one middleware every request goes through: it sets the
// headers every response carries, recovers panics, renders errors (through
// the error handler, so that the status is final when counted), records the
// request's metrics and logs it. One middleware rather than four: echo
// builds the chain of closures anew for every request.
func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		h := c.Response().Header()
		h["X-Content-Type-Options"] = nosniff
		h["Referrer-Policy"] = noReferrer
		h["X-Frame-Options"] = deny
		err := s.recovering(next, c)
		if err != nil {
			c.Error(err)
		}
		elapsed := time.Since(start)
		req, res := c.Request(), c.Response()
		rs := s.series(c)
		s.metrics.observeRequest(rs, res.Status, elapsed)

		level := accessLogLevel(res.Status)
		late := elapsed >= s.http.WriteTimeout
		if late {
			// The connection's write deadline passed before the handler
			// returned: whatever it wrote did not reach the client. Budgets
			// keep this from happening; count and say so if it does.
			s.metrics.undelivered.Inc()
			level = slog.LevelError
		}
		if !s.cfg.Logger.Enabled(req.Context(), level) {
			return nil
		}
		attrs := []slog.Attr{
			slog.String("method", req.Method),
			slog.String("route", rs.route),
			slog.String("path", req.URL.Path),
			slog.Int("status", res.Status),
			slog.Int64("bytes", res.Size),
			slog.Duration("duration", elapsed),
			slog.String("remote", req.RemoteAddr),
		}
		if err != nil && res.Status >= 500 {
			attrs = append(attrs, slog.String("error", err.Error()))
		}
		if late {
			attrs = append(attrs, slog.Bool("undelivered", true))
		}
		s.cfg.Logger.LogAttrs(context.WithoutCancel(req.Context()), level, "http request", attrs...)
		return nil
	}
}

// recovering calls next (admitted as heavy work when it is: admitHeavy),
// turning a panic into an error (a 500) after logging it with its stack. http.ErrAbortHandler goes on up: net/http uses it to
// abort a response on purpose.
func (s *Server) recovering(next echo.HandlerFunc, c echo.Context) (err error) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		if r == http.ErrAbortHandler {
			panic(r)
		}
		perr, ok := r.(error)
		if !ok {
			perr = fmt.Errorf("%v", r)
		}
		stack := make([]byte, panicStackSize)
		stack = stack[:runtime.Stack(stack, false)] // the panicking goroutine's stack is enough
		err = s.logPanic(c.Request().Method, c.Request().URL.Path, perr, stack)
	}()
	return s.admitHeavy(next, c)
}

const panicStackSize = 8 << 10

// accessLogLevel ranks a request for the access log. Successes are Debug,
// as in miniflux: at thousands of validations a second, a log line each
// costs a tenth of the CPU, and they say nothing the metrics do not. A
// client's mistake is Info, a failing upstream or a request turned away for
// load or time (503) a warning, a 500 a bug.
func accessLogLevel(status int) slog.Level {
	switch {
	case status == http.StatusBadGateway || status == http.StatusServiceUnavailable || status == http.StatusGatewayTimeout:
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
func (s *Server) logPanic(method, path string, err error, stack []byte) error {
	s.cfg.Logger.Error("panic in handler",
		slog.String("method", method),
		slog.String("path", path),
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

// apiHeaders marks a route's responses as data. Routes are registered with
// it applied (api), not as echo route middleware, which echo would wrap anew
// for every request.
func apiHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h["Content-Security-Policy"] = apiPolicy
		h["Cache-Control"] = noStore
		return next(c)
	}
}
