package atprototest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lexval/lexval/resolver"
)

// Network is a PLC directory, a PDS and DNS on loopback, with did:web
// hosting started on first use. Safe for concurrent use.
type Network struct {
	PLC *PLC
	PDS *PDS
	DNS *DNS

	t         testing.TB
	webOnce   sync.Once
	web       *Web
	relayOnce sync.Once
	relay     *Relay
	mu        sync.Mutex
	dids      uint64 // did:plc made up so far
}

// New starts a network whose servers close when t ends.
func New(t testing.TB) *Network {
	t.Helper()
	n := &Network{t: t, DNS: NewDNS()}
	n.PLC = newPLC(t)
	n.PDS = newPDS(t)
	return n
}

// NewPDS starts another PDS (a second host, for tests of what one server
// does to another's lookups); Account.MoveTo puts an account on it.
func (n *Network) NewPDS() *PDS { return newPDS(n.t) }

// Web returns the did:web host, starting it on first use.
func (n *Network) Web() *Web {
	n.webOnce.Do(func() { n.web = newWeb(n.t) })
	return n.web
}

// ResolverConfig is a resolver configuration with the network on, reaching
// this network: its PLC directory and DNS, loopback addresses allowed, and
// a fetch timeout short enough for a test yet long enough for a loaded
// machine. did:web also needs the Web host's dial addresses and root CAs,
// which only the resolver's own tests can set.
func (n *Network) ResolverConfig() resolver.Config {
	return resolver.Config{
		Network:               true,
		PLCURL:                n.PLC.URL(),
		DNS:                   n.DNS,
		AllowPrivateAddresses: true,
		Timeout:               5 * time.Second,
	}
}

// Interceptor sees a request before the honest server does. It may answer
// itself (hold, delay, fail, redirect, serve other bytes) or call next, the
// honest server, perhaps with a recorder to alter its answer.
type Interceptor func(w http.ResponseWriter, r *http.Request, next http.Handler)

// server is what the PLC directory, the PDS and the did:web host share: an
// httptest server with a request count and an interceptor.
type server struct {
	srv      *httptest.Server
	honest   http.Handler
	requests atomic.Int64
	// closing is closed when the test ends, before the server closes, so
	// that answers held back return and Close does not wait on them.
	closing chan struct{}

	mu        sync.Mutex
	intercept Interceptor
}

func (s *server) init(t testing.TB, honest http.Handler, tls bool) {
	s.honest = honest
	s.closing = make(chan struct{})
	h := http.HandlerFunc(s.serve)
	if tls {
		s.srv = httptest.NewTLSServer(h)
	} else {
		s.srv = httptest.NewServer(h)
	}
	t.Cleanup(s.srv.Close)
	t.Cleanup(func() { close(s.closing) }) // runs before Close
}

func (s *server) serve(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	s.mu.Lock()
	f := s.intercept
	s.mu.Unlock()
	if f != nil {
		f(w, r, s.honest)
		return
	}
	s.honest.ServeHTTP(w, r)
}

// URL is the server's base URL.
func (s *server) URL() string { return s.srv.URL }

// Addr is the loopback address and port the server listens on.
func (s *server) Addr() string { return s.srv.Listener.Addr().String() }

// Requests counts the requests the server has received.
func (s *server) Requests() int64 { return s.requests.Load() }

// Intercept puts f in front of the honest server; nil removes it.
func (s *server) Intercept(f Interceptor) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.intercept = f
}

// Hold makes every answer wait until release is called (release may be
// called more than once), so that callers can be lined up behind one
// request; it replaces any interceptor. An answer held back returns when
// its request ends or the test does.
func (s *server) Hold() (release func()) {
	ch := make(chan struct{})
	var once sync.Once
	s.Intercept(func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		select {
		case <-ch:
			next.ServeHTTP(w, r)
		case <-r.Context().Done():
		case <-s.closing:
		}
	})
	return func() { once.Do(func() { close(ch) }) }
}

// Stall never answers r: it returns when the client gives up or the test
// ends. For interceptors.
func (s *server) Stall(w http.ResponseWriter, r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-s.closing:
	}
}

// WriteJSON answers with status and v as JSON.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// WriteError answers with status and an XRPC error body {"error", "message"}.
func WriteError(w http.ResponseWriter, status int, name, message string) {
	WriteJSON(w, status, map[string]string{"error": name, "message": message})
}
