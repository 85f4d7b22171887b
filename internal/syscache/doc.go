// Package syscache keeps recently read systems for a couple of seconds, so that the protocol
// faces (SSO tickets, OpenID Connect) do not read SQL for every request of a busy client, and a
// change of redirect URIs or protocols still reaches every node within that bound.
//
// Only found systems are kept, so a probe with made-up ids cannot fill the cache with absences;
// the cache starts over when it holds MaxLen entries. Secrets are never checked from here:
// identity.Service.AuthenticateSystem keeps its own cache keyed to the change epoch.
package syscache
