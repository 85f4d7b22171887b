// Package e2e holds end-to-end tests: each starts the real App on a random port with a
// temporary data directory, against the in-process stores or real PostgreSQL, Redis and a
// Redis Cluster, and talks HTTP to it as a browser or an API client would. It has no
// non-test code.
package e2e
