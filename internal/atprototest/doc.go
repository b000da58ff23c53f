// Package atprototest is the one fake atproto network that the tests of
// every package share: a PLC directory, a PDS holding real signed
// repositories, did:web hosting and DNS for _lexicon TXT records, all on
// loopback (httptest servers and an in-memory resolver), so that no test
// reaches the outside network.
//
// A Network starts the PLC directory and the PDS; an Account is a DID with
// a generated p256 or k256 signing key and a repository (an MST built with
// indigo's atproto/repo) on the PDS. Every write makes a new commit, signed,
// with a new revision. The PDS serves com.atproto.repo.getRecord (JSON),
// com.atproto.sync.getRecord (a CAR with the signed commit, the MST nodes
// on the path to the record and the record) and com.atproto.sync.getRepo
// (the whole repository). Every server can be made to misbehave: hold or
// stall answers, fail, or answer with anything (Intercept); the PDS can
// also edit its answers (EditGetRecord, EditProof). Corruptions lists the
// ways of serving a record that cannot be proven (a key the DID document
// does not name, a commit of another repository, a tree without the record,
// a changed block, a high-S signature, a CAR cut short, ...), each with the
// resolver's reason, so that every front end's tests refuse the same list.
// Relay serves the relay's side from the PDS's host: the firehose
// (com.atproto.sync.subscribeRepos, #commit and #sync frames the tests
// emit) and com.atproto.sync.listRepos and listReposByCollection, as a Tap
// sync service calls them. Other XRPC methods join through PDS.Handle.
//
// It is a test helper, not part of lexval: only tests import it. It knows
// resolver.Config and resolver.TXTResolver, to hand tests a resolver
// configuration wired to it, and the resolver's proof reasons, and nothing
// else of lexval; records are encoded
// with indigo's atdata, independently of lexval's own DAG-CBOR code.
package atprototest
