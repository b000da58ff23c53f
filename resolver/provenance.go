package resolver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sync"

	"github.com/bluesky-social/indigo/atproto/syntax"
	"github.com/ipfs/go-cid"

	"github.com/lexval/lexval/datamodel"
)

// FetchRecord returns the record at uri (any collection; the authority a
// DID, or a handle confirmed both ways, network.handleDID) from its
// author's PDS, proven by the repository's signed commit
// as VerifyProof says, the DID document's key re-fetched once when the
// signature fails. Proven records are cached like schema records (by
// AT-URI, bounded, with a negative cache). A refused proof is a *ProofError
// (ErrProofInvalid); a record the repository does not hold, ErrNotFound.
func (r *Resolver) FetchRecord(ctx context.Context, uri syntax.ATURI) (*ProvenRecord, error) {
	n := r.net
	byHandle := uri.Authority().IsHandle()
	if n == nil {
		if _, _, _, err := recordURI(uri); err != nil && !byHandle {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %s: network resolution is off", ErrResolution, uri)
	}
	if byHandle {
		did, err := n.handleDID(ctx, uri.Authority().Handle())
		if err != nil {
			return nil, err
		}
		uri = syntax.ATURI("at://" + string(did) + "/" + string(uri.Collection()) + "/" + string(uri.RecordKey()))
	}
	did, collection, rkey, err := recordURI(uri)
	if err != nil {
		return nil, err
	}
	return lookup(ctx, n, n.proven, string(uri), false, func(ctx context.Context) (*ProvenRecord, error) {
		p, _, err := n.fetchProven(ctx, uri, did, collection, rkey)
		return p, err
	})
}

// getRecordResponse is the output of com.atproto.repo.getRecord.
type getRecordResponse struct {
	URI   string          `json:"uri"`
	CID   string          `json:"cid"`
	Value json.RawMessage `json:"value"`
}

// fetchProven fetches the record at uri as com.atproto.sync.getRecord
// proves it, and as com.atproto.repo.getRecord serves it, at once; proves
// it (re-fetching the DID document once when the signature fails); and
// checks that the two answers agree. It returns the record and the URL of
// its proof.
//
// A record both answers say is missing is ErrNotFound: the repository does
// not hold it, which is no failure of the proof. When only one says so, the
// PDS contradicts itself.
func (n *network) fetchProven(ctx context.Context, uri syntax.ATURI, did syntax.DID, collection syntax.NSID, rkey syntax.RecordKey) (*ProvenRecord, string, error) {
	id, err := n.identity(ctx, did, false)
	if err != nil {
		return nil, "", err
	}
	host := id.PDS.Host
	// The two methods name the repository differently: repo, did.
	recordURL := id.PDS.JoinPath("xrpc", "com.atproto.repo.getRecord")
	recordURL.RawQuery = url.Values{"repo": {string(did)}, "collection": {string(collection)}, "rkey": {string(rkey)}}.Encode()
	proofURL := id.PDS.JoinPath("xrpc", "com.atproto.sync.getRecord")
	proofURL.RawQuery = url.Values{"did": {string(did)}, "collection": {string(collection)}, "rkey": {string(rkey)}}.Encode()

	var (
		wg                sync.WaitGroup
		record, car       []byte
		recordErr, carErr error
	)
	// A fetch refused because the server is busy dooms the other: it stops
	// rather than hold the server's slot for nothing.
	both, cancel := context.WithCancel(ctx)
	defer cancel()
	stopIfBusy := func(err error) {
		if errors.Is(err, errHostBusy) {
			cancel()
		}
	}
	wg.Go(func() {
		record, recordErr = n.getJSON(both, "getRecord of "+string(uri)+" at "+host, recordURL)
		stopIfBusy(recordErr)
	})
	wg.Go(func() {
		car, carErr = n.getAs(both, "sync.getRecord of "+string(uri)+" at "+host, proofURL, mediaCAR)
		stopIfBusy(carErr)
	})
	wg.Wait()
	for _, err := range []error{recordErr, carErr} {
		if errors.Is(err, errHostBusy) {
			return nil, "", err
		}
	}

	disagrees := func(format string, args ...any) error {
		return proofError(uri, ErrProofDisagrees, format, args...)
	}
	recordMissing := errors.Is(recordErr, ErrNotFound)
	switch {
	case errors.Is(carErr, ErrNotFound) && recordMissing:
		return nil, "", recordErr
	case errors.Is(carErr, ErrNotFound) && recordErr == nil:
		return nil, "", disagrees("getRecord serves it, sync.getRecord does not: %v", carErr)
	case carErr != nil:
		return nil, "", carErr
	}

	commit, rec, err := n.prove(ctx, car, uri, did, id)
	switch {
	case errors.Is(err, ErrProofAbsent) && recordMissing:
		return nil, "", fmt.Errorf("%w: %s: the repository does not hold it (proven at rev %s)", ErrNotFound, uri, commit.commit.Rev)
	case err != nil:
		return nil, "", err
	case recordMissing:
		return nil, "", disagrees("getRecord says there is no such record; the commit of rev %s holds it", rec.Proof.Rev)
	case recordErr != nil:
		return nil, "", recordErr
	}
	if err := agrees(record, rec); err != nil {
		return nil, "", disagrees("%v", err)
	}
	return rec, proofURL.String(), nil
}

// prove reads car as the proof of uri and verifies its signature with id's
// key; when that fails, with the key of the DID document fetched again past
// the cache (the key may have rotated since it was cached), once. It
// returns the proof read, once it is (a proof of absence says at which
// revision), and the record.
func (n *network) prove(ctx context.Context, car []byte, uri syntax.ATURI, did syntax.DID, id *Identity) (*carProof, *ProvenRecord, error) {
	p, err := readProof(car, uri, did)
	if err != nil {
		return nil, nil, err
	}
	err = p.verifySignature(id.SigningKey, id.SigningKeyError)
	if errors.Is(err, ErrProofSignature) || errors.Is(err, ErrProofNoKey) {
		fresh, ferr := n.identity(ctx, did, true)
		switch {
		case ferr != nil:
			n.log.Warn("re-resolving a DID document after a failed signature failed", "did", did, "error", ferr)
		case fresh.SigningKey != nil && id.SigningKey != nil && fresh.SigningKey.Equal(id.SigningKey):
			// The same key: verifying again would say the same.
		default:
			err = p.verifySignature(fresh.SigningKey, fresh.SigningKeyError)
		}
	}
	if err != nil {
		return nil, nil, err
	}
	rec, err := p.record(uri.Collection(), uri.RecordKey(), n.now())
	return p, rec, err
}

// agrees checks getRecord's answer against the proven record: the same
// AT-URI, the same CID, and a value that hashes to it (the same value, in
// the data model's terms).
func agrees(body []byte, rec *ProvenRecord) error {
	var out getRecordResponse
	if err := json.Unmarshal(body, &out); err != nil {
		return fmt.Errorf("its answer is not a getRecord output: %v", err)
	}
	if out.URI != string(rec.URI) {
		return fmt.Errorf("it answers for %q", out.URI)
	}
	if out.CID != rec.CID.String() {
		named, err := cid.Decode(out.CID)
		if err != nil || !named.Equals(rec.CID) {
			return fmt.Errorf("it names CID %q, the proof %s", out.CID, rec.CID)
		}
	}
	v, err := datamodel.DecodeJSON(out.Value)
	if err != nil {
		return fmt.Errorf("its value: %v", err)
	}
	c, err := datamodel.RecordCID(v)
	if err != nil {
		return fmt.Errorf("its value: %v", err)
	}
	if !c.Equals(rec.CID) {
		return fmt.Errorf("its value hashes to %s, the proven record to %s", c, rec.CID)
	}
	return nil
}
