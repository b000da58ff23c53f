// Package web is lexval's browser UI: html/template pages and embedded vanilla
// JavaScript and CSS (no CDN, no build step). Forms work without JavaScript
// (the server renders the result) and, with it, through the JSON API without
// reloading. It calls package service for everything; it holds no validation
// logic and knows nothing of how the server listens.
//
// Pages: the catalog (GET /), a lexicon (GET|POST /lexicon/{did}/{nsid} and
// /lexicon/{nsid}, Lexicon Garden's scheme), drafts (GET|POST /validate),
// whose "Compare with the published version" shows what the draft changes
// from the version the resolver finds for its id: the changes that break
// data, then every difference (rendered by the server only), and two
// versions compared (GET /compare?old=REF&new=REF).
// A lexicon page documents the lexicon (service.DescribeLexicon, the account
// its text page and MCP give, rendered with its refs linked) beside its
// JSON, whose refs link too. A lexicon fetched from the network shows its
// proof (signing key, repository revision, commit), and, with network
// resolution on, its form also takes the AT-URI of a record to fetch, prove
// and validate. With a lexicon store, a lexicon page has a History section,
// each version marked with its breaking changes against the one before
// (service.CompareVersions, bounded: see markChanges), and ?cid=CID shows
// (and validates against) that stored version.
//
// A result links to its inputs: a GET of a form's page with its fields in
// the query (a permalink) checks them again, so the link works without
// JavaScript. Each error carries its JSON Pointer (data-path) and its list
// the id of the box the value was typed in (data-for), where app.js
// selects the value at fault when the error is clicked.
// templates/ holds one file per page on a shared layout; partials.html holds
// the result markup, which static/app.js rebuilds for JSON API answers, so the
// two are kept in step (the browser test compares them). Every page carries a
// Content-Security-Policy that allows only the embedded assets, so pages have
// no inline script, style or handler; assets are served under content-hashed
// URLs and cached for good.
package web
