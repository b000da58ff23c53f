// Package service joins the resolver, lexdoc and the validator: it answers
// "is this value valid against that schema?" and "is this lexicon well
// written?" for the HTTP API, the web UI and the CLI alike. It parses what users name (AT-URI, NSID, NSID#def) once, resolves
// and authenticates the schema, keeps compiled schemas, and classifies every
// failure with a Code that front ends map to their own terms (HTTP status,
// exit code, page message). It knows nothing of HTTP, nor of JSON Schema
// (the validator's errors already speak of lexicons). A network schema's
// SchemaInfo carries its Proof (the signed commit that holds it); FetchRecord
// gives a record of any collection by AT-URI, proven the same way, for
// values named by AT-URI rather than sent. For authors, LintSetWith lints
// with named rules, CompareVersions compares two versions of lexicons (the
// changes that break data, the diff, records checked against both; the one
// call every front end and tool shares, History pages included), and
// CheckDNS checks the _lexicon TXT records publishing needs. DescribeLexicon
// tells what a lexicon says, for people (the web UI's documentation view)
// and, written out by Describe, for language models.
// With a lexicon store (Options.Store), History lists its versions, each
// marked authoritative or not; a pinned CID selects a stored version through
// the resolver (NSID@CID in CompareVersions too).
//
// Compile once, validate many: one validator.Compiler over the local catalog
// (embedded records and directories, fixed at start-up) lives as long as the
// Service, and a Checker prepared from a local record is kept, so naming the
// same schema again costs a map lookup. Schemas resolved over the network
// are compiled with their references' closure by compilers kept in a bounded
// LRU keyed by the closure's NSID@CID set; their Checkers are not kept,
// because the records behind them expire from the resolver's cache. Every
// compiler of a Service shares one validator.CompileGate
// (Options.MaxCompiles), and every compile, lint and conflict check runs
// under the caller's context.
package service
