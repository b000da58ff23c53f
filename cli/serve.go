package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/lexval/lexval/server"
)

// shutdownTimeout bounds how long requests in flight may finish after
// SIGINT/SIGTERM; Kubernetes' default grace period is 30s.
const shutdownTimeout = 10 * time.Second

var serveCommand = &command{
	name:     "serve",
	synopsis: "[flags]",
	summary:  "serve the HTTP API and web UI",
	detail: `Serves the JSON API (/api/v1), the XRPC methods (/xrpc), the web UI, /healthz,
/readyz and /metrics. With no flags it serves on :8080 with the embedded
catalog; SIGINT or SIGTERM shut it down gracefully.`,
	env: append([]string{"addr", "max-body", "log-format"}, resolverEnv...),
	run: runServe,
}

func runServe(ctx context.Context, s *streams, cmd *command, args []string) int {
	fs := newFlagSet(cmd.name)
	addr := fs.String("addr", server.DefaultAddr, "`address` to listen on")
	var rf resolverFlags
	rf.register(fs)
	maxBody := byteSize(server.DefaultMaxBody)
	fs.Var(&maxBody, "max-body", "largest request body in `BYTES` (2097152, 2MiB, 512KiB, ...)")
	logFormat := newChoice("text", "text", "json")
	fs.Var(logFormat, "log-format", "log `format`: text or json")
	rest, code, ok := s.parse(cmd, fs, args)
	if !ok {
		return code
	}
	if len(rest) > 0 {
		return s.usageError(cmd, fs, fmt.Errorf("unexpected argument %q", rest[0]))
	}
	if err := rf.check(); err != nil {
		return s.usageError(cmd, fs, err)
	}
	logger := newLogger(s.stderr, logFormat.value)

	svc, res, err := rf.open(logger)
	if err != nil {
		logger.Error("cannot start", "err", err)
		return exitError
	}
	srv, err := server.New(server.Config{
		Addr:     *addr,
		Service:  svc,
		Resolver: res,
		MaxBody:  int64(maxBody),
		Logger:   logger,
	})
	if err != nil {
		logger.Error("cannot start", "err", err)
		return exitError
	}
	if err := srv.Open(); err != nil {
		logger.Error("cannot listen", "addr", *addr, "err", err)
		return exitError
	}
	logger.Info("listening",
		"addr", srv.Addr().String(),
		"lexicons", len(svc.Catalog()),
		"directories", rf.lexicons.values,
		"network", svc.Network(),
		"max_body", int64(maxBody))

	<-ctx.Done()
	logger.Info("shutting down", "timeout", shutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		logger.Error("shutdown incomplete", "err", err)
		return exitError
	}
	logger.Info("stopped")
	return exitOK
}

func newLogger(w io.Writer, format string) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}
