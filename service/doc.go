// Package service joins the resolver and the validator: it answers "is this
// value valid against that schema?" for the HTTP API, the web UI and the CLI
// alike. It parses what users name (AT-URI, NSID, NSID#def) once, resolves
// and authenticates the schema, keeps compiled schemas, and classifies every
// failure with a Code that front ends map to their own terms (HTTP status,
// exit code, page message). It knows nothing of HTTP.
package service
