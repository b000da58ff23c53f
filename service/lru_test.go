package service

import "testing"

func TestLRU(t *testing.T) {
	c := newLRU[string, int](2)
	if got := c.add("a", 1); got != 1 {
		t.Errorf("add a: got %d, want 1", got)
	}
	if got := c.add("a", 9); got != 1 {
		t.Errorf("add a again: got %d, want the first value, 1", got)
	}
	c.add("b", 2)
	if _, ok := c.get("a"); !ok { // a is now the most recently used
		t.Fatal("get a: missing, want 1")
	}
	c.add("c", 3) // evicts b, the least recently used
	if _, ok := c.get("b"); ok {
		t.Error("get b: present, want evicted")
	}
	for k, want := range map[string]int{"a": 1, "c": 3} {
		if got, ok := c.get(k); !ok || got != want {
			t.Errorf("get %s: got %d %v, want %d", k, got, ok, want)
		}
	}
	if n := c.len(); n != 2 {
		t.Errorf("got len %d, want 2", n)
	}
}
