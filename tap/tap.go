package tap

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bluesky-social/indigo/atproto/syntax"
	"github.com/gorilla/websocket"
	"github.com/ipfs/go-cid"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/store"
)

// Defaults for Config.
const (
	DefaultBatchSize  = 200
	DefaultLinger     = 5 * time.Millisecond
	DefaultMinBackoff = 250 * time.Millisecond
	DefaultMaxBackoff = 30 * time.Second
	// MaxMessageBytes bounds one event: a schema record is at most a few
	// hundred KiB; Tap's record events carry one record each. Of a longer event
	// only the first MaxMessageBytes (where its id is) are kept and the rest
	// is skipped; it is refused and acknowledged, so that it cannot stop
	// ingestion by being delivered again forever.
	MaxMessageBytes = 4 << 20
	// MaxSkippedBytes bounds an event read past MaxMessageBytes only to be
	// skipped: a longer one ends the connection.
	MaxSkippedBytes = 256 << 20
)

// Config configures an Ingester. Zero values mean the defaults.
type Config struct {
	// URL is Tap's address: ws://HOST:PORT or wss://...; the path
	// /channel is added when URL has none.
	URL string
	// Password is Tap's admin password (TAP_ADMIN_PASSWORD), sent as HTTP
	// basic auth with the user "admin"; "" sends none.
	Password string
	Store    store.Store
	Logger   *slog.Logger
	// BatchSize bounds the events committed in one transaction; Linger is
	// how long a batch waits for more events once it has one.
	BatchSize int
	Linger    time.Duration
	// MinBackoff and MaxBackoff bound the wait before reconnecting; it
	// doubles after each failure, with jitter, and resets once connected.
	MinBackoff, MaxBackoff time.Duration
	// Committed, when set, is told the records each committed batch
	// changed (store.Source.Forget, so that reads see them at once).
	Committed func(keys ...store.Key)
}

// Stats are counters for metrics.
type Stats struct {
	// Events counts events read; Acked those acknowledged.
	Events, Acked uint64
	// Stored: new versions; Seen: versions stored already (redeliveries,
	// backfills); Deleted: records marked deleted.
	Stored, Seen, Deleted uint64
	// Ignored: identity events, other collections, deletes already known.
	Ignored uint64
	// CIDMismatches: records whose recomputed CID is not the one named;
	// Invalid: events refused for another reason (not JSON, not a schema
	// record of its key, an unknown action). Both are acknowledged.
	CIDMismatches, Invalid uint64
	// StoreErrors: batches the store failed to commit (not acknowledged,
	// delivered again after a reconnection); Connects: connections made.
	StoreErrors, Connects uint64
	Connected             bool
	// LastLiveRev is the revision of the latest live (firehose) event
	// committed: a TID, whose time against now is the lag.
	LastLiveRev syntax.TID
	// LastEvent is when the last event was read.
	LastEvent time.Time
}

// Lag is how far behind the firehose the last live event committed was:
// now less the time its revision (a TID) encodes; zero when none was.
func (s Stats) Lag(now time.Time) time.Duration {
	if s.LastLiveRev == "" {
		return 0
	}
	return max(now.Sub(s.LastLiveRev.Time()), 0)
}

// Ingester reads Tap's event stream into a store. Run it once.
type Ingester struct {
	cfg     Config
	channel string
	header  http.Header
	log     *slog.Logger
	now     func() time.Time

	events, acked, stored, seen, deleted, ignored atomic.Uint64
	mismatches, invalid, storeErrors, connects    atomic.Uint64
	connected                                     atomic.Bool
	mu                                            sync.Mutex
	lastLiveRev                                   syntax.TID
	lastEvent                                     time.Time
}

// New checks cfg and returns an Ingester.
func New(cfg Config) (*Ingester, error) {
	if cfg.Store == nil {
		return nil, errors.New("tap: no store")
	}
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "ws" && u.Scheme != "wss") || u.Host == "" {
		return nil, fmt.Errorf("tap: URL %q: want ws://HOST:PORT or wss://HOST", cfg.URL)
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = "/channel"
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = DefaultBatchSize
	}
	cfg.BatchSize = min(cfg.BatchSize, store.MaxBatch)
	if cfg.Linger <= 0 {
		cfg.Linger = DefaultLinger
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = DefaultMinBackoff
	}
	if cfg.MaxBackoff < cfg.MinBackoff {
		cfg.MaxBackoff = max(DefaultMaxBackoff, cfg.MinBackoff)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	in := &Ingester{cfg: cfg, channel: u.String(), header: http.Header{}, log: cfg.Logger, now: time.Now}
	in.header.Set("User-Agent", "lexval (+https://github.com/lexval/lexval)")
	if cfg.Password != "" {
		in.header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("admin:"+cfg.Password)))
	}
	return in, nil
}

// Stats returns the counters.
func (in *Ingester) Stats() Stats {
	in.mu.Lock()
	rev, last := in.lastLiveRev, in.lastEvent
	in.mu.Unlock()
	return Stats{
		Events: in.events.Load(), Acked: in.acked.Load(),
		Stored: in.stored.Load(), Seen: in.seen.Load(), Deleted: in.deleted.Load(), Ignored: in.ignored.Load(),
		CIDMismatches: in.mismatches.Load(), Invalid: in.invalid.Load(),
		StoreErrors: in.storeErrors.Load(), Connects: in.connects.Load(),
		Connected: in.connected.Load(), LastLiveRev: rev, LastEvent: last,
	}
}

// Run connects to Tap and ingests until ctx ends, reconnecting with
// backoff whenever the connection or the store fails. It returns ctx's
// error.
func (in *Ingester) Run(ctx context.Context) error {
	backoff := in.cfg.MinBackoff
	for {
		err := in.session(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if errors.Is(err, errProgress) {
			backoff = in.cfg.MinBackoff
		}
		in.log.Warn("tap connection ended; reconnecting", "url", in.channel, "error", err, "backoff", backoff)
		// Up to a quarter of jitter, so that replicas do not reconnect in step.
		wait := backoff + rand.N(backoff/4+1)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		backoff = min(2*backoff, in.cfg.MaxBackoff)
	}
}

// errProgress wraps the end of a session that committed something: the
// next connection starts again from the shortest backoff.
var errProgress = errors.New("after progress")

// session is one connection: it reads events, commits them in batches and
// acknowledges them, until the connection or the store fails.
func (in *Ingester) session(ctx context.Context) error {
	dialer := websocket.Dialer{HandshakeTimeout: 10 * time.Second, Proxy: http.ProxyFromEnvironment}
	conn, resp, err := dialer.DialContext(ctx, in.channel, in.header)
	if err != nil {
		if resp != nil {
			return fmt.Errorf("connecting: HTTP %d: %w", resp.StatusCode, err)
		}
		return fmt.Errorf("connecting: %w", err)
	}
	conn.SetReadLimit(MaxSkippedBytes)
	in.connects.Add(1)
	in.connected.Store(true)
	defer in.connected.Store(false)
	in.log.Info("tap connected", "url", in.channel)

	// The reader hands messages over; this goroutine alone writes (acks),
	// as the WebSocket library requires one writer.
	msgs := make(chan message, in.cfg.BatchSize)
	readErr := make(chan error, 1)
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(msgs)
		for {
			m, err := readMessage(conn)
			if err != nil {
				readErr <- err
				return
			}
			select {
			case msgs <- m:
			case <-sctx.Done():
				return
			}
		}
	}()
	defer conn.Close()
	go func() { <-sctx.Done(); conn.Close() }() // unblocks the reader

	progressed := false
	ended := func(err error) error {
		if progressed {
			return fmt.Errorf("%w: %w", errProgress, err)
		}
		return err
	}
	for {
		batch, ok := in.collect(sctx, msgs)
		if len(batch) > 0 {
			if err := in.commit(sctx, conn, batch); err != nil {
				return ended(err)
			}
			progressed = true
		}
		if !ok {
			select {
			case err := <-readErr:
				return ended(fmt.Errorf("reading: %w", err))
			default:
				return ended(sctx.Err())
			}
		}
	}
}

// message is one message of the channel: its bytes, or for one over
// MaxMessageBytes the first MaxMessageBytes of them, and its size.
type message struct {
	data []byte
	size int64
}

// event parses the message; one over MaxMessageBytes is refused with the id
// that opens it, so that it is acknowledged.
func (m message) event() (event, error) {
	if m.size > int64(len(m.data)) {
		return event{ID: leadingID(m.data)}, fmt.Errorf("%w: an event of %d bytes, over the limit of %d", errBadEvent, m.size, MaxMessageBytes)
	}
	return parseEvent(m.data)
}

// readMessage reads the next message, keeping at most MaxMessageBytes of it
// and reading the rest only to skip it (the connection's read limit,
// MaxSkippedBytes, bounds that).
func readMessage(conn *websocket.Conn) (message, error) {
	_, r, err := conn.NextReader()
	if err != nil {
		return message{}, err
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxMessageBytes))
	if err != nil {
		return message{}, err
	}
	rest, err := io.Copy(io.Discard, r)
	if err != nil {
		return message{}, err
	}
	return message{data: data, size: int64(len(data)) + rest}, nil
}

// collect waits for a message, then takes what else arrives within Linger,
// up to BatchSize. ok is false once the stream has ended.
func (in *Ingester) collect(ctx context.Context, msgs <-chan message) (batch []message, ok bool) {
	select {
	case m, open := <-msgs:
		if !open {
			return nil, false
		}
		batch = append(batch, m)
	case <-ctx.Done():
		return nil, false
	}
	timer := time.NewTimer(in.cfg.Linger)
	defer timer.Stop()
	for len(batch) < in.cfg.BatchSize {
		select {
		case m, open := <-msgs:
			if !open {
				return batch, false
			}
			batch = append(batch, m)
		case <-timer.C:
			return batch, true
		case <-ctx.Done():
			return batch, false
		}
	}
	return batch, true
}

// ack is what Tap reads as an acknowledgement.
type ack struct {
	Type string `json:"type"`
	ID   uint64 `json:"id"`
}

// commit checks a batch, stores what it holds in one transaction and then
// acknowledges every event of it that has an id.
func (in *Ingester) commit(ctx context.Context, conn *websocket.Conn, batch []message) error {
	now := in.now()
	in.mu.Lock()
	in.lastEvent = now
	in.mu.Unlock()
	in.events.Add(uint64(len(batch)))

	var (
		ids     []uint64
		ops     []store.Op
		liveRev syntax.TID
	)
	for _, m := range batch {
		ev, err := m.event()
		if ev.ID != 0 {
			ids = append(ids, ev.ID)
		}
		if err != nil {
			in.refuse(ev, err)
			continue
		}
		op, err := ev.op(now)
		switch {
		case err != nil:
			in.refuse(ev, err)
		case op == nil:
			in.ignored.Add(1)
		default:
			ops = append(ops, *op)
			if ev.Record.Live && ev.Record.Rev > string(liveRev) {
				liveRev = syntax.TID(ev.Record.Rev)
			}
		}
	}
	if err := in.apply(ctx, ops); err != nil {
		in.storeErrors.Add(1)
		return fmt.Errorf("storing %d events: %w", len(ops), err)
	}
	if in.cfg.Committed != nil && len(ops) > 0 {
		keys := make([]store.Key, len(ops))
		for i, op := range ops {
			if op.Put != nil {
				keys[i] = store.Key{DID: op.Put.DID, NSID: op.Put.NSID}
			} else {
				keys[i] = op.Delete.Key
			}
		}
		in.cfg.Committed(keys...)
	}
	if liveRev != "" {
		in.mu.Lock()
		in.lastLiveRev = max(in.lastLiveRev, liveRev)
		in.mu.Unlock()
	}
	for _, id := range ids {
		if err := conn.WriteJSON(ack{Type: "ack", ID: id}); err != nil {
			return fmt.Errorf("acknowledging: %w", err)
		}
		in.acked.Add(1)
	}
	return nil
}

// apply stores ops in one transaction. A version the store refuses (which
// the checks before should have caught) would fail its whole batch again
// at every delivery: the batch is then applied op by op, the refused ones
// counted and dropped.
func (in *Ingester) apply(ctx context.Context, ops []store.Op) error {
	if len(ops) == 0 {
		return nil
	}
	done, err := in.cfg.Store.Apply(ctx, ops)
	if errors.Is(err, store.ErrInvalidVersion) && len(ops) > 1 {
		for _, op := range ops {
			if err := in.apply(ctx, []store.Op{op}); err != nil {
				return err
			}
		}
		return nil
	}
	if errors.Is(err, store.ErrInvalidVersion) {
		in.invalid.Add(1)
		in.log.Warn("tap event refused by the store", "error", err)
		return nil
	}
	if err != nil {
		return err
	}
	for i, op := range ops {
		switch {
		case op.Put != nil && done[i]:
			in.stored.Add(1)
		case op.Put != nil:
			in.seen.Add(1)
		case done[i]:
			in.deleted.Add(1)
		default:
			in.ignored.Add(1)
		}
	}
	return nil
}

// refuse counts and logs an event that is acknowledged but not stored.
func (in *Ingester) refuse(ev event, err error) {
	attrs := []any{"id", ev.ID, "error", err}
	if r := ev.Record; r != nil {
		attrs = append(attrs, "did", r.DID, "collection", r.Collection, "rkey", r.Rkey, "rev", r.Rev)
	}
	if errors.Is(err, errCIDMismatch) {
		in.mismatches.Add(1)
		in.log.Warn("tap record refused: CID mismatch", attrs...)
		return
	}
	in.invalid.Add(1)
	in.log.Warn("tap event refused", attrs...)
}

// event is one message of Tap's /channel.
type event struct {
	ID     uint64       `json:"id"`
	Type   string       `json:"type"`
	Record *recordEvent `json:"record"`
}

type recordEvent struct {
	Live       bool            `json:"live"`
	DID        string          `json:"did"`
	Rev        string          `json:"rev"`
	Collection string          `json:"collection"`
	Rkey       string          `json:"rkey"`
	Action     string          `json:"action"`
	CID        string          `json:"cid"`
	Record     json.RawMessage `json:"record"`
}

var (
	errCIDMismatch = errors.New("CID mismatch")
	errBadEvent    = errors.New("bad event")
)

func parseEvent(data []byte) (event, error) {
	var ev event
	if err := json.Unmarshal(data, &ev); err != nil {
		ev.ID = leadingID(data)
		return ev, fmt.Errorf("%w: not a Tap event: %v", errBadEvent, err)
	}
	if ev.ID == 0 {
		return ev, fmt.Errorf("%w: no id", errBadEvent)
	}
	return ev, nil
}

// leadingID reads the id that opens a message Tap wrote ({"id":N,...), even
// when what follows is not JSON, so that the message can be acknowledged
// rather than delivered again forever; 0 when there is none.
func leadingID(data []byte) uint64 {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return 0
	}
	if tok, err := dec.Token(); err != nil || tok != "id" {
		return 0
	}
	tok, err := dec.Token()
	if err != nil {
		return 0
	}
	n, _ := tok.(json.Number)
	id, err := strconv.ParseUint(string(n), 10, 64)
	if err != nil {
		return 0
	}
	return id
}

// op is what the event asks of the store: nil for an event to ignore.
func (ev event) op(now time.Time) (*store.Op, error) {
	if ev.Type != "record" {
		return nil, nil // identity events, and kinds to come
	}
	r := ev.Record
	switch {
	case r == nil:
		return nil, fmt.Errorf("%w: a record event without its record", errBadEvent)
	case r.Collection != string(resolver.SchemaCollection):
		return nil, nil
	}
	did, err := syntax.ParseDID(r.DID)
	if err != nil {
		return nil, fmt.Errorf("%w: did: %v", errBadEvent, err)
	}
	nsid, err := syntax.ParseNSID(r.Rkey)
	if err != nil {
		return nil, fmt.Errorf("%w: the record key of a schema record must be an NSID: %v", errBadEvent, err)
	}
	if r.Rev != "" {
		if _, err := syntax.ParseTID(r.Rev); err != nil {
			return nil, fmt.Errorf("%w: rev: %v", errBadEvent, err)
		}
	}
	key := store.Key{DID: did, NSID: nsid}
	switch r.Action {
	case "delete":
		return &store.Op{Delete: &store.Deletion{Key: key, Rev: r.Rev, At: now}}, nil
	case "create", "update":
	default:
		return nil, fmt.Errorf("%w: unknown action %q", errBadEvent, r.Action)
	}
	claimed, err := cid.Decode(r.CID)
	if err != nil {
		return nil, fmt.Errorf("%w: cid %q: %v", errBadEvent, r.CID, err)
	}
	if len(r.Record) == 0 || strings.TrimSpace(string(r.Record)) == "null" {
		return nil, fmt.Errorf("%w: a %s without the record", errBadEvent, r.Action)
	}
	val, err := datamodel.DecodeJSON(r.Record)
	if err != nil {
		return nil, fmt.Errorf("%w: record: %v", errBadEvent, err)
	}
	v, err := store.NewVersion(did, nsid, val)
	if err != nil {
		return nil, err
	}
	if !v.CID.Equals(claimed) {
		return nil, fmt.Errorf("%w: the record hashes to %s, the event names %s", errCIDMismatch, v.CID, claimed)
	}
	v.Rev, v.Source = r.Rev, resolver.SourceTap
	v.FirstSeen, v.LastSeen = now, now
	return &store.Op{Put: v}, nil
}
