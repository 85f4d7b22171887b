package slo

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// samlLogout is a LogoutRequest as a CAS client (gopkg.in/cas.v2) reads it.
type samlLogout struct {
	XMLName      xml.Name `xml:"urn:oasis:names:tc:SAML:2.0:protocol LogoutRequest"`
	ID           string   `xml:"ID,attr"`
	Version      string   `xml:"Version,attr"`
	IssueInstant string   `xml:"IssueInstant,attr"`
	NameID       string   `xml:"urn:oasis:names:tc:SAML:2.0:assertion NameID"`
	SessionIndex string   `xml:"urn:oasis:names:tc:SAML:2.0:protocol SessionIndex"`
}

// casReceiver is a CAS service's logout endpoint: it answers with the status it is told to
// and records every LogoutRequest it took.
type casReceiver struct {
	*endpoint
	got chan samlLogout
}

func newCASReceiver(t testing.TB) *casReceiver {
	r := &casReceiver{got: make(chan samlLogout, 100)}
	r.endpoint = newEndpoint(t, "CAS receiver", r.accept)
	return r
}

func (r *casReceiver) accept(_ http.ResponseWriter, req *http.Request) error {
	lr, err := readLogout(req)
	if err != nil {
		return err
	}
	r.got <- lr
	return nil
}

// readLogout reads a back-channel LogoutRequest as a CAS client does: a form POST (of exactly
// this Content-Type) with the XML in "logoutRequest".
func readLogout(req *http.Request) (samlLogout, error) {
	var lr samlLogout
	if req.Method != http.MethodPost || req.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		return lr, fmt.Errorf("want a form POST, got %s %s", req.Method, req.Header.Get("Content-Type"))
	}
	raw := req.PostFormValue("logoutRequest")
	if err := xml.Unmarshal([]byte(raw), &lr); err != nil {
		return lr, fmt.Errorf("%w: %s", err, raw)
	}
	if req.PostForm.Has("logout_token") {
		return lr, fmt.Errorf("a CAS service was sent a logout token")
	}
	return lr, nil
}

func (f *fixture) addCASSystem(id, logoutURL string) {
	f.tb.Helper()
	now := time.Now()
	if err := f.db.CreateSystem(f.tb.Context(), &domain.System{ID: id, Name: id, LogoutURL: logoutURL,
		Protocols: []string{domain.ProtocolCAS}, CreatedAt: now, UpdatedAt: now}); err != nil {
		f.tb.Fatal(err)
	}
}

func casNotice(sid, ticket string) Notice {
	return Notice{Kind: KindCAS, SID: sid, Subject: "u-1", Reason: "logout", NameID: "jack", SessionIndex: ticket}
}

// A CAS notice reaches the service as a well-formed SAML LogoutRequest naming the user and the
// ticket; a service that is down gets it when it is back, with the ID of the first attempt.
func TestCASNoticeDeliveredAfterTheReceiverComesBack(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		f := newFixture(t, b, nil)
		app := newCASReceiver(t)
		app.setStatus(http.StatusServiceUnavailable)
		f.addCASSystem("app", app.srv.URL)
		f.run()
		if err := f.svc.Enqueue(t.Context(), "app", casNotice("s-1", "ST-1-abc")); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if code := <-app.hits; code != http.StatusServiceUnavailable {
				t.Fatalf("hit answered %d", code)
			}
			f.waitOutcome("app/" + OutcomeRetried)
		}
		if st, err := f.svc.Deliveries(t.Context(), "app"); err != nil || st.Ready+st.Scheduled != 1 || st.Dead != 0 {
			t.Fatalf("while the service is down: %+v, %v", st, err)
		}
		app.setStatus(http.StatusOK)
		lr := <-app.got
		f.waitDelivered("app")
		if lr.NameID != "jack" || lr.SessionIndex != "ST-1-abc" || lr.Version != "2.0" || !strings.HasPrefix(lr.ID, "LR-") {
			t.Fatalf("logout request %+v", lr)
		}
		if at, err := time.Parse(time.RFC3339, lr.IssueInstant); err != nil || time.Since(at) > time.Minute {
			t.Fatalf("IssueInstant %q: %v", lr.IssueInstant, err)
		}
		if st, err := f.svc.Deliveries(t.Context(), "app"); err != nil || st.Ready+st.Scheduled+st.Dead != 0 {
			t.Fatalf("after delivery: %+v, %v", st, err)
		}
	})
}

// Past RetryFor a CAS notice is dead-lettered like any other, and listed as one.
func TestCASNoticeDeadLetterAfterRetryFor(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		f := newFixture(t, b, func(s *Service) {
			s.RetryFor = 150 * time.Millisecond
			s.Metrics = NewMetrics(prometheus.NewRegistry())
		})
		app := newCASReceiver(t)
		app.setStatus(http.StatusBadGateway)
		f.addCASSystem("app", app.srv.URL)
		f.run()
		if err := f.svc.Enqueue(t.Context(), "app", casNotice("s-1", "ST-1-abc")); err != nil {
			t.Fatal(err)
		}
		retries := 0
		for o := range f.outcomes {
			if o == "app/"+OutcomeDead {
				break
			}
			if o != "app/"+OutcomeRetried {
				t.Fatalf("outcome %s", o)
			}
			retries++
		}
		st, err := f.svc.Deliveries(t.Context(), "app")
		if err != nil || st.Dead != 1 || st.Ready+st.Scheduled != 0 || len(st.DeadLetters) != 1 {
			t.Fatalf("status %+v, %v", st, err)
		}
		if dl := st.DeadLetters[0]; dl.SID != "s-1" || dl.Kind != KindCAS || dl.Attempts != retries+1 || !strings.Contains(dl.LastError, "502") {
			t.Fatalf("dead letter %+v after %d retries", dl, retries)
		}
		if n := value(t, f.svc.Metrics.deliveries.WithLabelValues("app", OutcomeDead)); n != 1 {
			t.Fatalf("dead deliveries counted %v", n)
		}
	})
}

// Enqueue refuses a notice that could never be delivered, and counts it as unqueued.
func TestEnqueueRefusesAnIncompleteNotice(t *testing.T) {
	f := newFixture(t, backends[0], func(s *Service) { s.Metrics = NewMetrics(prometheus.NewRegistry()) })
	for _, n := range []Notice{
		{Kind: KindCAS, SID: "s-1", NameID: "jack"},       // no ticket
		{Kind: KindCAS, SID: "s-1", SessionIndex: "ST-1"}, // no user
		{Kind: "saml", SID: "s-1"},
		{Subject: "u-1"}, // no sid
	} {
		if err := f.svc.Enqueue(t.Context(), "app", n); err == nil {
			t.Errorf("%+v was queued", n)
		}
	}
	if n := value(t, f.svc.Metrics.unqueuedC.WithLabelValues("app")); n != 4 {
		t.Fatalf("unqueued counted %v", n)
	}
	if st, err := f.kv.Stats(t.Context(), QueueName("app")); err != nil || st.Ready != 0 {
		t.Fatalf("queue %+v, %v", st, err)
	}
}

// TestLogoutRequestWireFormat compares the LogoutRequest with its golden file.
func TestLogoutRequestWireFormat(t *testing.T) {
	n := casNotice("s-1", "ST-abc")
	n.JTI = "AAAAAAAAAAAAAAAAAAAAAA"
	lr, err := LogoutRequest(n, time.Date(2026, 1, 2, 4, 4, 5, 0, time.FixedZone("CET", 3600)))
	if err != nil {
		t.Fatal(err)
	}
	got := []byte(lr + "\n")
	const golden = "testdata/logout_req.xml"
	if os.Getenv("UPDATE_GOLDEN") != "" {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestCASRedirectCountsAsTaken: a CAS client that ends the session and then redirects (as
// Apache's mod_auth_cas does) has taken the notice; an OpenID receiver's redirect has not.
func TestCASRedirectCountsAsTaken(t *testing.T) {
	f := newFixture(t, backends[0], nil)
	app := newCASReceiver(t)
	app.setStatus(http.StatusFound)
	f.addCASSystem("app", app.srv.URL)
	oidc := newReceiver(t, &f.jwks, "crm")
	oidc.setStatus(http.StatusFound)
	f.addSystem("crm", oidc.srv.URL+"/logout")
	f.run()
	if err := f.svc.Enqueue(t.Context(), "app", casNotice("s-1", "ST-1-abc")); err != nil {
		t.Fatal(err)
	}
	if code := <-app.hits; code != http.StatusFound {
		t.Fatalf("hit answered %d", code)
	}
	f.waitOutcome("app/" + OutcomeDelivered)
	s := f.session("u-1", "crm")
	if err := f.sessions.End(t.Context(), s.ID, "logout"); err != nil {
		t.Fatal(err)
	}
	f.waitOutcome("crm/" + OutcomeRetried)
}
