package cli

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"time"

	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/service"
	"github.com/lexval/lexval/store"
)

// resolverFlags are the flags of every command that finds schemas.
type resolverFlags struct {
	lexicons     listFlag
	network      bool
	plcURL       string
	allowPrivate bool
	// db is the lexicon store's URL ("" none; serve's default is
	// defaultDB's).
	db string
	// dbMaxAge: with the network on, a stored version last seen longer
	// ago is fetched again.
	dbMaxAge time.Duration
	// followSymlinks: in directories (the command's inputs and --lexicons),
	// links to files outside the directory's tree are read too.
	followSymlinks bool
}

// resolverEnv lists the resolver flags that read LEXVAL_* variables.
var resolverEnv = []string{"lexicons", "network", "plc-url", "allow-private-addresses", "db", "db-max-age"}

func (r *resolverFlags) register(fs *flag.FlagSet) {
	fs.Var(&r.lexicons, "lexicons", "directory of lexicon JSON files, overriding embedded lexicons of the same NSID (repeatable; the variable is a path list)")
	fs.BoolVar(&r.network, "network", false, "resolve schemas not found locally over DNS, PLC and PDS")
	fs.StringVar(&r.plcURL, "plc-url", "https://plc.directory", "PLC directory `URL` for did:plc (with --network)")
	fs.BoolVar(&r.allowPrivate, "allow-private-addresses", false, "let network resolution reach loopback, private and link-local addresses")
	fs.StringVar(&r.db, "db", "", "lexicon store `URL`: sqlite://PATH or postgres://...; schemas resolve through it and what the network fetches is kept")
	fs.DurationVar(&r.dbMaxAge, "db-max-age", resolver.DefaultCacheTTL, "with --network, fetch again a stored version last seen longer ago than this `DURATION` (0: never)")
	fs.BoolVar(&r.followSymlinks, "follow-symlinks", false, "in directories (inputs and --lexicons), read symbolic links to files outside the directory too")
}

func (r *resolverFlags) check() error {
	if r.dbMaxAge < 0 {
		return fmt.Errorf("%w: --db-max-age %v: want a duration, 0 for no limit", errUsage, r.dbMaxAge)
	}
	u, err := url.Parse(r.plcURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%w: --plc-url %q is not an http(s) URL", errUsage, r.plcURL)
	}
	return nil
}

// testDNS, set by tests only, answers the resolver's DNS TXT lookups: the
// one part of a fake network that no flag can point at.
var testDNS resolver.TXTResolver

func (r *resolverFlags) config(logger *slog.Logger) resolver.Config {
	return resolver.Config{
		Directories:           r.lexicons.values,
		FollowSymlinks:        r.followSymlinks,
		Network:               r.network,
		PLCURL:                r.plcURL,
		AllowPrivateAddresses: r.allowPrivate,
		DNS:                   testDNS,
		Logger:                logger,
	}
}

// open loads the catalog (embedded records and directories) and returns the
// service over it, reading through the store --db names, if any. A
// one-shot command leaves the store open until it exits.
func (r *resolverFlags) open(logger *slog.Logger) (*service.Service, *resolver.Resolver, error) {
	return r.openTuned(logger, service.Options{})
}

// openTuned is open with the service tuned by opts.
func (r *resolverFlags) openTuned(logger *slog.Logger, opts service.Options) (*service.Service, *resolver.Resolver, error) {
	if r.db == "" || r.db == dbNone {
		res, err := resolver.New(r.config(logger))
		if err != nil {
			return nil, nil, fmt.Errorf("loading lexicons: %w", err)
		}
		return service.NewWithOptions(res, opts), res, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), storeOpenTimeout)
	defer cancel()
	st, err := store.Open(ctx, r.db)
	if err != nil {
		return nil, nil, err
	}
	svc, res, _, err := r.openWith(st, r.sourceOptions(false, logger), opts, logger)
	if err != nil {
		st.Close()
	}
	return svc, res, err
}

// openWith returns the service (tuned by opts) over the local catalog and
// st.
func (r *resolverFlags) openWith(st store.Store, sopts store.SourceOptions, opts service.Options, logger *slog.Logger) (*service.Service, *resolver.Resolver, *store.Source, error) {
	res, src, err := store.NewResolver(r.config(logger), st, sopts)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("loading lexicons: %w", err)
	}
	opts.Store = src
	return service.NewWithOptions(res, opts), res, src, nil
}

// sourceOptions are the store's: a store that Tap keeps current, or that
// the network cannot refresh, answers whatever its age; otherwise a
// version last seen longer ago than --db-max-age is fetched again.
func (r *resolverFlags) sourceOptions(tapFed bool, logger *slog.Logger) store.SourceOptions {
	opts := store.SourceOptions{Logger: logger}
	if r.network && !tapFed {
		opts.MaxAge = r.dbMaxAge
	}
	return opts
}

// dbNone, as --db, runs without a store.
const dbNone = "none"

// storeOpenTimeout bounds connecting to the database and migrating it.
const storeOpenTimeout = 30 * time.Second

// defaultDB is the store `lexval serve` keeps when --db is not given: a
// SQLite file in the user's data directory ($XDG_DATA_HOME/lexval, else
// ~/.local/share/lexval), or in the working directory when there is no
// home.
func defaultDB(getenv func(string) string) string {
	dir := getenv("XDG_DATA_HOME")
	if dir == "" {
		if home := getenv("HOME"); home != "" {
			dir = filepath.Join(home, ".local", "share")
		}
	}
	if dir == "" {
		return "sqlite://lexval.db"
	}
	return "sqlite://" + filepath.Join(dir, "lexval", "lexval.db")
}

// cliLogger is the logger of the one-shot commands: warnings and errors only,
// as text on stderr.
func cliLogger(s *streams) *slog.Logger {
	return slog.New(slog.NewTextHandler(s.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}
