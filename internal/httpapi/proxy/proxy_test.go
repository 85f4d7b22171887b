package proxy

import (
	"net/http"
	"testing"
)

func TestRemoveCookies(t *testing.T) {
	for in, want := range map[string]string{
		"gatehouse_session=s1; theme=dark":                "theme=dark",
		"theme=dark;gatehouse_session=s1;lang=en":         "theme=dark; lang=en",
		"__Host-gatehouse_session=s1":                     "",
		"gatehouse_session_other=x; gatehouse_session=s1": "gatehouse_session_other=x",
		"a=1": "a=1",
	} {
		h := http.Header{"Cookie": {in}}
		removeCookies(h, []string{"gatehouse_session", "__Host-gatehouse_session"})
		if got := h.Get("Cookie"); got != want {
			t.Errorf("%q → %q, want %q", in, got, want)
		}
	}
}
