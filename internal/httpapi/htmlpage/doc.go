// Package htmlpage writes the center's server-rendered HTML pages (the message pages of the
// SSO and CAS faces, the minimal sign-in form): rendered into a buffer first so a failure never
// sends half a page, never cached, under the Content-Security-Policy the face chooses, and
// showing an error's caller-safe detail only for bad input.
package htmlpage
