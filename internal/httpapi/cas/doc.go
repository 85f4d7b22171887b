// Package cas is the CAS Protocol 3.0 face of Gatehouse's SSO engine, so that existing CAS
// clients work unchanged: /cas/login (service, renew, gateway), /cas/validate (CAS 1.0),
// /cas/serviceValidate and /cas/p3/serviceValidate (XML, or JSON with format=JSON, with the
// user's attributes), /cas/logout, and the back-channel SAML LogoutRequest that tells a CAS
// service when a session it joined has ended.
//
// It owns no tickets: service tickets are the engine's (internal/sso, kind "cas", "ST-"
// prefix), issued only for a service that is exactly a registered redirect URI of a system
// allowed the "cas" protocol, and redeemed once (even a failed attempt uses the ticket up).
// The tickets a session was given, for single logout and isFromNewLogin, are recorded in
// the ticket log of internal/sso/castickets.
//
// It decodes requests, calls the engine, and hands results to one writer per format; it never
// builds XML by string concatenation, never redirects to a service it has not matched, and
// holds no user data of its own. It queues the single-logout notices on the durable queue of
// internal/slo, which builds and delivers the LogoutRequests; it POSTs nothing itself.
package cas
