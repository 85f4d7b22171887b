// Package proxy is the gateway's built-in authenticating reverse proxy: requests for the hosts
// and path prefixes of the configured routes are checked by the forward-auth Checker and, when
// allowed, sent to their upstream with the identity headers. Incoming X-Auth-* headers are
// always stripped first, and the Gatehouse session cookie never reaches an upstream.
// Streaming answers and WebSocket upgrades pass through (net/http/httputil.ReverseProxy);
// an upstream that fails gives a 502 page. Requests per route and status and their latency
// are counted.
//
// It decides nothing itself: rules are internal/gateway's, authentication forwardauth's.
package proxy
