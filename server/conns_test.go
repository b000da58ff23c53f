package server

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lexval/lexval/resolver"
)

func TestMaxConnections(t *testing.T) {
	tests := []struct {
		name        string
		want        int
		limit       uint64
		wantN       int
		wantLowered bool
	}{
		{name: "default", wantN: DefaultMaxConnections},
		{name: "default within the limit", limit: 1 << 20, wantN: DefaultMaxConnections},
		{name: "default over the limit", limit: 1024, wantN: 819, wantLowered: true},
		{name: "configured", want: 100, limit: 1024, wantN: 100},
		{name: "configured over the limit", want: 5000, limit: 1024, wantN: 819, wantLowered: true},
		{name: "unknown limit", want: 5000, wantN: 5000},
		{name: "unlimited", want: 5000, limit: 1<<64 - 1, wantN: 5000},
		{name: "tiny limit", want: 10, limit: 1, wantN: 1, wantLowered: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, lowered := maxConnections(tt.want, tt.limit)
			if n != tt.wantN || lowered != tt.wantLowered {
				t.Errorf("got %d, %v, want %d, %v", n, lowered, tt.wantN, tt.wantLowered)
			}
		})
	}
}

// openServer starts s on a loopback port.
func openServer(t *testing.T, s *testServer) string {
	t.Helper()
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		s.Shutdown(ctx)
	})
	return s.Addr().String()
}

// slowBody opens a connection that sends a request's headers and the first
// byte of its body, then nothing: it holds a connection until closed.
func slowBody(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	_, err = io.WriteString(c, "POST /api/v1/validate HTTP/1.1\r\nHost: lexval\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// get sends GET path on c and returns the response's status.
func get(c net.Conn, path string) (int, error) {
	if _, err := io.WriteString(c, "GET "+path+" HTTP/1.1\r\nHost: lexval\r\n\r\n"); err != nil {
		return 0, err
	}
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}

// waitFor yields until cond holds; the test's own timeout bounds the wait.
func waitFor(cond func() bool) {
	for !cond() {
		runtime.Gosched()
		time.Sleep(time.Millisecond)
	}
}

// TestConnectionCap: connections past the cap wait to be accepted rather
// than take descriptors, and a probe waiting behind slow senders is answered
// as soon as one of them goes.
func TestConnectionCap(t *testing.T) {
	const max = 3
	s := newTestServer(t, func(_ *resolver.Config, c *Config) { c.Addr, c.MaxConnections = "127.0.0.1:0", max })
	var peak atomic.Int64
	hook := s.http.ConnState
	s.http.ConnState = func(c net.Conn, st http.ConnState) {
		hook(c, st)
		if n := int64(s.conns.count()); n > peak.Load() {
			peak.Store(n)
		}
	}
	addr := openServer(t, s)

	slow := make([]net.Conn, 0, max+2)
	for range max + 2 { // more slow senders than the cap
		slow = append(slow, slowBody(t, addr))
	}
	waitFor(func() bool { return s.conns.count() >= max })

	probe, err := net.Dial("tcp", addr) // the kernel queues it
	if err != nil {
		t.Fatal(err)
	}
	defer probe.Close()
	var freed atomic.Bool
	type answer struct {
		status int
		freed  bool
		err    error
	}
	answered := make(chan answer, 1)
	go func() {
		status, err := get(probe, "/healthz")
		answered <- answer{status, freed.Load(), err}
	}()
	// Give an uncapped server the chance to answer early.
	time.Sleep(50 * time.Millisecond)
	if n := s.conns.count(); n > max {
		t.Fatalf("got %d open connections, want at most %d", n, max)
	}

	// Closing slow senders frees their slots, in turn for the two queued
	// slow senders and the probe.
	freed.Store(true)
	for _, c := range slow {
		c.Close()
	}
	a := <-answered
	if a.err != nil || a.status != http.StatusOK {
		t.Fatalf("probe: got %d, %v, want 200", a.status, a.err)
	}
	if !a.freed {
		t.Error("the probe was answered while the cap was full, want it to wait")
	}
	if p := peak.Load(); p > max {
		t.Errorf("got a peak of %d open connections, want at most %d", p, max)
	}
}

// TestIdleConnectionsYield: at the cap, idle keep-alive connections are
// closed so that a waiting client gets their slots.
func TestIdleConnectionsYield(t *testing.T) {
	const max = 2
	s := newTestServer(t, func(_ *resolver.Config, c *Config) { c.Addr, c.MaxConnections = "127.0.0.1:0", max })
	addr := openServer(t, s)

	idle, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	if status, err := get(idle, "/healthz"); err != nil || status != http.StatusOK {
		t.Fatalf("first request: got %d, %v, want 200", status, err)
	}
	slowBody(t, addr) // takes the last slot
	waitFor(func() bool { return s.conns.count() < max })

	probe, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer probe.Close()
	// A bound on failure, not a measure: without the idle connection's
	// slot the probe would wait for the slow sender's read timeout.
	probe.SetDeadline(time.Now().Add(10 * time.Second))
	if status, err := get(probe, "/healthz"); err != nil || status != http.StatusOK {
		t.Fatalf("probe: got %d, %v, want 200", status, err)
	}
	if _, err := idle.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("idle connection: got %v, want it closed (EOF)", err)
	}
}

// TestConnectionMetrics: /metrics shows the cap and the open connections.
func TestConnectionMetrics(t *testing.T) {
	s := newTestServer(t, func(_ *resolver.Config, c *Config) { c.Addr, c.MaxConnections = "127.0.0.1:0", 7 })
	addr := openServer(t, s)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, "GET /metrics HTTP/1.1\r\nHost: lexval\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	text := string(body)
	if got := metricValue(text, "lexval_http_max_connections"); got != 7 {
		t.Errorf("lexval_http_max_connections: got %v, want 7", got)
	}
	if got := metricValue(text, "lexval_http_connections"); got != 1 {
		t.Errorf("lexval_http_connections: got %v, want 1 (the scrape's own)", got)
	}
}
