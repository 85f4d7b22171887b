package session

import (
	"crypto/rand"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/store/kv/memkv"
)

// FuzzCookie: no cookie value but the one issued authenticates the one live session, and
// every other is the same session_expired answer; parsing never panics and accepts only the
// canonical form.
func FuzzCookie(f *testing.F) {
	kv := memkv.New(memkv.Options{})
	f.Cleanup(func() { kv.Close() })
	m := &Manager{KV: kv, Policy: DefaultPolicy(), Rand: rand.Reader}
	var once sync.Once
	var s *Session
	var cookie string
	setup := func(t *testing.T) {
		once.Do(func() {
			var err error
			if s, cookie, err = m.Create(t.Context(), NewSession{UserID: "u1"}); err != nil {
				t.Fatal(err)
			}
		})
	}
	sample := strings.Repeat("a", IDLen) + "." + strings.Repeat("A", 43)
	for _, seed := range []string{"", sample, sample[:IDLen], sample + "=", strings.ToUpper(sample),
		sample[:IDLen] + ".." + sample[IDLen+2:], "a.b", "\x00", strings.Repeat(".", CookieLen)} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, v string) {
		setup(t)
		sid, _, ok := parseCookie(v)
		if ok {
			if len(v) != CookieLen || !ValidID(sid) || sid != v[:IDLen] {
				t.Fatalf("parseCookie(%q) accepted a value of the wrong form", v)
			}
			if again := secretEncoding.EncodeToString(mustDecode(t, v[IDLen+1:])); again != v[IDLen+1:] {
				t.Fatalf("parseCookie(%q) accepted a non-canonical secret (re-encoded %q)", v, again)
			}
		}
		got, err := m.Authenticate(t.Context(), v)
		if v == cookie {
			if err != nil || got.ID != s.ID {
				t.Fatalf("the issued cookie: %v", err)
			}
			return
		}
		if got != nil || domain.ErrorCode(err) != domain.CodeSessionExpired || domain.ErrorMessage(err) != domain.ErrorMessage(errEnded()) {
			t.Fatalf("Authenticate(%q) = %v, %v; want the session_expired answer", v, got, err)
		}
	})
}

func mustDecode(t *testing.T, s string) []byte {
	b, err := secretEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("decoding %q after parseCookie accepted it: %v", s, err)
	}
	return b
}

// TestSidAloneNeverAuthenticates: the session id, which tokens carry and sub-systems see, is no
// cookie in any arrangement.
func TestSidAloneNeverAuthenticates(t *testing.T) {
	c := newClock()
	m := &Manager{KV: memBackend(t, c.Now), Policy: DefaultPolicy(), Now: c.Now}
	s, _, err := m.Create(t.Context(), NewSession{UserID: "u1"})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{s.ID, s.ID + ".", "." + s.ID, s.ID + "." + s.ID} {
		_, err := m.Authenticate(t.Context(), v)
		wantEnded(t, v, err)
		c.Add(time.Second)
	}
}
