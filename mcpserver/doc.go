// Package mcpserver is lexval's Model Context Protocol front end: an
// http.Handler speaking MCP over streamable HTTP (the official Go SDK,
// github.com/modelcontextprotocol/go-sdk), with tools that validate a record
// (against a named schema or its $type), lint a lexicon document, describe
// a lexicon in words, resolve a lexicon and compute a record's CID.
//
// It only translates, as server/, web/ and cli/ do: arguments are decoded
// with the data model's strict decoder (datamodel.DecodeJSON, so numbers
// stay exact and duplicate keys are refused), the work is package service's,
// and every failure is an MCP tool error whose text names the service's
// code. It knows nothing of routing, listening, or budgets: the server
// mounts the handler and passes Config.Work, which runs each call's work
// under the same request timeout and explanation slots as the HTTP API.
//
// Tools are a table (tools in tools.go); a tool is one entry, its input
// schema and a handler.
package mcpserver
