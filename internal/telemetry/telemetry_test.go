package telemetry_test

import (
	"testing"

	"github.com/gatehouse/gatehouse/internal/buildinfo"
	"github.com/gatehouse/gatehouse/internal/telemetry"
)

func TestNewRegistry(t *testing.T) {
	reg := telemetry.NewRegistry()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range families {
		seen[f.GetName()] = true
		if f.GetName() != "gatehouse_build_info" {
			continue
		}
		m := f.GetMetric()
		if len(m) != 1 || m[0].GetGauge().GetValue() != 1 {
			t.Fatalf("build info: %v", m)
		}
		if l := m[0].GetLabel(); len(l) != 1 || l[0].GetName() != "version" || l[0].GetValue() != buildinfo.Version() {
			t.Errorf("build info labels: %v", l)
		}
	}
	for _, name := range []string{"gatehouse_build_info", "go_goroutines", "go_info"} {
		if !seen[name] {
			t.Errorf("%s missing", name)
		}
	}
	// Two registries never clash: nothing is global.
	if _, err := telemetry.NewRegistry().Gather(); err != nil {
		t.Fatal(err)
	}
}
