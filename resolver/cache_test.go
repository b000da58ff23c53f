package resolver

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestCacheExpiry(t *testing.T) {
	clock := NewFakeClock()
	c := newCache[int]("test", 10, time.Minute, 10*time.Second, clock.Now)
	failed := errors.New("failed")
	c.put("ok", 1, nil)
	c.put("bad", 0, failed)

	steps := []struct {
		name    string
		advance time.Duration
		key     string
		wantOK  bool
		wantErr error
	}{
		{name: "a value is cached", key: "ok", wantOK: true},
		{name: "a failure is cached", key: "bad", wantOK: true, wantErr: failed},
		{name: "an unknown key is a miss", key: "other"},
		{name: "the failure expires first", advance: 10 * time.Second, key: "bad"},
		{name: "the value outlives it", key: "ok", wantOK: true},
		{name: "the value expires", advance: 50 * time.Second, key: "ok"},
	}
	for _, s := range steps {
		clock.Advance(s.advance)
		v, err, ok := c.get(s.key)
		if ok != s.wantOK || !errors.Is(err, s.wantErr) || (s.wantOK && s.wantErr == nil && v != 1) {
			t.Errorf("%s: got %d, %v, %v; want ok %v, error %v", s.name, v, err, ok, s.wantOK, s.wantErr)
		}
	}
	// A fresh result replaces an expired entry.
	c.put("ok", 2, nil)
	if v, _, ok := c.get("ok"); !ok || v != 2 {
		t.Errorf("after put: got %d, %v; want 2, true", v, ok)
	}
}

func TestCacheEviction(t *testing.T) {
	clock := NewFakeClock()
	const size = 3
	c := newCache[int]("test", size, time.Minute, time.Second, clock.Now)
	for i := range size {
		c.put(fmt.Sprint(i), i, nil)
	}
	// Using "0" makes "1" the least recently used.
	if _, _, ok := c.get("0"); !ok {
		t.Fatal("got a miss for 0, want a hit")
	}
	c.put("3", 3, nil)
	if got := c.len(); got != size {
		t.Errorf("got %d entries, want the bound %d", got, size)
	}
	for key, want := range map[string]bool{"0": true, "1": false, "2": true, "3": true} {
		if _, _, ok := c.get(key); ok != want {
			t.Errorf("%s: got cached %v, want %v", key, ok, want)
		}
	}
	// Many more keys than the bound keep it.
	for i := range 100 * size {
		c.put(fmt.Sprint("k", i), i, nil)
	}
	if got := c.len(); got != size {
		t.Errorf("after %d puts: got %d entries, want %d", 100*size, got, size)
	}
}
