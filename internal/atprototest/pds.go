package atprototest

import (
	"encoding/json"
	"net/http"
	"sync"
	"testing"

	"github.com/bluesky-social/indigo/atproto/syntax"
)

// PDS hosts the accounts' repositories and serves them over XRPC:
// com.atproto.repo.getRecord, com.atproto.sync.getRecord and
// com.atproto.sync.getRepo. An unknown method is a 501.
type PDS struct {
	server
	mux *http.ServeMux

	mu         sync.Mutex
	accounts   map[syntax.DID]*Account
	editRecord func(syntax.ATURI, *RecordJSON)
	editProof  func(syntax.ATURI, *CAR)
}

// RecordJSON is the output of com.atproto.repo.getRecord.
type RecordJSON struct {
	URI   string          `json:"uri,omitempty"`
	CID   string          `json:"cid,omitempty"`
	Value json.RawMessage `json:"value,omitempty"`
}

func newPDS(t testing.TB) *PDS {
	p := &PDS{mux: http.NewServeMux(), accounts: map[syntax.DID]*Account{}}
	p.mux.HandleFunc("GET /xrpc/com.atproto.repo.getRecord", p.getRecord)
	p.mux.HandleFunc("GET /xrpc/com.atproto.sync.getRecord", p.syncGetRecord)
	p.mux.HandleFunc("GET /xrpc/com.atproto.sync.getRepo", p.syncGetRepo)
	p.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		WriteError(w, http.StatusNotImplemented, "MethodNotImplemented", "no method "+r.URL.Path)
	})
	p.init(t, p.mux, false)
	return p
}

// Handle adds a route to the PDS (an XRPC method such as
// com.atproto.sync.subscribeRepos), with http.ServeMux patterns.
func (p *PDS) Handle(pattern string, h http.Handler) { p.mux.Handle(pattern, h) }

func (p *PDS) host(a *Account) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.accounts[a.DID] = a
}

// Account returns the account hosted for did, or nil.
func (p *PDS) Account(did syntax.DID) *Account {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.accounts[did]
}

// EditGetRecord passes each repo.getRecord answer for a record the PDS
// holds through edit before it is sent, to claim another CID, name another
// record or serve other bytes; nil restores honest answers.
func (p *PDS) EditGetRecord(edit func(uri syntax.ATURI, answer *RecordJSON)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.editRecord = edit
}

// EditProof passes each sync.getRecord CAR through edit before it is
// encoded, to serve a corrupt proof; nil restores honest proofs.
func (p *PDS) EditProof(edit func(uri syntax.ATURI, proof *CAR)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.editProof = edit
}

// recordParams reads the repository, collection and record key of a
// request; repoParam names the repository parameter ("repo" or "did").
func (p *PDS) recordParams(w http.ResponseWriter, r *http.Request, repoParam string) (*Account, syntax.NSID, syntax.RecordKey, bool) {
	q := r.URL.Query()
	a, ok := p.repoParam(w, q.Get(repoParam))
	if !ok {
		return nil, "", "", false
	}
	collection, err := syntax.ParseNSID(q.Get("collection"))
	if err != nil {
		WriteError(w, http.StatusBadRequest, "InvalidRequest", "collection: "+err.Error())
		return nil, "", "", false
	}
	rkey, err := syntax.ParseRecordKey(q.Get("rkey"))
	if err != nil {
		WriteError(w, http.StatusBadRequest, "InvalidRequest", "rkey: "+err.Error())
		return nil, "", "", false
	}
	return a, collection, rkey, true
}

func (p *PDS) repoParam(w http.ResponseWriter, raw string) (*Account, bool) {
	did, err := syntax.ParseDID(raw)
	if err != nil {
		WriteError(w, http.StatusBadRequest, "InvalidRequest", "repo: "+err.Error())
		return nil, false
	}
	a := p.Account(did)
	if a == nil {
		WriteError(w, http.StatusBadRequest, "RepoNotFound", "Could not find repo: "+raw)
		return nil, false
	}
	return a, true
}

// GET /xrpc/com.atproto.repo.getRecord
func (p *PDS) getRecord(w http.ResponseWriter, r *http.Request) {
	a, collection, rkey, ok := p.recordParams(w, r, "repo")
	if !ok {
		return
	}
	uri := a.URI(collection, rkey)
	a.mu.Lock()
	value, c, found := a.repo.record(string(collection) + "/" + string(rkey))
	a.mu.Unlock()
	if !found {
		WriteError(w, http.StatusBadRequest, "RecordNotFound", "Could not locate record: "+string(uri))
		return
	}
	answer := &RecordJSON{URI: string(uri), CID: c.String(), Value: value}
	p.mu.Lock()
	edit := p.editRecord
	p.mu.Unlock()
	if edit != nil {
		edit(uri, answer)
	}
	WriteJSON(w, http.StatusOK, answer)
}

// GET /xrpc/com.atproto.sync.getRecord
func (p *PDS) syncGetRecord(w http.ResponseWriter, r *http.Request) {
	a, collection, rkey, ok := p.recordParams(w, r, "did")
	if !ok {
		return
	}
	a.mu.Lock()
	proof, err := a.repo.proof(string(collection) + "/" + string(rkey))
	a.mu.Unlock()
	if err != nil {
		WriteError(w, http.StatusInternalServerError, "InternalServerError", err.Error())
		return
	}
	p.mu.Lock()
	edit := p.editProof
	p.mu.Unlock()
	if edit != nil {
		edit(a.URI(collection, rkey), proof)
	}
	writeCAR(w, proof)
}

// GET /xrpc/com.atproto.sync.getRepo
func (p *PDS) syncGetRepo(w http.ResponseWriter, r *http.Request) {
	a, ok := p.repoParam(w, r.URL.Query().Get("did"))
	if !ok {
		return
	}
	a.mu.Lock()
	export, err := a.repo.export()
	a.mu.Unlock()
	if err != nil {
		WriteError(w, http.StatusInternalServerError, "InternalServerError", err.Error())
		return
	}
	writeCAR(w, export)
}

func writeCAR(w http.ResponseWriter, c *CAR) {
	data, err := c.Bytes()
	if err != nil {
		WriteError(w, http.StatusInternalServerError, "InternalServerError", err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/vnd.ipld.car")
	w.Write(data)
}
