// Package bench holds lexval's comparative benchmarks and load scripts. It is
// its own module so that what it compares against (indigo's validator, load
// generators) never enters lexval's go.mod.
//
//	bench/genposts     deterministic JSONL of app.bsky.feed.post records
//	bench/indigo-bulk  indigo's atdata.UnmarshalJSON + lexicon.ValidateRecord over a JSONL file
//	bench/bulk.sh      lexval validate vs indigo-bulk over 100,000 posts (wall, CPU, max RSS)
//	bench/http.sh      POST /api/v1/validate under load (req/s, p99, errors, RSS)
package bench
