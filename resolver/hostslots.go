package resolver

import (
	"context"
	"errors"
	"sync"
)

// errHostBusy: a server already has as many fetches waiting for it as it may
// (Config.MaxWaitingPerHost). Wrapped with ErrResolution; not cached, since
// it says nothing of the record.
var errHostBusy = errors.New("too many fetches from this server are already waiting: try again later")

// hostSlots bounds the fetches from each server, so that one slow server (a
// PDS that answers a byte at a time, say) cannot take every fetch slot and
// stall lookups elsewhere: a server gets at most perHost fetches at once,
// and at most maxWaiting more wait for it; past that a fetch fails at once.
type hostSlots struct {
	perHost, maxWaiting int

	mu    sync.Mutex
	hosts map[string]*hostState // only servers with fetches under way or waiting
}

type hostState struct {
	slots   chan struct{} // one token per fetch under way
	waiting int
	users   int // fetches under way or waiting: at 0 the entry goes
}

func newHostSlots(perHost, maxWaiting int) *hostSlots {
	return &hostSlots{perHost: perHost, maxWaiting: maxWaiting, hosts: map[string]*hostState{}}
}

// acquire takes one of host's slots, waiting no longer than ctx allows; it
// fails at once with errHostBusy when the host's queue is full.
func (h *hostSlots) acquire(ctx context.Context, host string) (release func(), err error) {
	h.mu.Lock()
	st := h.hosts[host]
	if st == nil {
		st = &hostState{slots: make(chan struct{}, h.perHost)}
		h.hosts[host] = st
	}
	select {
	case st.slots <- struct{}{}:
		st.users++
		h.mu.Unlock()
		return func() { h.release(host, st) }, nil
	default:
	}
	if st.waiting >= h.maxWaiting {
		h.mu.Unlock()
		return nil, errHostBusy
	}
	st.waiting++
	st.users++
	h.mu.Unlock()
	select {
	case st.slots <- struct{}{}:
		h.mu.Lock()
		st.waiting--
		h.mu.Unlock()
		return func() { h.release(host, st) }, nil
	case <-ctx.Done():
		h.mu.Lock()
		st.waiting--
		h.leave(host, st)
		h.mu.Unlock()
		return nil, ctx.Err()
	}
}

func (h *hostSlots) release(host string, st *hostState) {
	<-st.slots
	h.mu.Lock()
	h.leave(host, st)
	h.mu.Unlock()
}

// leave counts one user of st out, dropping the entry with the last. h.mu
// is held.
func (h *hostSlots) leave(host string, st *hostState) {
	if st.users--; st.users == 0 {
		delete(h.hosts, host)
	}
}
