// Package oidc is the OpenID Connect provider of Gatehouse: the storage that the op package of
// the zitadel/oidc library drives, written over Gatehouse's own services, and the provider
// built on it. The library speaks the protocol (discovery, authorization, token, userinfo,
// introspection, revocation, end session); this package decides everything that is state:
//
//   - clients are systems (domain.System and its OIDCClient settings), authenticated by
//     identity.Service.AuthenticateSystem;
//   - an authorization is completed by a live global session (session.Manager), which joins the
//     client's system, so that ending the session queues a back-channel logout for it;
//   - authorization codes, access-token records and grants live in the session store, keyed
//     by random ids; a code is usable once, and its replay revokes what it gave (RFC 6749
//     §4.1.2);
//   - refresh tokens are token.Refresh families (rotation, grace window, reuse detection), bound
//     to the session and to the client;
//   - ID tokens are signed with the keys of keys.Manager, with the algorithm the client chose.
//
// It must not parse HTTP beyond what the library needs, and it never writes SQL.
package oidc
