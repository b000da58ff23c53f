package resolver

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// waiting is how many fetches wait for host.
func (h *hostSlots) waitingFor(host string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	if st := h.hosts[host]; st != nil {
		return st.waiting
	}
	return 0
}

func TestHostSlots(t *testing.T) {
	h := newHostSlots(2, 1)
	ctx := t.Context()
	var releases []func()
	for range 2 {
		release, err := h.acquire(ctx, "slow.example")
		if err != nil {
			t.Fatalf("acquire: %v, want a slot", err)
		}
		releases = append(releases, release)
	}
	// Another host is not affected.
	other, err := h.acquire(ctx, "good.example")
	if err != nil {
		t.Fatalf("acquire on another host: %v, want a slot", err)
	}
	other()

	got := make(chan error, 1)
	go func() {
		release, err := h.acquire(ctx, "slow.example")
		if err == nil {
			release()
		}
		got <- err
	}()
	for h.waitingFor("slow.example") < 1 {
		time.Sleep(time.Millisecond)
	}
	if _, err := h.acquire(ctx, "slow.example"); !errors.Is(err, errHostBusy) {
		t.Errorf("acquire with the queue full: got %v, want errHostBusy", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := h.acquire(cancelled, "slow.example"); !errors.Is(err, errHostBusy) {
		t.Errorf("acquire with the queue full and a context ended: got %v, want errHostBusy first", err)
	}
	releases[0]()
	if err := <-got; err != nil {
		t.Errorf("the waiting fetch: got %v, want a slot once one is released", err)
	}
	releases[1]()
	if n := len(h.hosts); n != 0 {
		t.Errorf("%d hosts kept with nothing under way, want none", n)
	}
}

func TestHostSlotsWaitEndsWithContext(t *testing.T) {
	h := newHostSlots(1, 4)
	release, err := h.acquire(t.Context(), "slow.example")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	got := make(chan error, 1)
	go func() {
		_, err := h.acquire(ctx, "slow.example")
		got <- err
	}()
	for h.waitingFor("slow.example") < 1 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-got; !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
	if n := h.waitingFor("slow.example"); n != 0 {
		t.Errorf("%d still waiting, want 0", n)
	}
	release()
	if n := len(h.hosts); n != 0 {
		t.Errorf("%d hosts kept with nothing under way, want none", n)
	}
}

// TestHostBusyNotCached: a lookup refused because its server was busy says
// nothing of the record: the next lookup fetches again.
func TestHostBusyNotCached(t *testing.T) {
	cfg, err := Config{}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	n := newNetwork(cfg, seams{now: time.Now})
	fetches := 0
	fetch := func(fail bool) func(context.Context) (*Record, error) {
		return func(context.Context) (*Record, error) {
			fetches++
			if fail {
				return nil, fmt.Errorf("%w: getRecord at slow.example: %w", ErrResolution, errHostBusy)
			}
			return &Record{}, nil
		}
	}
	key := "at://did:plc:x/com.atproto.lexicon.schema/com.example.x"
	if _, err := lookup(t.Context(), n, n.records, key, false, fetch(true)); !errors.Is(err, errHostBusy) {
		t.Fatalf("got %v, want errHostBusy", err)
	}
	if _, err := lookup(t.Context(), n, n.records, key, false, fetch(false)); err != nil {
		t.Errorf("the next lookup: got %v, want the record", err)
	}
	if fetches != 2 {
		t.Errorf("fetched %d times, want 2 (the refusal is not cached)", fetches)
	}
}
