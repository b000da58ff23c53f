// Package web is lexval's browser UI: html/template pages and embedded vanilla
// JavaScript and CSS (no CDN, no build step). Forms work without JavaScript
// (the server renders the result) and, with it, through the JSON API without
// reloading. It calls package service for everything; it holds no validation
// logic and knows nothing of how the server listens.
package web
