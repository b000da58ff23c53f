package resolver

import (
	"errors"
	"net/http"
	"net/netip"
	"net/url"
	"testing"
)

func TestCheckDialAddress(t *testing.T) {
	tests := []struct {
		addr    string
		blocked bool
	}{
		{addr: "8.8.8.8:443"},
		{addr: "[2606:4700::1111]:443"},
		{addr: "127.0.0.1:80", blocked: true},
		{addr: "127.1.2.3:80", blocked: true},
		{addr: "[::1]:80", blocked: true},
		{addr: "[::ffff:127.0.0.1]:80", blocked: true},
		{addr: "10.0.0.1:80", blocked: true},
		{addr: "172.16.0.1:80", blocked: true},
		{addr: "172.32.0.1:80"},
		{addr: "192.168.1.1:80", blocked: true},
		{addr: "100.64.0.1:80", blocked: true},
		{addr: "169.254.169.254:80", blocked: true},
		{addr: "[fe80::1%eth0]:80", blocked: true},
		{addr: "[fd00::1]:80", blocked: true},
		{addr: "0.0.0.0:80", blocked: true},
		{addr: "[::]:80", blocked: true},
		{addr: "224.0.0.1:80", blocked: true},
		{addr: "[ff02::1]:80", blocked: true},
		{addr: "255.255.255.255:80", blocked: true},
		{addr: "[64:ff9b::7f00:1]:80", blocked: true},
		{addr: "[::127.0.0.1]:80", blocked: true},
		{addr: "[::a00:1]:80", blocked: true},
		{addr: "[2002:7f00:1::1]:80", blocked: true},
		{addr: "[2001:0:4136:e378:8000:63bf:80ff:fffe]:80", blocked: true},
		{addr: "[2001:db8::1]:80", blocked: true},
		{addr: "[2001:4860:4860::8888]:443"},
		{addr: "203.0.113.9:80", blocked: true},
		{addr: "example.com:80", blocked: true},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			err := checkDialAddress(tt.addr, nil)
			if got := errors.Is(err, ErrBlockedAddress); got != tt.blocked {
				t.Errorf("got blocked %v (%v), want %v", got, err, tt.blocked)
			}
		})
	}
	t.Run("exempted test address", func(t *testing.T) {
		ap := netip.MustParseAddrPort("127.0.0.1:8080")
		if err := checkDialAddress(ap.String(), map[netip.AddrPort]bool{ap: true}); err != nil {
			t.Errorf("got error %v, want none", err)
		}
		if err := checkDialAddress("127.0.0.1:8081", map[netip.AddrPort]bool{ap: true}); !errors.Is(err, ErrBlockedAddress) {
			t.Errorf("got error %v for another port, want ErrBlockedAddress", err)
		}
	})
}

func TestCheckRedirect(t *testing.T) {
	req := func(raw string) *http.Request {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		return &http.Request{URL: u}
	}
	tests := []struct {
		name string
		to   string
		via  []string
		ok   bool
	}{
		{name: "https to https", to: "https://b.example/", via: []string{"https://a.example/"}, ok: true},
		{name: "http to https", to: "https://b.example/", via: []string{"http://a.example/"}, ok: true},
		{name: "https to http", to: "http://b.example/", via: []string{"https://a.example/"}},
		{name: "to file", to: "file:///etc/passwd", via: []string{"http://a.example/"}},
		{name: "third redirect", to: "https://d.example/", via: []string{"https://a.example/", "https://b.example/", "https://c.example/"}, ok: true},
		{name: "fourth redirect", to: "https://e.example/", via: []string{"https://a.example/", "https://b.example/", "https://c.example/", "https://d.example/"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var via []*http.Request
			for _, v := range tt.via {
				via = append(via, req(v))
			}
			err := checkRedirect(req(tt.to), via)
			if (err == nil) != tt.ok {
				t.Errorf("got error %v, want ok %v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, errRedirect) {
				t.Errorf("got error %v, want one wrapping errRedirect", err)
			}
		})
	}
}
