package atprototest

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/bluesky-social/indigo/atproto/atcrypto"
	"github.com/bluesky-social/indigo/atproto/atdata"
	"github.com/bluesky-social/indigo/atproto/repo"
	"github.com/bluesky-social/indigo/atproto/repo/mst"
	"github.com/bluesky-social/indigo/atproto/syntax"
	"github.com/ipfs/go-cid"
)

// Commit is one signed commit of a repository.
type Commit struct {
	CID cid.Cid
	Rev syntax.TID
	// Object is the signed commit; Block its DAG-CBOR encoding, which
	// hashes to CID.
	Object repo.Commit
	Block  []byte
	// Ops are the record operations the commit made (none for the first).
	Ops []Op
}

// Op is a record operation: create, update or delete.
type Op struct {
	Action string
	Path   string  // collection/rkey
	CID    cid.Cid // the record's new CID; cid.Undef for a delete
	Prev   cid.Cid // its former CID; cid.Undef for a create
}

// repoState is an account's repository: the MST, every record block it has
// held, the JSON each record was published as, and its commits. The
// Account's mutex guards it.
type repoState struct {
	did     syntax.DID
	clock   *syntax.TIDClock
	tree    mst.Tree
	records map[cid.Cid][]byte // record blocks by CID
	values  map[string][]byte  // record JSON as published, by path
	commits []Commit
}

func newRepo(did syntax.DID, key atcrypto.PrivateKey) (*repoState, error) {
	r := &repoState{
		did:     did,
		clock:   syntax.NewTIDClock(0),
		tree:    mst.NewEmptyTree(),
		records: map[cid.Cid][]byte{},
		values:  map[string][]byte{},
	}
	return r, r.commit(key, nil)
}

func (r *repoState) head() Commit { return r.commits[len(r.commits)-1] }

func (r *repoState) put(key atcrypto.PrivateKey, collection syntax.NSID, rkey syntax.RecordKey, value []byte) (cid.Cid, error) {
	path := string(collection) + "/" + string(rkey)
	obj, err := atdata.UnmarshalJSON(value)
	if err != nil {
		return cid.Undef, fmt.Errorf("record value: %w", err)
	}
	block, err := atdata.MarshalCBOR(obj)
	if err != nil {
		return cid.Undef, fmt.Errorf("record value: %w", err)
	}
	c, err := blockCID(block)
	if err != nil {
		return cid.Undef, err
	}
	prev, err := r.tree.Insert([]byte(path), c)
	if err != nil {
		return cid.Undef, err
	}
	op := Op{Action: "create", Path: path, CID: c}
	if prev != nil {
		op.Action, op.Prev = "update", *prev
	}
	r.records[c] = block
	r.values[path] = bytes.Clone(value)
	return c, r.commit(key, []Op{op})
}

func (r *repoState) delete(key atcrypto.PrivateKey, collection syntax.NSID, rkey syntax.RecordKey) error {
	path := string(collection) + "/" + string(rkey)
	prev, err := r.tree.Remove([]byte(path))
	if err != nil {
		return err
	}
	if prev == nil {
		return errors.New("no such record")
	}
	delete(r.values, path)
	return r.commit(key, []Op{{Action: "delete", Path: path, Prev: *prev}})
}

// commit signs the tree as it stands with key, under a new revision.
func (r *repoState) commit(key atcrypto.PrivateKey, ops []Op) error {
	root, err := r.tree.RootCID()
	if err != nil {
		return err
	}
	obj := repo.Commit{
		DID:     string(r.did),
		Version: repo.ATPROTO_REPO_VERSION,
		Data:    *root,
		Rev:     r.clock.Next().String(),
	}
	if err := obj.Sign(key); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := obj.MarshalCBOR(&buf); err != nil {
		return err
	}
	c, err := blockCID(buf.Bytes())
	if err != nil {
		return err
	}
	r.commits = append(r.commits, Commit{CID: c, Rev: syntax.TID(obj.Rev), Object: obj, Block: buf.Bytes(), Ops: ops})
	return nil
}

// record returns the JSON and CID of the record at path.
func (r *repoState) record(path string) ([]byte, cid.Cid, bool) {
	c, err := r.tree.Get([]byte(path))
	if err != nil || c == nil {
		return nil, cid.Undef, false
	}
	return r.values[path], *c, true
}

// proof is the CAR sync.getRecord serves for path: the current commit, the
// MST nodes from the root down to the node that holds path (or would hold
// it: a proof of absence), and the record when there is one.
func (r *repoState) proof(path string) (*CAR, error) {
	head := r.head()
	out := &CAR{Roots: []cid.Cid{head.CID}}
	out.add(head.CID, head.Block)
	key := []byte(path)
	for n := r.tree.Root; n != nil; {
		if err := addNode(out, n); err != nil {
			return nil, err
		}
		var below *mst.Node // the subtree left of the first key past path
		descend := true
		for _, e := range n.Entries {
			if e.IsChild() {
				below = e.Child
				continue
			}
			cmp := bytes.Compare(e.Key, key)
			if cmp == 0 {
				out.add(*e.Value, r.records[*e.Value])
				descend = false
			}
			if cmp >= 0 {
				break
			}
			below = nil
		}
		if !descend {
			break
		}
		n = below
	}
	return out, nil
}

// export is the CAR sync.getRepo serves: the current commit, every MST node
// and every record.
func (r *repoState) export() (*CAR, error) {
	head := r.head()
	out := &CAR{Roots: []cid.Cid{head.CID}}
	out.add(head.CID, head.Block)
	var walk func(n *mst.Node) error
	walk = func(n *mst.Node) error {
		if err := addNode(out, n); err != nil {
			return err
		}
		for _, e := range n.Entries {
			switch {
			case e.Child != nil:
				if err := walk(e.Child); err != nil {
					return err
				}
			case e.IsValue():
				out.add(*e.Value, r.records[*e.Value])
			}
		}
		return nil
	}
	return out, walk(r.tree.Root)
}

// addNode adds the block of an MST node whose CID is computed (the tree's
// RootCID has run since it last changed).
func addNode(out *CAR, n *mst.Node) error {
	data := n.NodeData()
	block, c, err := data.Bytes()
	if err != nil {
		return err
	}
	if n.CID != nil && !n.CID.Equals(*c) {
		return fmt.Errorf("MST node %s encodes as %s", n.CID, c)
	}
	out.add(*c, block)
	return nil
}
