// Package server is lexval's HTTP front end on echo/v4: the JSON API under
// /api/v1, the XRPC methods under /xrpc, health and Prometheus metrics, and
// the web UI's routes (package web). Every error leaves in the XRPC shape
// {"error": "Name", "message": "..."}; service codes map to HTTP statuses in
// exactly one place (StatusFor), which the web UI's pages use too. It holds
// no validation logic: it parses requests, calls package service, and writes
// responses. GET /api/v1/history lists a lexicon store's versions; with a
// Tap ingester (Config.Tap), /metrics shows its counts and lag.
//
// Every input is bounded: open connections (MaxConnections, below the
// descriptor limit), header and body read time, body size (MaxBody), JSON
// nesting (datamodel.DecodeJSON), batch length, the work a request may do
// (RequestTimeout: resolution, compilation, explanation, batches, lint; past
// it the request is answered 503, or 504 when a fetch timed out), and how
// many requests explain invalid values at once (MaxExplaining; past it,
// 503 with Retry-After), how many errors are listed per value and per
// request (MaxErrors), and so the size of an answer (under 1 MiB: see
// answerBudget). Request bodies are decoded once, with datamodel.DecodeJSON,
// so numbers stay exact; the values of a validate request with
// datamodel.DecodeJSONFlat, in place, for the validator's fast path.
//
// The common request, a valid value against a schema the service keeps,
// costs no deadline, no goroutine and no explanation slot: Checker.ValidDecoded
// answers it, and its rendered answer is kept per checker.
package server
