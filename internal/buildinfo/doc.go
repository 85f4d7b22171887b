// Package buildinfo tells which Gatehouse this is: the version set at link time
// (-ldflags "-X github.com/gatehouse/gatehouse/internal/buildinfo.version=v1.2.3"), or else
// the module version and VCS revision Go recorded in the binary.
package buildinfo
