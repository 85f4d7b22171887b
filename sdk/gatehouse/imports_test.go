package gatehouse

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportsNothingInternal keeps the SDK public: none of its dependencies may live under the
// server's internal/ tree.
func TestImportsNothingInternal(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-test", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, p := range strings.Fields(string(out)) {
		if strings.HasPrefix(p, "github.com/gatehouse/gatehouse/") && !strings.HasPrefix(p, "github.com/gatehouse/gatehouse/sdk/") {
			t.Errorf("the SDK depends on %s", p)
		}
	}
}
