package service

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/bluesky-social/indigo/atproto/syntax"
	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/ipfs/go-cid"

	"github.com/lexval/lexval/lexdoc"
	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/store"
	"github.com/lexval/lexval/validator"
)

// Defaults for Options.
const (
	// DefaultCompilerCacheSize bounds the compilers kept for network-resolved
	// schemas and unpublished documents (each one a catalog and its compiled
	// schemas).
	DefaultCompilerCacheSize = 64
	// DefaultCheckerCacheSize bounds the ready Checkers kept for local
	// schemas, so that naming one again costs a map lookup.
	DefaultCheckerCacheSize = 4096
	// DefaultMaxErrors is how many errors the front ends list for one
	// invalid value unless configured otherwise (validator.Limits): enough
	// to fix a value by, few enough that a hostile one costs little.
	DefaultMaxErrors = 100
)

// Options tune a Service. Zero values mean the defaults.
type Options struct {
	CompilerCacheSize int
	CheckerCacheSize  int
	// MaxCompiles bounds the lexicon compiles that run at once (each takes
	// a core while it runs); the default is GOMAXPROCS.
	MaxCompiles int
	// Store, when set, is the lexicon store the resolver reads through:
	// History lists its versions.
	Store *store.Source
}

// Service is safe for concurrent use.
type Service struct {
	res *resolver.Resolver

	// local is fixed at New: the resolver's local records never change, so
	// one compiler (and its cache) serves them for the life of the process.
	// Its catalog loads each document the first time it is needed (most of
	// the bundled lexicons never are).
	local *validator.Compiler

	// compilers holds compilers over local + something else (a network
	// closure, an unpublished document), keyed by that something's
	// NSID@CID set.
	compilers *lru.Cache[string, *validator.Compiler]
	// gate is shared by every compiler of the Service.
	gate *validator.CompileGate

	// checkers short-cuts Prepare for requests answered by local records;
	// bounded by maxCheckers (past it, new requests are simply not kept).
	checkers    sync.Map // Request → *Checker
	numCheckers atomic.Int64
	maxCheckers int64

	parsedRefs refMemo // for ParseSchemaRef

	store    *store.Source // nil without a database
	nsidList               // for SuggestNSID
}

// New returns a Service over res with default Options.
func New(res *resolver.Resolver) *Service {
	return NewWithOptions(res, Options{})
}

// NewWithOptions returns a Service over res.
func NewWithOptions(res *resolver.Resolver, opts Options) *Service {
	if opts.CompilerCacheSize <= 0 {
		opts.CompilerCacheSize = DefaultCompilerCacheSize
	}
	if opts.CheckerCacheSize <= 0 {
		opts.CheckerCacheSize = DefaultCheckerCacheSize
	}
	if opts.MaxCompiles <= 0 {
		opts.MaxCompiles = runtime.GOMAXPROCS(0)
	}
	gate := validator.NewCompileGate(opts.MaxCompiles)
	local := lexdoc.NewLazyCatalog(res.LocalNSIDs(), func(nsid syntax.NSID) (*lexdoc.Document, error) {
		rec, err := res.LocalRecord(nsid)
		if err != nil {
			return nil, err
		}
		return rec.Document, nil
	})
	// New fails only for a size below 1, ruled out above.
	compilers, _ := lru.New[string, *validator.Compiler](opts.CompilerCacheSize)
	return &Service{
		res:         res,
		local:       validator.NewCompilerWith(local, validator.CompilerConfig{Gate: gate}),
		compilers:   compilers,
		gate:        gate,
		maxCheckers: int64(opts.CheckerCacheSize),
		store:       opts.Store,
	}
}

// Catalog returns the local records (embedded, directories and bundled),
// by NSID. It loads every one (resolver.Resolver.Local); CatalogNSIDs and
// CatalogRecord load none or one.
func (s *Service) Catalog() []*resolver.Record { return s.res.Local() }

// CatalogNSIDs returns the NSIDs of the local records, sorted, loading none.
func (s *Service) CatalogNSIDs() []syntax.NSID { return s.res.LocalNSIDs() }

// CatalogRecord returns the local record of lexicon nsid, the one Catalog
// lists, if there is one that loads.
func (s *Service) CatalogRecord(nsid syntax.NSID) (*resolver.Record, bool) {
	rec, err := s.res.LocalRecord(nsid)
	return rec, err == nil
}

// Network reports whether network resolution is on.
func (s *Service) Network() bool { return s.res.Network() }

// Lookup returns the schema record ref names, checked against pin. A
// reference to a definition the lexicon lacks names nothing: an error with
// CodeNotFound. Main is not checked: a bare NSID, which means main, also
// names a lexicon that has only other definitions.
func (s *Service) Lookup(ctx context.Context, ref SchemaRef, pin cid.Cid) (*resolver.Record, error) {
	q := resolver.Query{URI: ref.URI, CID: pin}
	if ref.URI == "" {
		q.NSID = ref.Def.NSID
	}
	rec, err := s.res.Resolve(ctx, q)
	if err != nil {
		if errors.Is(err, resolver.ErrNotFound) {
			if near := s.SuggestNSID(ref.Def.NSID.String()); len(near) > 0 {
				return nil, fmt.Errorf("schema %s: %w (did you mean %s?)", ref, err, near[0])
			}
		}
		return nil, fmt.Errorf("schema %s: %w", ref, err)
	}
	if name := ref.Def.Name; name != "main" && name != "" {
		if _, ok := rec.Document.Defs[name]; !ok {
			return nil, fmt.Errorf("schema %s: %w: lexicon %s has no definition %q", ref, validator.ErrNotFound, rec.NSID(), name)
		}
	}
	return rec, nil
}

// compilerWith returns a compiler over the local catalog plus docs (which
// override local documents of the same NSID), cached under key. absent says
// why lexicons that could not be resolved are missing; key must cover it.
func (s *Service) compilerWith(key string, docs []*lexdoc.Document, absent map[syntax.NSID]string) *validator.Compiler {
	if c, ok := s.compilers.Get(key); ok {
		return c
	}
	cat := s.catalogWith(docs)
	if len(absent) > 0 {
		cat = cat.WithAbsent(absent)
	}
	// Of two goroutines that built the same compiler, both use the first
	// stored, so that its cache of compiled schemas is shared.
	c := validator.NewCompilerWith(cat, validator.CompilerConfig{Gate: s.gate})
	if prev, ok, _ := s.compilers.PeekOrAdd(key, c); ok {
		return prev
	}
	return c
}
