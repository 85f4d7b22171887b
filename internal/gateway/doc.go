// Package gateway is the core of the gateway face: the access rules of protected hosts, the
// routes of the reverse proxy, the normalisation of request paths before they are matched, and
// the decision whether a signed-in (or anonymous) caller may pass.
//
// It owns no HTTP: the forward-auth endpoint (internal/httpapi/forwardauth) and the reverse
// proxy (internal/httpapi/proxy) read requests and write answers around it. It imports only
// the domain, so that configuration can parse its rule syntax.
package gateway
