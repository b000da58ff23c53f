package atprototest

import (
	"crypto/x509"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/bluesky-social/indigo/atproto/syntax"
)

// docHost serves DID documents: each account's own, unless a test has set
// another for its DID.
type docHost struct {
	server
	mu        sync.Mutex
	accounts  map[syntax.DID]*Account
	overrides map[syntax.DID]any
}

func (h *docHost) register(a *Account) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.accounts == nil {
		h.accounts = map[syntax.DID]*Account{}
	}
	h.accounts[a.DID] = a
}

// SetDocument makes the host serve doc (anything that encodes as JSON) as
// did's DID document, whether or not did is an account; nil serves the
// account's own document again.
func (h *docHost) SetDocument(did syntax.DID, doc any) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.overrides == nil {
		h.overrides = map[syntax.DID]any{}
	}
	if doc == nil {
		delete(h.overrides, did)
		return
	}
	h.overrides[did] = doc
}

func (h *docHost) serveDocument(w http.ResponseWriter, did syntax.DID) {
	h.mu.Lock()
	doc, ok := h.overrides[did]
	a := h.accounts[did]
	h.mu.Unlock()
	switch {
	case ok:
	case a != nil:
		doc = a.Document()
	default:
		WriteJSON(w, http.StatusNotFound, map[string]string{"message": "DID not registered: " + string(did)})
		return
	}
	WriteJSON(w, http.StatusOK, doc)
}

// PLC is a PLC directory: GET /<did> answers the DID document of a did:plc.
type PLC struct{ docHost }

func newPLC(t testing.TB) *PLC {
	p := &PLC{}
	p.init(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.serveDocument(w, syntax.DID(strings.TrimPrefix(r.URL.Path, "/")))
	}), false)
	return p
}

// Web hosts the documents of did:web accounts at
// https://<host>/.well-known/did.json, over TLS with httptest's
// certificate, which covers example.com and its subdomains: the hosts of
// did:web accounts. The resolver reaches it through DialAddrs and RootCAs.
type Web struct {
	docHost
	handles map[string]syntax.DID // host: the DID its /.well-known/atproto-did names
}

func newWeb(t testing.TB) *Web {
	h := &Web{handles: map[string]syntax.DID{}}
	h.init(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/.well-known/atproto-did" {
			h.mu.Lock()
			did, ok := h.handles[r.Host]
			h.mu.Unlock()
			if !ok {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "text/plain")
			_, _ = w.Write([]byte(did + "\n"))
			return
		}
		if r.URL.Path != "/.well-known/did.json" {
			WriteError(w, http.StatusNotFound, "NotFound", r.URL.Path)
			return
		}
		// The DID's identifier is the host, its port's colon escaped.
		h.serveDocument(w, syntax.DID("did:web:"+strings.ReplaceAll(r.Host, ":", "%3A")))
	}), true)
	return h
}

// ServeHandle makes https://<handle>/.well-known/atproto-did answer did:
// the HTTPS way for a handle to name its DID. The handle must be example.com
// or one of its subdomains, which the host's certificate covers.
func (h *Web) ServeHandle(handle syntax.Handle, did syntax.DID) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.handles[string(handle)] = did
}

// RootCAs holds the certificate the host serves.
func (h *Web) RootCAs() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(h.srv.Certificate())
	return pool
}

// DialAddrs maps the host:port of every did:web account (port 443 unless
// the DID names one), and of every handle ServeHandle serves, to the host's
// loopback address, for a dialler to connect there instead.
func (h *Web) DialAddrs() map[string]string {
	h.mu.Lock()
	defer h.mu.Unlock()
	addrs := map[string]string{}
	for did := range h.accounts {
		host, _ := url.PathUnescape(did.Identifier())
		if _, _, err := net.SplitHostPort(host); err != nil {
			host = net.JoinHostPort(host, "443")
		}
		addrs[host] = h.Addr()
	}
	for handle := range h.handles {
		addrs[net.JoinHostPort(handle, "443")] = h.Addr()
	}
	return addrs
}
