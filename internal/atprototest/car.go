package atprototest

import (
	"bytes"

	"github.com/ipfs/go-cid"
	car "github.com/ipld/go-car"
	carutil "github.com/ipld/go-car/util"
	"github.com/multiformats/go-multihash"
)

// CAR is a CAR v1 file before it is encoded: a test may edit it (drop,
// reorder or alter blocks, name other roots) to serve a corrupt proof.
type CAR struct {
	Roots  []cid.Cid
	Blocks []Block
}

// Block is one block of a CAR: CID is what the file says the bytes hash to.
type Block struct {
	CID  cid.Cid
	Data []byte
}

func (c *CAR) add(id cid.Cid, data []byte) {
	c.Blocks = append(c.Blocks, Block{CID: id, Data: data})
}

// Find returns the block the CAR holds under id.
func (c *CAR) Find(id cid.Cid) (Block, bool) {
	for _, b := range c.Blocks {
		if b.CID.Equals(id) {
			return b, true
		}
	}
	return Block{}, false
}

// Bytes encodes the CAR: a header naming the roots, then each block as its
// CID and bytes, each length-prefixed.
func (c *CAR) Bytes() ([]byte, error) {
	var buf bytes.Buffer
	if err := car.WriteHeader(&car.CarHeader{Roots: c.Roots, Version: 1}, &buf); err != nil {
		return nil, err
	}
	for _, b := range c.Blocks {
		if err := carutil.LdWrite(&buf, b.CID.Bytes(), b.Data); err != nil {
			return nil, err
		}
	}
	return buf.Bytes(), nil
}

// blockCID is the CID atproto gives DAG-CBOR bytes: v1, dag-cbor,
// sha2-256.
func blockCID(data []byte) (cid.Cid, error) {
	return cid.NewPrefixV1(cid.DagCBOR, multihash.SHA2_256).Sum(data)
}
