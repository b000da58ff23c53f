package resolver

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// maxRedirects bounds the redirects one fetch follows.
const maxRedirects = 3

// blockedPrefixes are the ranges a resolver must not reach on behalf of a
// user unless told otherwise: anything that is not the public internet.
var blockedPrefixes = func() []struct {
	prefix netip.Prefix
	what   string
} {
	list := []struct{ cidr, what string }{
		{"0.0.0.0/8", "an unspecified (this-network) address"},
		{"10.0.0.0/8", "a private address"},
		{"100.64.0.0/10", "a shared (carrier-grade NAT) address"},
		{"127.0.0.0/8", "a loopback address"},
		{"169.254.0.0/16", "a link-local address"},
		{"172.16.0.0/12", "a private address"},
		{"192.0.0.0/24", "an IETF protocol assignment"},
		{"192.168.0.0/16", "a private address"},
		{"198.18.0.0/15", "a benchmarking address"},
		{"224.0.0.0/4", "a multicast address"},
		{"240.0.0.0/4", "a reserved address"},
		{"192.0.2.0/24", "a documentation address"},
		{"198.51.100.0/24", "a documentation address"},
		{"203.0.113.0/24", "a documentation address"},
		{"::/128", "an unspecified address"},
		{"::1/128", "a loopback address"},
		// The next ranges carry an IPv4 address inside an IPv6 one, so they
		// could reach any of the above by another name; no PDS needs them.
		{"::/96", "a deprecated IPv4-compatible address"},
		{"64:ff9b::/96", "a NAT64 address"},
		{"64:ff9b:1::/48", "a NAT64 address"},
		{"2001::/32", "a Teredo tunnel address"},
		{"2002::/16", "a 6to4 tunnel address"},
		{"100::/64", "a discard-only address"},
		{"2001:db8::/32", "a documentation address"},
		{"fc00::/7", "a private (unique local) address"},
		{"fe80::/10", "a link-local address"},
		{"ff00::/8", "a multicast address"},
	}
	out := make([]struct {
		prefix netip.Prefix
		what   string
	}, len(list))
	for i, e := range list {
		out[i].prefix = netip.MustParsePrefix(e.cidr)
		out[i].what = e.what
	}
	return out
}()

// blockedReason says why addr is off limits, or "" when it is public.
func blockedReason(addr netip.Addr) string {
	addr = addr.Unmap().WithZone("")
	for _, b := range blockedPrefixes {
		if b.prefix.Contains(addr) {
			return b.what
		}
	}
	return ""
}

// checkDialAddress runs after name resolution, on the address about to be
// connected, which is the only check DNS answers and redirects cannot get
// round.
func checkDialAddress(address string, public map[netip.AddrPort]bool) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %q is not an IP address and port", ErrBlockedAddress, address)
	}
	if public[ap] {
		return nil
	}
	if why := blockedReason(ap.Addr()); why != "" {
		return fmt.Errorf("%w: %s is %s", ErrBlockedAddress, ap.Addr(), why)
	}
	return nil
}

// newHTTPClient returns the client of every fetch: no proxy (a proxy would
// be the only address checked), the address check at dial time, bounded
// redirects that stay on http(s) and never downgrade from https.
func newHTTPClient(cfg Config, s seams) *http.Client {
	dialer := &net.Dialer{Timeout: cfg.Timeout, KeepAlive: 30 * time.Second}
	if !cfg.AllowPrivateAddresses {
		public := s.publicAddrs
		dialer.ControlContext = func(_ context.Context, _, address string, _ syscall.RawConn) error {
			return checkDialAddress(address, public)
		}
	}
	dialAddrs := s.dialAddrs
	transport := &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if a, ok := dialAddrs[addr]; ok {
				addr = a
			}
			return dialer.DialContext(ctx, network, addr)
		},
		TLSClientConfig:        &tls.Config{RootCAs: s.rootCAs, MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:    cfg.Timeout,
		ResponseHeaderTimeout:  cfg.Timeout,
		MaxResponseHeaderBytes: 64 << 10,
		MaxIdleConns:           64,
		MaxIdleConnsPerHost:    4,
		IdleConnTimeout:        90 * time.Second,
		ForceAttemptHTTP2:      true,
	}
	return &http.Client{Transport: transport, CheckRedirect: checkRedirect}
}

var errRedirect = errors.New("redirect refused")

func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > maxRedirects {
		return fmt.Errorf("%w: more than %d redirects", errRedirect, maxRedirects)
	}
	switch req.URL.Scheme {
	case "https":
	case "http":
		if via[len(via)-1].URL.Scheme == "https" {
			return fmt.Errorf("%w: from https to http", errRedirect)
		}
	default:
		return fmt.Errorf("%w: to scheme %q", errRedirect, req.URL.Scheme)
	}
	return nil
}
