package server

import (
	"math"
	"net"
	"net/http"
	"sync"
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
type connLimiter struct {
	max int

	mu   sync.Mutex
	open int
	idle map[net.Conn]struct{}
}

func newConnLimiter(max int) *connLimiter {
	return &connLimiter{max: max, idle: make(map[net.Conn]struct{})}
}

// state is the http.Server's ConnState hook.
func (l *connLimiter) state(c net.Conn, st http.ConnState) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch st {
	case http.StateNew:
		l.open++
		if l.open >= l.max {
			// The last slot is taken: free idle connections' slots for
			// whoever waits to be accepted. Their clients reconnect.
			for ic := range l.idle {
				ic.Close()
				delete(l.idle, ic)
			}
		}
	case http.StateIdle:
		if l.open >= l.max {
			c.Close()
			return
		}
		l.idle[c] = struct{}{}
	case http.StateActive:
		delete(l.idle, c)
	case http.StateClosed, http.StateHijacked:
		delete(l.idle, c)
		l.open--
	}
}

// count is the number of open connections.
func (l *connLimiter) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open
}
