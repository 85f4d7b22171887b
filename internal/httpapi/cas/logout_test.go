package cas

import (
	"bytes"
	"context"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/session"
	"github.com/gatehouse/gatehouse/internal/store/kv/memkv"
	"github.com/gatehouse/gatehouse/internal/testenv"
)

// systemMap is a fake directory of systems.
type systemMap map[string]*domain.System

func (m systemMap) SystemByID(_ context.Context, id string) (*domain.System, error) {
	if s, ok := m[id]; ok {
		return s, nil
	}
	return nil, domain.ErrNotFound
}

// receiver is a CAS service's logout endpoint that fails its first failures requests.
type receiver struct {
	mu       sync.Mutex
	failures int
	posts    []string // the logoutRequest of every successful POST
	attempts int
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.attempts++
	if rc.attempts <= rc.failures {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	if r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		w.WriteHeader(http.StatusUnsupportedMediaType)
		return
	}
	rc.posts = append(rc.posts, r.FormValue("logoutRequest"))
}

func newLog(t *testing.T, clock *testenv.Clock, systems systemMap) *TicketLog {
	kv := memkv.New(memkv.Options{Now: clock.Now})
	t.Cleanup(func() { kv.Close() })
	return &TicketLog{KV: kv, Systems: systems, Now: clock.Now, Sleep: func(time.Duration) {}}
}

func TestTicketLogDeliversWithRetries(t *testing.T) {
	ctx := context.Background()
	clock := testenv.NewClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	flaky := &receiver{failures: 2}
	down := &receiver{failures: 1 << 30}
	a, b := httptest.NewServer(flaky), httptest.NewServer(down)
	defer a.Close()
	defer b.Close()
	log := newLog(t, clock, systemMap{
		"flaky":  {ID: "flaky", LogoutURL: a.URL, Protocols: []string{domain.ProtocolCAS}},
		"down":   {ID: "down", LogoutURL: b.URL},
		"nourl":  {ID: "nourl"},
		"ssoapp": {ID: "ssoapp", LogoutURL: a.URL, Protocols: []string{domain.ProtocolSSO}},
	})
	sess := &session.Session{ID: "s1", UserID: "u1", Username: "jack", CreatedAt: clock.Now(),
		LastSeen: clock.Now(), IdleTTL: time.Hour, AbsoluteExp: clock.Now().Add(8 * time.Hour)}
	for _, r := range [][2]string{{"flaky", "ST-a"}, {"flaky", "ST-b"}, {"down", "ST-c"}, {"nourl", "ST-d"}, {"ssoapp", "ST-e"}, {"gone", "ST-f"}} {
		if err := log.Record(ctx, sess, r[0], r[1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := log.OnEnd(ctx, sess, "logout"); err != nil {
		t.Fatal(err)
	}
	log.Wait()

	var got []string
	for _, p := range flaky.posts {
		var lr struct {
			XMLName      xml.Name `xml:"urn:oasis:names:tc:SAML:2.0:protocol LogoutRequest"`
			NameID       string   `xml:"urn:oasis:names:tc:SAML:2.0:assertion NameID"`
			SessionIndex string   `xml:"urn:oasis:names:tc:SAML:2.0:protocol SessionIndex"`
			Instant      string   `xml:"IssueInstant,attr"`
		}
		if err := xml.Unmarshal([]byte(p), &lr); err != nil {
			t.Fatalf("%v: %s", err, p)
		}
		if lr.NameID != "jack" || lr.Instant != "2026-01-02T03:04:05Z" {
			t.Errorf("logout request %s", p)
		}
		got = append(got, lr.SessionIndex)
	}
	sort.Strings(got)
	if strings.Join(got, ",") != "ST-a,ST-b" {
		t.Errorf("delivered %q, want ST-a and ST-b (the SSO-only system, the one without a URL and the deleted one are not told)", got)
	}
	if down.attempts != DefaultAttempts {
		t.Errorf("the system that stays down was tried %d times, want %d", down.attempts, DefaultAttempts)
	}
	if m, err := log.KV.SetMembers(ctx, ticketsKey("s1")); err != nil || len(m) != 0 {
		t.Errorf("the record outlived the session: %v %v", m, err)
	}
	// A second end (another node, a retry) finds nothing to tell.
	before := flaky.attempts
	if err := log.OnEnd(ctx, sess, "logout"); err != nil {
		t.Fatal(err)
	}
	log.Wait()
	if flaky.attempts != before {
		t.Error("an ended session was told twice")
	}
}

func TestTicketLogFreshness(t *testing.T) {
	ctx := context.Background()
	clock := testenv.NewClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	log := newLog(t, clock, systemMap{})
	sess := &session.Session{ID: "s1", Username: "jack", CreatedAt: clock.Now(), LastSeen: clock.Now(),
		IdleTTL: time.Hour, AbsoluteExp: clock.Now().Add(time.Hour)}
	clock.Add(DefaultFreshWindow)
	if err := log.Record(ctx, sess, "app", "ST-new"); err != nil {
		t.Fatal(err)
	}
	clock.Add(time.Second)
	if err := log.Record(ctx, sess, "app", "ST-sso"); err != nil {
		t.Fatal(err)
	}
	for tk, want := range map[string]bool{"ST-new": true, "ST-sso": false} {
		if got, err := log.TakeFresh(ctx, "s1", tk); err != nil || got != want {
			t.Errorf("%s fresh = %v %v, want %v", tk, got, err, want)
		}
	}
	if got, _ := log.TakeFresh(ctx, "s1", "ST-new"); got {
		t.Error("freshness was told twice")
	}
	// The record expires with the session's absolute limit, which no renewal passes.
	if ttl, err := log.KV.TTL(ctx, ticketsKey("s1")); err != nil || ttl > time.Hour-DefaultFreshWindow {
		t.Errorf("record TTL %v %v", ttl, err)
	}
}

// TestWireFormats compares the service responses and the logout request with golden files.
func TestWireFormats(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	ok := &success{User: "jack", Attributes: attributes{AuthenticationDate: at, IsFromNewLogin: true,
		UserID: "u1", Username: "jack", DisplayName: `Jack <"&">`, Email: "jack@example.com",
		Roles: []string{"EDITOR", "USER"}, Permissions: []string{"app:doc:*", "app:doc:read"}}}
	fail := &failure{codeInvalidTicket, "Ticket 'ST-<x>&]]>' not recognized."}
	log := &TicketLog{Now: func() time.Time { return at }, Rand: bytes.NewReader(make([]byte, 16))}
	log.init()
	lr, err := log.logoutRequest("jack", "ST-abc")
	if err != nil {
		t.Fatal(err)
	}
	for name, write := range map[string]func(http.ResponseWriter){
		"success.xml":    func(w http.ResponseWriter) { writeXML(w, ok, nil) },
		"failure.xml":    func(w http.ResponseWriter) { writeXML(w, nil, fail) },
		"success.json":   func(w http.ResponseWriter) { writeJSON(w, ok, nil) },
		"failure.json":   func(w http.ResponseWriter) { writeJSON(w, nil, fail) },
		"logout_req.xml": func(w http.ResponseWriter) { _, _ = w.Write([]byte(lr + "\n")) },
	} {
		rec := httptest.NewRecorder()
		write(rec)
		golden := "testdata/" + name
		if os.Getenv("UPDATE_GOLDEN") != "" {
			if err := os.WriteFile(golden, rec.Body.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(rec.Body.Bytes(), want) {
			t.Errorf("%s:\n%s\nwant\n%s", name, rec.Body.Bytes(), want)
		}
	}
}
