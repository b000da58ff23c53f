// Package server is lexval's HTTP front end on echo/v4: the JSON API under
// /api/v1, the XRPC methods under /xrpc, health and Prometheus metrics, and
// the web UI's routes (package web). Every error leaves in the XRPC shape
// {"error": "Name", "message": "..."}; service codes map to HTTP statuses in
// exactly one place (StatusFor), which the web UI's pages use too. It holds
// no validation logic: it parses requests, calls package service, and writes
// responses.
//
// Every input is bounded: header and body read time, body size (MaxBody),
// JSON nesting (datamodel.DecodeJSON), batch length, and the time spent on a
// request, network resolution included (RequestTimeout). Request bodies are
// decoded once, with datamodel.DecodeJSON, so numbers stay exact.
package server
