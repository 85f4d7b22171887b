// Package webui serves the built front end (package web): hashed assets under /assets/ with a
// one-year immutable cache lifetime, and index.html — never cached, under a strict
// Content-Security-Policy — for the pages of the single-page app: /login, /account, /admin and
// everything below /admin. When the front end is not built (a clone without Node), /login is
// the minimal server-rendered page given as Fallback, and /account and /admin answer a short
// page saying how to build the front end.
//
// It serves files only: it knows nothing of sessions or permissions, which the API enforces.
package webui
