// Package buildinfo tells which Gatehouse this is: the version set at link time
// (-ldflags "-X github.com/gatehouse/gatehouse/internal/buildinfo.version=v1.2.3"), or else
// the module version and VCS revision Go recorded in the binary.
package buildinfo

import "runtime/debug"

var version = ""

// Version returns the version of this build.
func Version() string {
	if version != "" {
		return version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	rev, dirty := "", false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "dev"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "-dirty"
	}
	return "dev-" + rev
}
