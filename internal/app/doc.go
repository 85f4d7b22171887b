// Package app wires Gatehouse together: it turns a Config into open stores, services and an
// HTTP handler, and runs the server until its context ends, shutting down gracefully. It is
// the one place that knows every concrete backend; tests start the real App on a random port
// with a temporary data directory.
//
// It holds no business rules: those live in the domain and service packages it assembles.
package app
