package atprototest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	comatproto "github.com/bluesky-social/indigo/api/atproto"
	"github.com/bluesky-social/indigo/atproto/syntax"
	lexutil "github.com/bluesky-social/indigo/lex/util"
	"github.com/fxamacker/cbor/v2"
	"github.com/gorilla/websocket"
	"github.com/ipfs/go-cid"
	cbg "github.com/whyrusleeping/cbor-gen"
)

// Relay is the relay side of the fake network, served by the PDS's server
// (one host is both, as for a small self-hosted network): the firehose,
// com.atproto.sync.subscribeRepos, whose #commit and #sync frames the
// tests emit (Commit, Sync), and com.atproto.sync.listRepos and
// listReposByCollection over the PDS's accounts, as Tap's crawler calls
// them. A subscriber gets the frames after its cursor, then each new one.
type Relay struct {
	pds *PDS

	mu      sync.Mutex
	frames  [][]byte // frames[i] has seq i+1
	subs    int      // subscribers connected
	changed chan struct{}
	closing chan struct{}
}

// Relay returns the relay, registering its methods on the PDS on first use.
func (n *Network) Relay() *Relay {
	n.relayOnce.Do(func() {
		r := &Relay{pds: n.PDS, changed: make(chan struct{}), closing: n.PDS.closing}
		n.PDS.Handle("GET /xrpc/com.atproto.sync.subscribeRepos", http.HandlerFunc(r.subscribe))
		n.PDS.Handle("GET /xrpc/com.atproto.sync.listRepos", http.HandlerFunc(r.listRepos))
		n.PDS.Handle("GET /xrpc/com.atproto.sync.listReposByCollection", http.HandlerFunc(r.listReposByCollection))
		n.relay = r
	})
	return n.relay
}

// URL is the relay's base URL (the PDS's).
func (r *Relay) URL() string { return r.pds.URL() }

// Commit emits a #commit frame for a's current commit: its operations
// (with their previous CIDs), the previous tree's root as prevData, and as
// blocks the whole repository (the commit, every MST node, every record):
// more than the diff a real relay sends, and enough to invert the
// operations. It returns the frame's seq.
func (r *Relay) Commit(a *Account) int64 {
	a.mu.Lock()
	head := a.repo.head()
	var prevData *lexutil.LexLink
	if n := len(a.repo.commits); n > 1 {
		l := lexutil.LexLink(a.repo.commits[n-2].Object.Data)
		prevData = &l
	}
	export, err := a.repo.export()
	a.mu.Unlock()
	if err != nil {
		a.net.t.Fatalf("atprototest: relay: export of %s: %v", a.DID, err)
	}
	blocks, err := export.Bytes()
	if err != nil {
		a.net.t.Fatalf("atprototest: relay: %v", err)
	}
	ops := make([]*comatproto.SyncSubscribeRepos_RepoOp, len(head.Ops))
	for i, op := range head.Ops {
		o := &comatproto.SyncSubscribeRepos_RepoOp{Action: op.Action, Path: op.Path}
		if op.CID.Defined() {
			l := lexutil.LexLink(op.CID)
			o.Cid = &l
		}
		if op.Prev.Defined() {
			l := lexutil.LexLink(op.Prev)
			o.Prev = &l
		}
		ops[i] = o
	}
	return r.emit(a, "#commit", func(seq int64) cbg.CBORMarshaler {
		return &comatproto.SyncSubscribeRepos_Commit{
			Blobs:    []lexutil.LexLink{},
			Blocks:   blocks,
			Commit:   lexutil.LexLink(head.CID),
			Ops:      ops,
			PrevData: prevData,
			Repo:     string(a.DID),
			Rev:      string(head.Rev),
			Seq:      seq,
			Time:     syntax.DatetimeNow().String(),
		}
	})
}

// Sync emits a #sync frame for a's current commit: the signed commit alone,
// which tells a subscriber that the repository moved on, for it to fetch
// again. It returns the frame's seq.
func (r *Relay) Sync(a *Account) int64 {
	head := a.Head()
	c := &CAR{Roots: []cid.Cid{head.CID}}
	c.add(head.CID, head.Block)
	blocks, err := c.Bytes()
	if err != nil {
		a.net.t.Fatalf("atprototest: relay: %v", err)
	}
	return r.emit(a, "#sync", func(seq int64) cbg.CBORMarshaler {
		return &comatproto.SyncSubscribeRepos_Sync{
			Blocks: blocks,
			Did:    string(a.DID),
			Rev:    string(head.Rev),
			Seq:    seq,
			Time:   syntax.DatetimeNow().String(),
		}
	})
}

// frameHeader is an event stream frame's header: op 1, a message of type t.
type frameHeader struct {
	Op int64  `cbor:"op"`
	T  string `cbor:"t"`
}

func (r *Relay) emit(a *Account, typ string, body func(seq int64) cbg.CBORMarshaler) int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	seq := int64(len(r.frames) + 1)
	var buf bytes.Buffer
	head, err := cbor.Marshal(frameHeader{Op: 1, T: typ})
	if err == nil {
		buf.Write(head)
		err = body(seq).MarshalCBOR(&buf)
	}
	if err != nil {
		a.net.t.Fatalf("atprototest: relay: %s frame: %v", typ, err)
	}
	r.frames = append(r.frames, buf.Bytes())
	close(r.changed)
	r.changed = make(chan struct{})
	return seq
}

// Subscribers counts the subscribers connected now.
func (r *Relay) Subscribers() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.subs
}

// GET /xrpc/com.atproto.sync.subscribeRepos: without a cursor, the frames
// emitted from now on; with one, those after it first.
func (r *Relay) subscribe(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	next := int64(len(r.frames)) // the index of the next frame to send
	r.mu.Unlock()
	if c := req.URL.Query().Get("cursor"); c != "" {
		n, err := strconv.ParseInt(c, 10, 64)
		if err != nil || n < 0 {
			WriteError(w, http.StatusBadRequest, "InvalidRequest", "cursor: "+c)
			return
		}
		next = n
	}
	ws, err := (&websocket.Upgrader{}).Upgrade(w, req, nil)
	if err != nil {
		return
	}
	defer ws.Close()
	r.mu.Lock()
	r.subs++
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		r.subs--
		r.mu.Unlock()
	}()
	gone := make(chan struct{})
	go func() { // answers pings, and notices the subscriber leaving
		defer close(gone)
		for {
			if _, _, err := ws.ReadMessage(); err != nil {
				return
			}
		}
	}()
	for {
		r.mu.Lock()
		pending := slices.Clone(r.frames[min(next, int64(len(r.frames))):])
		changed := r.changed
		r.mu.Unlock()
		for _, f := range pending {
			ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
			if err := ws.WriteMessage(websocket.BinaryMessage, f); err != nil {
				return
			}
			next++
		}
		select {
		case <-changed:
		case <-gone:
			return
		case <-req.Context().Done():
			return
		case <-r.closing:
			return
		}
	}
}

// accounts lists the PDS's accounts, by DID.
func (r *Relay) accounts() []*Account {
	r.pds.mu.Lock()
	defer r.pds.mu.Unlock()
	out := make([]*Account, 0, len(r.pds.accounts))
	for _, a := range r.pds.accounts {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b *Account) int { return strings.Compare(string(a.DID), string(b.DID)) })
	return out
}

// GET /xrpc/com.atproto.sync.listRepos: every account, in one page.
func (r *Relay) listRepos(w http.ResponseWriter, req *http.Request) {
	out := comatproto.SyncListRepos_Output{Repos: []*comatproto.SyncListRepos_Repo{}}
	active := true
	for _, a := range r.accounts() {
		h := a.Head()
		out.Repos = append(out.Repos, &comatproto.SyncListRepos_Repo{Did: string(a.DID), Head: h.CID.String(), Rev: string(h.Rev), Active: &active})
	}
	writeJSONPage(w, req, out)
}

// GET /xrpc/com.atproto.sync.listReposByCollection: the accounts holding a
// record of the collection, in one page.
func (r *Relay) listReposByCollection(w http.ResponseWriter, req *http.Request) {
	collection := req.URL.Query().Get("collection")
	if _, err := syntax.ParseNSID(collection); err != nil {
		WriteError(w, http.StatusBadRequest, "InvalidRequest", "collection: "+err.Error())
		return
	}
	out := comatproto.SyncListReposByCollection_Output{Repos: []*comatproto.SyncListReposByCollection_Repo{}}
	for _, a := range r.accounts() {
		a.mu.Lock()
		holds := false
		for path := range a.repo.values {
			if strings.HasPrefix(path, collection+"/") {
				holds = true
				break
			}
		}
		a.mu.Unlock()
		if holds {
			out.Repos = append(out.Repos, &comatproto.SyncListReposByCollection_Repo{Did: string(a.DID)})
		}
	}
	writeJSONPage(w, req, out)
}

// writeJSONPage answers a listing: the whole list for the first page (no
// cursor), nothing after, so that a client paging until an empty page or
// no cursor stops.
func writeJSONPage(w http.ResponseWriter, req *http.Request, page any) {
	if req.URL.Query().Get("cursor") != "" {
		WriteJSON(w, http.StatusOK, json.RawMessage(`{"repos":[]}`))
		return
	}
	WriteJSON(w, http.StatusOK, page)
}
