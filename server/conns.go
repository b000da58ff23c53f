package server

import (
	"math"
	"net"
	"net/http"
	"sync"

	"golang.org/x/net/netutil"
)

// DefaultMaxConnections bounds simultaneous connections when
// Config.MaxConnections is zero. Each open connection costs a descriptor and,
// while it sends a body, a goroutine, buffers and the body read so far
// (some 20-40 KB): 4,096 of them stay within the 256 MiB that deploy/ gives
// the container, and well within one pod's fair share of traffic behind a
// load balancer.
const DefaultMaxConnections = 4096

// descriptorShare is the part of the process's descriptor limit that
// connections may take: the rest is for the listener, files read at start,
// outgoing fetches and the runtime.
const descriptorShare = 0.8

// maxConnections is the connection cap: want (DefaultMaxConnections when
// zero or less), lowered to descriptorShare of the descriptor limit, the
// soft RLIMIT_NOFILE (0: unknown; unlimited is a huge number). lowered
// reports that the limit cut it.
func maxConnections(want int, limit uint64) (n int, lowered bool) {
	if want <= 0 {
		want = DefaultMaxConnections
	}
	if limit == 0 || limit > math.MaxInt32 {
		return want, false
	}
	fit := int(float64(limit) * descriptorShare)
	if fit < 1 {
		fit = 1
	}
	if want > fit {
		return fit, true
	}
	return want, false
}

// connLimiter holds the number of open connections at its cap: the listener
// (netutil.LimitListener) accepts no more until one closes, so sockets past
// the cap wait in the kernel's backlog and cost no descriptor. Slow senders
// hold their slot no longer than the read timeouts allow; idle keep-alive
// connections hold none once the cap is reached, since they are closed then
// (see state), so a waiting client, a probe say, gets the next slot.
//
// The count is kept by the listener (see listen), not by the http.Server's
// ConnState hook: the server reports a connection closed only after its
// slot is free again, so a count kept there could exceed the cap for a
// moment.
type connLimiter struct {
	max int

	mu   sync.Mutex
	open int
	idle map[net.Conn]struct{}
}

func newConnLimiter(max int) *connLimiter {
	return &connLimiter{max: max, idle: make(map[net.Conn]struct{})}
}

// listen caps ln at l.max open connections and counts them.
func (l *connLimiter) listen(ln net.Listener) net.Listener {
	return &countingListener{Listener: netutil.LimitListener(ln, l.max), l: l}
}

// countingListener counts the connections its (limiting) listener accepts
// until each is closed.
type countingListener struct {
	net.Listener
	l *connLimiter
}

func (cl *countingListener) Accept() (net.Conn, error) {
	c, err := cl.Listener.Accept()
	if err != nil {
		return nil, err
	}
	cl.l.mu.Lock()
	cl.l.open++
	cl.l.mu.Unlock()
	return &countedConn{Conn: c, l: cl.l}, nil
}

// countedConn leaves the count when first closed, before its slot is
// released, so the count never exceeds the slots in use.
type countedConn struct {
	net.Conn
	l    *connLimiter
	once sync.Once
}

func (c *countedConn) Close() error {
	c.once.Do(func() {
		c.l.mu.Lock()
		c.l.open--
		delete(c.l.idle, net.Conn(c))
		c.l.mu.Unlock()
	})
	return c.Conn.Close()
}

// state is the http.Server's ConnState hook.
func (l *connLimiter) state(c net.Conn, st http.ConnState) {
	var closing []net.Conn
	l.mu.Lock()
	switch st {
	case http.StateNew:
		if l.open >= l.max {
			// The last slot is taken: free idle connections' slots for
			// whoever waits to be accepted. Their clients reconnect.
			for ic := range l.idle {
				delete(l.idle, ic)
				closing = append(closing, ic)
			}
		}
	case http.StateIdle:
		if l.open >= l.max {
			closing = append(closing, c)
		} else {
			l.idle[c] = struct{}{}
		}
	case http.StateActive, http.StateClosed, http.StateHijacked:
		delete(l.idle, c)
	}
	l.mu.Unlock()
	for _, ic := range closing { // Close takes l.mu
		ic.Close()
	}
}

// count is the number of open connections.
func (l *connLimiter) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open
}
