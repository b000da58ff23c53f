// Package cli is the lexval command: serve (the default), validate, lint,
// breaking, diff, check-dns, cid, schema, verify, history, healthcheck and
// version. serve keeps a lexicon store (a SQLite file by default, --db)
// and, with --tap-url, ingests from Tap (package tap); the other commands
// use a store only with --db. Exit codes: 0 all valid, 1 something invalid,
// 2 usage, I/O, resolution, proof or CID-pin errors (with a message on
// stderr).
//
// It is a front end like the server: it parses flags, LEXVAL_* variables and
// files, calls package service (and package server for serve), and turns
// verdicts into text, JSON lines or GitHub annotations and service failures
// into exit codes (and, for authors, SARIF 2.1.0 placed on the lexicon's
// lines). It holds no validation logic and knows nothing of HTTP beyond
// starting the server and probing /healthz.
//
// validate streams: a reader splits files into bounded lines, workers (one
// per GOMAXPROCS) decode and check batches of values, and the writer emits
// verdicts in input order from a bounded window, so memory does not grow
// with the input.
//
// Inputs are untrusted too: only regular files are read (a named pipe or a
// link to /dev/zero in a directory is skipped and listed, and named on the
// command line is exit 2); links out of a directory's tree are followed only
// with --follow-symlinks; a file over --max-value is judged by its size,
// unread; a read ends when the command's context does (SIGINT, SIGTERM).
// Text output escapes control characters (safeText), and no decoding error
// quotes the input.
package cli
