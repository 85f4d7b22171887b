// Package forwardauth is the forward-auth face of the gateway: GET /api/verify (any method)
// answers nginx auth_request, Traefik ForwardAuth and Caddy forward_auth whether the request
// they hold may pass, and with which identity headers. Its Checker is also what the built-in
// reverse proxy (internal/httpapi/proxy) uses to let requests through.
//
// It reads the original request from X-Forwarded-Method/-Proto/-Host/-Uri (Traefik, Caddy) or
// X-Original-URL/-Method (nginx), believed only from trusted proxies; the rules themselves live
// in internal/gateway. It never writes identity headers it did not compute.
package forwardauth
