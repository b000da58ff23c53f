// Package tap feeds a store with the lexicon schema records that a Tap
// sync service (github.com/bluesky-social/indigo/cmd/tap) delivers: Tap
// follows the relay's firehose, backfills repositories through
// com.atproto.sync.getRepo and verifies every commit's signature and MST;
// an Ingester reads its /channel WebSocket, a stream of JSON events
// ({"id","type":"record","record":{"live","did","rev","collection","rkey",
// "action","cid","record"}}; identity events are ignored), and
// acknowledges each ({"type":"ack","id":N}) only once what it says is
// committed to the store, so that an event lost in a crash is delivered
// again. Delivery is at least once: storing a version twice is a no-op.
//
// Each com.atproto.lexicon.schema record is checked before it is stored:
// its CID is recomputed from the record (a mismatch is refused: logged,
// counted and still acknowledged, as Tap would only send it again), its id
// must be its record key, and its lint findings as a lexicon document are
// kept with it. A delete marks the lexicon deleted. A bad event never stops
// ingestion; a store that fails leaves its events unacknowledged, and the
// Ingester reconnects with backoff so that Tap delivers them again.
// Events arrive in batches of up to BatchSize, committed in one
// transaction.
//
// It knows nothing of HTTP serving, resolution or validation.
package tap
