package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"time"

	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/server"
	"github.com/lexval/lexval/service"
	"github.com/lexval/lexval/store"
	"github.com/lexval/lexval/tap"
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
catalog and keeps every lexicon version it sees in a SQLite file
($XDG_DATA_HOME/lexval/lexval.db, else ~/.local/share/lexval/lexval.db;
--db none keeps none). With --tap-url it also ingests the lexicons a Tap sync
service delivers. SIGINT or SIGTERM shut it down gracefully.`,
	env: append([]string{"addr", "max-body", "max-connections", "request-timeout", "max-explaining", "max-compiles", "max-errors", "log-format", "log-level", "tap-url", "tap-password"}, resolverEnv...),
	run: runServe,
}

func runServe(ctx context.Context, s *streams, cmd *command, args []string) int {
	fs := newFlagSet(cmd.name)
	addr := fs.String("addr", server.DefaultAddr, "`address` to listen on")
	var rf resolverFlags
	rf.register(fs)
	maxBody := byteSize(server.DefaultMaxBody)
	fs.Var(&maxBody, "max-body", "largest request body in `BYTES` (2097152, 2MiB, 512KiB, ...)")
	maxConns := fs.Int("max-connections", server.DefaultMaxConnections, "most simultaneous connections, `N`; lowered to 80% of the descriptor limit")
	requestTimeout := fs.Duration("request-timeout", server.DefaultRequestTimeout, "the work one request may take, a `DURATION` (resolving, explaining, batches, lint); past it, 503")
	maxExplaining := fs.Int("max-explaining", 0, "most requests explaining invalid values at once, `N` (default half of GOMAXPROCS, at least 1)")
	maxCompiles := fs.Int("max-compiles", 0, "most lexicon compiles at once, `N` (default GOMAXPROCS)")
	maxErrors := fs.Int("max-errors", server.DefaultMaxErrors, "most errors listed for one value, `N` (ten times as many per request); past it the rest are counted")
	logFormat := newChoice("text", "text", "json")
	fs.Var(logFormat, "log-format", "log `format`: text or json")
	tapURL := fs.String("tap-url", "", "Tap's `URL` (ws://HOST:PORT): ingest the lexicon records it delivers into the store")
	tapPassword := fs.String("tap-password", "", "Tap's admin `password` (TAP_ADMIN_PASSWORD), sent as basic auth")
	logLevel := newChoice("info", "debug", "info", "warn", "error")
	fs.Var(logLevel, "log-level", "least severe `level` logged: debug (every request), info, warn or error")
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
	switch {
	case *maxConns <= 0:
		return s.usageError(cmd, fs, fmt.Errorf("--max-connections %d: want a positive number", *maxConns))
	case *requestTimeout <= 0:
		return s.usageError(cmd, fs, fmt.Errorf("--request-timeout %v: want a positive duration (30s, 1m, ...)", *requestTimeout))
	case *maxExplaining < 0:
		return s.usageError(cmd, fs, fmt.Errorf("--max-explaining %d: want a positive number", *maxExplaining))
	case *maxErrors <= 0:
		return s.usageError(cmd, fs, fmt.Errorf("--max-errors %d: want a positive number", *maxErrors))
	case *maxCompiles < 0:
		return s.usageError(cmd, fs, fmt.Errorf("--max-compiles %d: want a positive number", *maxCompiles))
	}
	if *maxCompiles == 0 {
		*maxCompiles = runtime.GOMAXPROCS(0)
	}
	logger := newLogger(s.stderr, logFormat.value, logLevels[logLevel.value])
	gc := paceGC(os.Getenv, cgroupMemoryMax)

	if rf.db == "" {
		rf.db = defaultDB(os.Getenv)
	}
	if *tapURL != "" && rf.db == dbNone {
		return s.usageError(cmd, fs, fmt.Errorf("--tap-url needs a store: not --db %s", dbNone))
	}
	svc, res, st, src, err := openServing(ctx, &rf, *tapURL != "", service.Options{MaxCompiles: *maxCompiles}, logger)
	if err != nil {
		logger.Error("cannot start", "error", err)
		return exitError
	}
	if st != nil {
		defer st.Close()
	}
	var ingester *tap.Ingester
	if *tapURL != "" {
		ingester, err = tap.New(tap.Config{URL: *tapURL, Password: *tapPassword, Store: st, Logger: logger, Committed: src.Forget})
		if err != nil {
			return s.usageError(cmd, fs, err)
		}
	}
	srv, err := server.New(server.Config{
		Addr:           *addr,
		Service:        svc,
		Resolver:       res,
		MaxBody:        int64(maxBody),
		RequestTimeout: *requestTimeout,
		MaxConnections: *maxConns,
		MaxExplaining:  *maxExplaining,
		MaxErrors:      *maxErrors,
		Logger:         logger,
		Version:        version(),
		Tap:            ingester,
	})
	if err != nil {
		logger.Error("cannot start", "error", err)
		return exitError
	}
	ingesting := make(chan struct{})
	if ingester != nil {
		ictx, stopIngesting := context.WithCancel(context.WithoutCancel(ctx))
		defer func() { stopIngesting(); <-ingesting }()
		go func() { defer close(ingesting); ingester.Run(ictx) }()
	} else {
		close(ingesting)
	}
	if err := srv.Open(); err != nil {
		logger.Error("cannot listen", "addr", *addr, "error", err)
		return exitError
	}
	// An empty list, not null, when no directory is given.
	directories := append([]string{}, rf.lexicons.values...)
	logger.Info("listening",
		"addr", srv.Addr().String(),
		"lexicons", len(svc.CatalogNSIDs()),
		"directories", directories,
		"network", svc.Network(),
		"store", describeStore(st),
		"tap", *tapURL != "",
		"max_body", int64(maxBody),
		"max_connections", srv.MaxConnections(),
		"request_timeout", requestTimeout.String(),
		"max_compiles", *maxCompiles,
		"max_errors", *maxErrors,
		"gc_percent", gc.percent, // 0: GOGC's
		"memory_limit", gc.memoryLimit) // 0: GOMEMLIMIT's, or none

	<-ctx.Done()
	logger.Info("shutting down", "timeout", shutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		logger.Error("shutdown incomplete", "error", err)
		return exitError
	}
	logger.Info("stopped")
	return exitOK
}

// openServing opens the store (unless --db none) and the service over it.
func openServing(ctx context.Context, rf *resolverFlags, tapFed bool, opts service.Options, logger *slog.Logger) (*service.Service, *resolver.Resolver, store.Store, *store.Source, error) {
	if rf.db == dbNone {
		svc, res, err := rf.openTuned(logger, opts)
		return svc, res, nil, nil, err
	}
	octx, cancel := context.WithTimeout(ctx, storeOpenTimeout)
	defer cancel()
	st, err := store.Open(octx, rf.db)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	svc, res, src, err := rf.openWith(st, rf.sourceOptions(tapFed, logger), opts, logger)
	if err != nil {
		st.Close()
		return nil, nil, nil, nil, err
	}
	return svc, res, st, src, nil
}

// describeStore names the store for the start log.
func describeStore(st store.Store) string {
	if st == nil {
		return dbNone
	}
	return st.Describe()
}

// logLevels are the values of --log-level.
var logLevels = map[string]slog.Level{
	"debug": slog.LevelDebug,
	"info":  slog.LevelInfo,
	"warn":  slog.LevelWarn,
	"error": slog.LevelError,
}

// newLogger logs to w in format ("text" or "json") from level up.
func newLogger(w io.Writer, format string, level slog.Level) *slog.Logger {
	opts := slog.HandlerOptions{Level: level}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, &opts))
	}
	return slog.New(slog.NewTextHandler(w, &opts))
}
