// Package cli is the lexval command: serve (the default), validate, lint, cid
// and schema. Exit codes: 0 all valid, 1 something invalid, 2 usage, I/O,
// resolution or CID-pin errors (with a message on stderr).
package cli
