// Package server is lexval's HTTP front end on echo/v4: the JSON API under
// /api/v1, the XRPC methods under /xrpc, health and Prometheus metrics, and
// the web UI's routes (package web). Every error leaves in the XRPC shape
// {"error": "Name", "message": "..."}; service codes map to HTTP statuses in
// exactly one place. It holds no validation logic: it parses requests, calls
// package service, and writes responses.
package server
