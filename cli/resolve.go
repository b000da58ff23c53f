package cli

import (
	"flag"
	"fmt"
	"log/slog"
	"net/url"

	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/service"
)

// resolverFlags are the flags of every command that finds schemas.
type resolverFlags struct {
	lexicons     listFlag
	network      bool
	plcURL       string
	allowPrivate bool
}

// resolverEnv lists the resolver flags that read LEXVAL_* variables.
var resolverEnv = []string{"lexicons", "network", "plc-url", "allow-private-addresses"}

func (r *resolverFlags) register(fs *flag.FlagSet) {
	fs.Var(&r.lexicons, "lexicons", "directory of lexicon JSON files, overriding embedded lexicons of the same NSID (repeatable; the variable is a path list)")
	fs.BoolVar(&r.network, "network", false, "resolve schemas not found locally over DNS, PLC and PDS")
	fs.StringVar(&r.plcURL, "plc-url", "https://plc.directory", "PLC directory `URL` for did:plc (with --network)")
	fs.BoolVar(&r.allowPrivate, "allow-private-addresses", false, "let network resolution reach loopback, private and link-local addresses")
}

func (r *resolverFlags) check() error {
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
		Network:               r.network,
		PLCURL:                r.plcURL,
		AllowPrivateAddresses: r.allowPrivate,
		DNS:                   testDNS,
		Logger:                logger,
	}
}

// open loads the catalog (embedded records and directories) and returns the
// service over it.
func (r *resolverFlags) open(logger *slog.Logger) (*service.Service, *resolver.Resolver, error) {
	return r.openWith(logger, service.Options{})
}

// openWith is open with the service tuned by opts.
func (r *resolverFlags) openWith(logger *slog.Logger, opts service.Options) (*service.Service, *resolver.Resolver, error) {
	res, err := resolver.New(r.config(logger))
	if err != nil {
		return nil, nil, fmt.Errorf("loading lexicons: %w", err)
	}
	return service.NewWithOptions(res, opts), res, nil
}

// cliLogger is the logger of the one-shot commands: warnings and errors only,
// as text on stderr.
func cliLogger(s *streams) *slog.Logger {
	return slog.New(slog.NewTextHandler(s.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}
