package tap_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bluesky-social/indigo/atproto/syntax"
	"github.com/gorilla/websocket"
	"github.com/ipfs/go-cid"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/internal/storetest"
	"github.com/lexval/lexval/store"
	"github.com/lexval/lexval/tap"
)

// fakeTap serves /channel as Tap does: on each connection it sends every
// event not yet acknowledged, in id order, and forgets an event once its
// ack arrives. It checks basic auth when it has a password.
type fakeTap struct {
	t        testing.TB
	srv      *httptest.Server
	password string

	mu      sync.Mutex
	pending []outEvent
	acked   []uint64
	conns   int
	refused int // connections refused for a wrong password
	seq     int
	notify  chan struct{} // a new event or an ack
	current *websocket.Conn
}

type outEvent struct {
	seq  int // tells apart two deliveries of one id
	id   uint64
	data []byte
}

func newFakeTap(t testing.TB, password string) *fakeTap {
	f := &fakeTap{t: t, password: password, notify: make(chan struct{}, 1)}
	f.srv = httptest.NewServer(http.HandlerFunc(f.channel))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeTap) URL() string { return "ws" + strings.TrimPrefix(f.srv.URL, "http") }

func (f *fakeTap) poke() {
	select {
	case f.notify <- struct{}{}:
	default:
	}
}

// send queues raw events; each is a JSON object with an "id".
func (f *fakeTap) send(events ...string) {
	f.t.Helper()
	f.mu.Lock()
	for _, e := range events {
		var head struct {
			ID uint64 `json:"id"`
		}
		json.Unmarshal([]byte(e), &head)
		f.seq++
		f.pending = append(f.pending, outEvent{seq: f.seq, id: head.ID, data: []byte(e)})
	}
	f.mu.Unlock()
	f.poke()
}

func (f *fakeTap) channel(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/channel" {
		http.NotFound(w, r)
		return
	}
	if f.password != "" {
		user, pass, ok := r.BasicAuth()
		if !ok || user != "admin" || pass != f.password {
			f.mu.Lock()
			f.refused++
			f.mu.Unlock()
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
	}
	ws, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer ws.Close()
	f.mu.Lock()
	f.conns++
	f.current = ws
	f.mu.Unlock()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			var a struct {
				Type string `json:"type"`
				ID   uint64 `json:"id"`
			}
			if err := ws.ReadJSON(&a); err != nil {
				return
			}
			if a.Type != "ack" {
				continue
			}
			f.mu.Lock()
			f.acked = append(f.acked, a.ID)
			for i, e := range f.pending {
				if e.id == a.ID {
					f.pending = append(f.pending[:i], f.pending[i+1:]...)
					break
				}
			}
			f.mu.Unlock()
			f.poke()
		}
	}()
	sent := map[int]bool{}
	for {
		f.mu.Lock()
		var out []outEvent
		for _, e := range f.pending {
			if !sent[e.seq] {
				out = append(out, e)
				sent[e.seq] = true
			}
		}
		f.mu.Unlock()
		for _, e := range out {
			if err := ws.WriteMessage(websocket.TextMessage, e.data); err != nil {
				return
			}
		}
		select {
		case <-f.notify:
		case <-done:
			return
		case <-r.Context().Done():
			return
		}
	}
}

// dropConnection closes the current connection, as a Tap restart would.
func (f *fakeTap) dropConnection() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.current != nil {
		f.current.Close()
	}
}

// waitAcked waits until every id is acknowledged.
func (f *fakeTap) waitAcked(ids ...uint64) {
	f.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		f.mu.Lock()
		got := map[uint64]bool{}
		for _, id := range f.acked {
			got[id] = true
		}
		conns := f.conns
		f.mu.Unlock()
		missing := 0
		for _, id := range ids {
			if !got[id] {
				missing++
			}
		}
		if missing == 0 {
			return
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("%d of %d events not acknowledged after 20s (%d connections)", missing, len(ids), conns)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (f *fakeTap) ackedCount(id uint64) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, a := range f.acked {
		if a == id {
			n++
		}
	}
	return n
}

const (
	author = "did:plc:authoraaaaaaaaaaaaaaaaa"
	nsid   = "com.example.tap.thing"
)

// schemaRecord is a lexicon document published under nsid, told apart by
// its description, and its CID.
func schemaRecord(t testing.TB, id, description string) (string, cid.Cid) {
	t.Helper()
	js := fmt.Sprintf(`{"$type":"com.atproto.lexicon.schema","lexicon":1,"id":%q,"defs":{"main":{"type":"object","description":%q,"properties":{}}}}`, id, description)
	v, err := datamodel.DecodeJSON([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	c, err := datamodel.RecordCID(v)
	if err != nil {
		t.Fatal(err)
	}
	return js, c
}

// recordEvent is a Tap record event in its wire format.
func recordEvent(id uint64, live bool, did, rev, collection, rkey, action, c, record string) string {
	ev := map[string]any{"id": id, "type": "record", "record": map[string]any{
		"live": live, "did": did, "rev": rev, "collection": collection, "rkey": rkey, "action": action,
	}}
	r := ev["record"].(map[string]any)
	if c != "" {
		r["cid"] = c
	}
	if record != "" {
		r["record"] = json.RawMessage(record)
	}
	b, _ := json.Marshal(ev)
	return string(b)
}

func identityEvent(id uint64) string {
	return fmt.Sprintf(`{"id":%d,"type":"identity","identity":{"did":%q,"handle":"alice.example.com","is_active":true,"status":"active"}}`, id, author)
}

// run starts an ingester against f's URL with st; it stops when t ends.
func run(t *testing.T, f *fakeTap, st store.Store, password string) *tap.Ingester {
	t.Helper()
	in, err := tap.New(tap.Config{URL: f.URL(), Password: password, Store: st, MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(t.Output(), nil))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- in.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Run returned %v, want context.Canceled", err)
		}
	})
	return in
}

func historyOf(t *testing.T, st store.Store, did syntax.DID, id syntax.NSID) []*store.Version {
	t.Helper()
	vs, err := st.History(t.Context(), store.HistoryQuery{NSID: id, DID: did})
	if err != nil {
		t.Fatal(err)
	}
	return vs
}

// TestIngest: Tap's wire format, every kind of event, good and bad; every
// event with an id is acknowledged; bad ones are counted, not stored.
func TestIngest(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			st := storetest.Open(t, kind)
			f := newFakeTap(t, "hunter2")
			v1, c1 := schemaRecord(t, nsid, "one")
			v2, c2 := schemaRecord(t, nsid, "two")
			withProblems := `{"$type":"com.atproto.lexicon.schema","lexicon":1,"id":"com.example.tap.broken","defs":{"main":{"type":"object","properties":{"n":{"type":"integer","minimum":5,"maximum":1}}}}}`
			pv, _ := datamodel.DecodeJSON([]byte(withProblems))
			cProblems, _ := datamodel.RecordCID(pv)
			otherID, cOther := schemaRecord(t, "com.example.tap.other", "x")

			f.send(
				recordEvent(1, false, author, "3kaaaaaaaaaa2", "com.atproto.lexicon.schema", nsid, "create", c1.String(), v1),
				identityEvent(2),
				recordEvent(3, true, author, "3kaaaaaaaaab2", "app.bsky.feed.post", "3kaaaaaaaaab2", "create", "bafyreiaaaa", `{"text":"hi"}`),
				recordEvent(4, true, author, "3kaaaaaaaaac2", "com.atproto.lexicon.schema", nsid, "update", c1.String(), v2), // names v1's CID
				recordEvent(5, true, author, "3kaaaaaaaaad2", "com.atproto.lexicon.schema", nsid, "update", c2.String(), v2),
				recordEvent(6, true, author, "3kaaaaaaaaae2", "com.atproto.lexicon.schema", nsid, "create", cOther.String(), otherID), // id is not the key
				`{"id":7,"type":"record","record":`, // cut short
				recordEvent(8, true, author, "3kaaaaaaaaaf2", "com.atproto.lexicon.schema", "com.example.tap.broken", "create", cProblems.String(), withProblems),
				recordEvent(1, false, author, "3kaaaaaaaaaa2", "com.atproto.lexicon.schema", nsid, "create", c1.String(), v1), // delivered again
				recordEvent(9, true, author, "3kaaaaaaaaag2", "com.atproto.lexicon.schema", nsid, "delete", "", ""),
				recordEvent(10, true, author, "3kaaaaaaaaah2", "com.atproto.lexicon.schema", nsid, "frobnicate", "", ""),
			)
			in := run(t, f, st, "hunter2")
			f.waitAcked(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)

			vs := historyOf(t, st, author, nsid)
			if len(vs) != 2 || !vs[0].CID.Equals(c2) || !vs[1].CID.Equals(c1) {
				t.Fatalf("got %d versions, want %s then %s", len(vs), c2, c1)
			}
			if !vs[0].Deleted || vs[0].DeletedRev != "3kaaaaaaaaag2" || vs[1].Deleted {
				t.Errorf("got deleted %v (rev %q), %v; want the current version deleted at 3kaaaaaaaaag2", vs[0].Deleted, vs[0].DeletedRev, vs[1].Deleted)
			}
			if vs[1].Rev != "3kaaaaaaaaaa2" || vs[1].Source != "tap" {
				t.Errorf("got rev %q source %q, want the event's rev from tap", vs[1].Rev, vs[1].Source)
			}
			if _, err := st.Current(t.Context(), store.Key{DID: author, NSID: nsid}); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("got %v, want the deleted lexicon not current", err)
			}
			if got := historyOf(t, st, author, "com.example.tap.other"); len(got) != 0 {
				t.Errorf("got %d versions of a record whose id is not its key, want none", len(got))
			}
			bv := historyOf(t, st, author, "com.example.tap.broken")
			if len(bv) != 1 || len(bv[0].Problems) == 0 {
				t.Errorf("got %v, want the lexicon with lint problems stored with its problems", bv)
			}

			s := in.Stats()
			want := tap.Stats{Events: 11, Acked: 11, Stored: 3, Seen: 1, Deleted: 1, Ignored: 2, CIDMismatches: 1, Invalid: 3, Connects: 1}
			got := s
			got.Connected, got.LastLiveRev, got.LastEvent = false, "", time.Time{}
			if got != want {
				t.Errorf("got stats %+v, want %+v", got, want)
			}
			if s.LastLiveRev != "3kaaaaaaaaag2" {
				t.Errorf("got last live rev %q, want 3kaaaaaaaaag2", s.LastLiveRev)
			}
		})
	}
}

// gatedStore holds Apply until released, or fails it while failing is set.
type gatedStore struct {
	store.Store
	mu      sync.Mutex
	gate    chan struct{} // nil: open
	entered chan struct{}
	failing bool
}

func (g *gatedStore) Apply(ctx context.Context, ops []store.Op) ([]bool, error) {
	g.mu.Lock()
	gate := g.gate
	g.mu.Unlock()
	if g.entered != nil {
		select {
		case g.entered <- struct{}{}:
		default:
		}
	}
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	g.mu.Lock()
	failing := g.failing
	g.mu.Unlock()
	if failing {
		return nil, errors.New("database is down")
	}
	return g.Store.Apply(ctx, ops)
}

// TestAckAfterCommit: no event is acknowledged before its batch commits; a
// batch the store fails is not acknowledged, and comes again after the
// ingester reconnects.
func TestAckAfterCommit(t *testing.T) {
	st := &gatedStore{Store: storetest.Open(t, "sqlite"), gate: make(chan struct{}), entered: make(chan struct{}, 1)}
	f := newFakeTap(t, "")
	v1, c1 := schemaRecord(t, nsid, "one")
	f.send(recordEvent(1, true, author, "3kaaaaaaaaaa2", "com.atproto.lexicon.schema", nsid, "create", c1.String(), v1))
	in := run(t, f, st, "")
	<-st.entered // the batch is being committed
	if n := f.ackedCount(1); n != 0 {
		t.Fatalf("got %d acks while the commit is held, want 0", n)
	}
	st.mu.Lock()
	st.failing = true
	close(st.gate)
	st.gate = nil
	st.mu.Unlock()
	// The failed commit ends the connection; the next one fails too, until
	// the store is back.
	deadline := time.Now().Add(20 * time.Second)
	for in.Stats().StoreErrors < 2 {
		if time.Now().After(deadline) {
			t.Fatal("the ingester did not retry after a store failure")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if n := f.ackedCount(1); n != 0 {
		t.Fatalf("got %d acks of an event the store failed to commit, want 0", n)
	}
	st.mu.Lock()
	st.failing = false
	st.mu.Unlock()
	f.waitAcked(1)
	if vs := historyOf(t, st, author, nsid); len(vs) != 1 || !vs[0].CID.Equals(c1) {
		t.Errorf("got %v, want %s stored once it could be", vs, c1)
	}
	if s := in.Stats(); s.Connects < 2 {
		t.Errorf("got %d connections, want a reconnection after the failure", s.Connects)
	}
}

// TestRestart: an ingester stopped and started again over the same store
// takes events delivered again (Tap had no ack for them) as the no-ops
// they are, and goes on.
func TestRestart(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			u := storetest.URL(t, kind)
			v1, c1 := schemaRecord(t, nsid, "one")
			v2, c2 := schemaRecord(t, nsid, "two")
			first := recordEvent(1, false, author, "3kaaaaaaaaaa2", "com.atproto.lexicon.schema", nsid, "create", c1.String(), v1)

			f := newFakeTap(t, "")
			f.send(first)
			st := storetest.OpenURL(t, u)
			in, err := tap.New(tap.Config{URL: f.URL(), Store: st, MinBackoff: 10 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(t.Context())
			done := make(chan struct{})
			go func() { in.Run(ctx); close(done) }()
			f.waitAcked(1)
			cancel()
			<-done
			st.Close()

			// Tap lost the ack (it restarted too) and delivers the event again.
			f2 := newFakeTap(t, "")
			f2.send(first, recordEvent(2, true, author, "3kaaaaaaaaab2", "com.atproto.lexicon.schema", nsid, "update", c2.String(), v2))
			st2 := storetest.OpenURL(t, u)
			in2 := run(t, f2, st2, "")
			f2.waitAcked(1, 2)
			if s := in2.Stats(); s.Seen != 1 || s.Stored != 1 {
				t.Errorf("got %d seen, %d stored; want the redelivery seen and the update stored", s.Seen, s.Stored)
			}
			cur, err := st2.Current(t.Context(), store.Key{DID: author, NSID: nsid})
			if err != nil || !cur.CID.Equals(c2) {
				t.Errorf("got %v, %v; want %s current", cur, err, c2)
			}
			if n := len(historyOf(t, st2, author, nsid)); n != 2 {
				t.Errorf("got %d versions, want 2", n)
			}
		})
	}
}

// TestPassword: without the password Tap refuses the connection, and the
// ingester keeps trying rather than stopping.
func TestPassword(t *testing.T) {
	f := newFakeTap(t, "hunter2")
	v1, c1 := schemaRecord(t, nsid, "one")
	f.send(recordEvent(1, true, author, "3kaaaaaaaaaa2", "com.atproto.lexicon.schema", nsid, "create", c1.String(), v1))
	st := storetest.Open(t, "sqlite")
	in := run(t, f, st, "wrong")
	deadline := time.Now().Add(20 * time.Second)
	for {
		f.mu.Lock()
		refused := f.refused
		f.mu.Unlock()
		if refused >= 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("got %d attempts, want the ingester to keep trying", refused)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if s := in.Stats(); s.Connects != 0 || s.Events != 0 {
		t.Errorf("got %+v, want no connection with a wrong password", s)
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	for _, u := range []string{"", "http://localhost:2480", "localhost:2480", "ws://"} {
		if _, err := tap.New(tap.Config{URL: u, Store: st}); err == nil {
			t.Errorf("URL %q: got no error, want one", u)
		}
	}
	if _, err := tap.New(tap.Config{URL: "ws://localhost:2480"}); err == nil {
		t.Error("no store: got no error, want one")
	}
}

// TestLag: the lag is measured from the revision of the last live event.
func TestLag(t *testing.T) {
	rev := syntax.NewTID(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro(), 0)
	s := tap.Stats{LastLiveRev: rev}
	if got := s.Lag(time.Date(2026, 1, 1, 0, 0, 3, 0, time.UTC)); got != 3*time.Second {
		t.Errorf("got lag %v, want 3s", got)
	}
	if got := (tap.Stats{}).Lag(time.Now()); got != 0 {
		t.Errorf("got lag %v with no live event, want 0", got)
	}
}

// TestOversizedEvent: an event over MaxMessageBytes is skipped, refused and
// acknowledged by the id that opens it, on the same connection, and the
// events after it are ingested: it cannot stall ingestion by being
// delivered again forever.
func TestOversizedEvent(t *testing.T) {
	st := storetest.Open(t, storetest.Kinds[0])
	f := newFakeTap(t, "")
	big, cBig := schemaRecord(t, nsid, strings.Repeat("x", tap.MaxMessageBytes))
	v2, c2 := schemaRecord(t, nsid, "two")
	f.send(
		recordEvent(1, true, author, "3kaaaaaaaaaa2", "com.atproto.lexicon.schema", nsid, "create", cBig.String(), big),
		recordEvent(2, true, author, "3kaaaaaaaaab2", "com.atproto.lexicon.schema", nsid, "create", c2.String(), v2),
	)
	in := run(t, f, st, "")
	f.waitAcked(1, 2)

	if vs := historyOf(t, st, author, nsid); len(vs) != 1 || !vs[0].CID.Equals(c2) {
		t.Errorf("got %d versions, want only %s, the event after the oversized one", len(vs), c2)
	}
	s := in.Stats()
	if s.Invalid != 1 || s.Stored != 1 || s.Acked != 2 || s.Connects != 1 {
		t.Errorf("got stats %+v, want 1 invalid, 1 stored, 2 acknowledged on 1 connection", s)
	}
}
