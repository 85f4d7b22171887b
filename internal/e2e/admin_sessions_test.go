package e2e

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// TestAdminSessions: live sessions of every user are listed (newest first, paged, by user),
// and ended one at a time or all of a user's at once, each revocation audited.
func TestAdminSessions(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			s := startServer(t, b, nil)
			admin, adminLogin := s.adminClient(t)
			jack1 := s.client("203.0.113.1", "jack-laptop")
			j1 := jack1.mustLogin("jack", "jack123", nil)
			jack2 := s.client("203.0.113.2", "jack-phone")
			j2 := jack2.mustLogin("jack", "jack123", nil)
			danny := s.client("203.0.113.3", "danny-laptop")
			d := danny.mustLogin("danny", "danny123", nil)
			if err := s.Auth.Sessions.Join(context.Background(), j1.Session.ID, "demo"); err != nil {
				t.Fatal(err)
			}

			all := get[adminPage[adminSession]](t, admin, "/api/admin/sessions")
			if all.Total != 4 || len(all.Items) != 4 {
				t.Fatalf("live sessions: %+v", all)
			}
			var ids []string
			for _, x := range all.Items {
				ids = append(ids, x.ID)
				if x.ID == adminLogin.Session.ID != x.Current {
					t.Errorf("current flag of %s: %v", x.ID, x.Current)
				}
				if x.ID == j1.Session.ID && (!slices.Equal(x.Systems, []string{"demo"}) || x.Username != "jack" || x.UserID != j1.User.ID) {
					t.Errorf("jack's first session: %+v", x)
				}
			}
			if !slices.Equal(ids, []string{d.Session.ID, j2.Session.ID, j1.Session.ID, adminLogin.Session.ID}) {
				t.Errorf("order: %v", ids)
			}
			p := get[adminPage[adminSession]](t, admin, "/api/admin/sessions?offset=1&limit=2")
			if p.Total != 4 || len(p.Items) != 2 || p.Items[0].ID != j2.Session.ID || p.Offset != 1 || p.Limit != 2 {
				t.Errorf("page 2 of 2: %+v", p)
			}
			if p := get[adminPage[adminSession]](t, admin, "/api/admin/sessions?offset=10"); p.Total != 4 || len(p.Items) != 0 {
				t.Errorf("past the end: %+v", p)
			}
			for _, who := range []string{"jack", "JACK", j1.User.ID} {
				if p := get[adminPage[adminSession]](t, admin, "/api/admin/sessions?user="+who); p.Total != 2 {
					t.Errorf("sessions of %s: %+v", who, p)
				}
			}
			expect(t, admin.do("GET", "/api/admin/sessions?user=nobody", nil), 404, codeNotFound, "sessions of an unknown user")

			expect(t, admin.do("DELETE", "/api/admin/sessions/"+j1.Session.ID, nil), 200, 0, "end jack's first session")
			expect(t, jack1.do("GET", "/api/me", nil), 401, codeSessionEnded, "jack's first session")
			expect(t, jack2.do("GET", "/api/me", nil), 200, 0, "jack's second session")
			expect(t, admin.do("DELETE", "/api/admin/sessions/"+j1.Session.ID, nil), 404, codeNotFound, "end it again")
			expect(t, admin.do("DELETE", "/api/admin/sessions/not-a-session-id", nil), 404, codeNotFound, "a malformed id")

			e := admin.do("DELETE", "/api/admin/users/"+d.User.ID+"/sessions", nil)
			expect(t, e, 200, 0, "sign danny out everywhere")
			if string(e.Data) != `{"ended":1}` {
				t.Errorf("answer: %s", e.Data)
			}
			expect(t, danny.do("GET", "/api/me", nil), 401, codeSessionEnded, "danny's session")
			if l := get[struct{ Items []adminSession }](t, admin, "/api/admin/users/"+j1.User.ID+"/sessions"); len(l.Items) != 1 || l.Items[0].ID != j2.Session.ID {
				t.Errorf("jack's sessions: %+v", l)
			}
			if p := get[adminPage[adminSession]](t, admin, "/api/admin/sessions"); p.Total != 2 {
				t.Errorf("live sessions at the end: %+v", p)
			}

			revokes := get[adminPage[adminAudit]](t, admin, "/api/admin/audit?type=session.revoke")
			if revokes.Total != 2 {
				t.Fatalf("session.revoke events: %+v", revokes)
			}
			for _, ev := range revokes.Items {
				if ev.ActorID != adminLogin.User.ID {
					t.Errorf("revocation by %q", ev.ActorID)
				}
			}
		})
	}
}

// TestAdminAuditAndStats: the audit log filters by user, type (exact or prefix) and time,
// pages with a total; the statistics count sign-ins, failures and locks per hour or day.
func TestAdminAuditAndStats(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			s := startServer(t, b, nil)
			admin, _ := s.adminClient(t)
			s.client("203.0.113.1", "jack").mustLogin("jack", "jack123", nil)
			e, _ := s.client("203.0.113.1", "jack").login("jack", "wrong-password", nil)
			expect(t, e, 401, codeBadCredentials, "wrong password")

			now := time.Now().UTC()
			past := []struct {
				typ string
				ago time.Duration
			}{
				{"login.locked", 2 * time.Hour}, {"login.failure", 2 * time.Hour}, {"login.success", 3 * 24 * time.Hour},
				{"login.success", 20 * 24 * time.Hour}, {"login.success", 40 * 24 * time.Hour},
			}
			for _, p := range past {
				ev := &domain.AuditEvent{At: now.Add(-p.ago), Type: p.typ, Outcome: "failure", Details: map[string]string{"username": "x"}}
				if err := s.SQL.AppendAudit(context.Background(), ev); err != nil {
					t.Fatal(err)
				}
			}

			type bucket struct {
				Start    time.Time
				Logins   int
				Failures int
				Locks    int
			}
			type stats struct {
				Range   string
				Bucket  string
				Buckets []bucket
				Totals  struct {
					Users        int `json:"users"`
					Systems      int `json:"systems"`
					LiveSessions int `json:"live_sessions"`
				}
			}
			sum := func(st stats) (l, f, k int) {
				for _, b := range st.Buckets {
					l, f, k = l+b.Logins, f+b.Failures, k+b.Locks
				}
				return
			}
			day := get[stats](t, admin, "/api/admin/stats")
			if day.Range != "24h" || day.Bucket != "hour" || len(day.Buckets) != 24 {
				t.Fatalf("24h: %+v", day)
			}
			for i, b := range day.Buckets {
				if i > 0 && !b.Start.Equal(day.Buckets[i-1].Start.Add(time.Hour)) || b.Start.Minute() != 0 || b.Start.Second() != 0 {
					t.Fatalf("bucket %d starts %v", i, b.Start)
				}
			}
			if l, f, k := sum(day); l != 2 || f != 2 || k != 1 {
				t.Errorf("24h sums: logins %d failures %d locks %d; want 2 2 1", l, f, k)
			}
			// The lock two hours ago is in the bucket that holds its time.
			at := now.Add(-2 * time.Hour)
			for _, b := range day.Buckets {
				if !at.Before(b.Start) && at.Before(b.Start.Add(time.Hour)) && b.Locks != 1 {
					t.Errorf("bucket of the lock: %+v", b)
				}
			}
			if day.Totals.Users != 4 || day.Totals.Systems != 2 || day.Totals.LiveSessions != 2 {
				t.Errorf("totals: %+v", day.Totals)
			}
			week := get[stats](t, admin, "/api/admin/stats?range=7d")
			if l, _, _ := sum(week); len(week.Buckets) != 7 || week.Bucket != "day" || l != 3 || week.Buckets[6].Start.Hour() != 0 {
				t.Errorf("7d: %+v", week)
			}
			month := get[stats](t, admin, "/api/admin/stats?range=30d")
			if l, _, _ := sum(month); len(month.Buckets) != 30 || l != 4 {
				t.Errorf("30d: %d buckets, %d logins", len(month.Buckets), l)
			}

			// Audit filters.
			logins := get[adminPage[adminAudit]](t, admin, "/api/admin/audit?type=login.")
			if logins.Total != 8 { // admin and jack signing in, jack failing, and the five written above
				t.Errorf("login.* events: %d (%v)", logins.Total, auditTypes(logins.Items))
			}
			jack := get[adminPage[adminAudit]](t, admin, "/api/admin/audit?user=jack&type=login.success")
			if jack.Total != 1 {
				t.Errorf("jack's sign-ins: %+v", jack)
			}
			since := now.Add(-3 * time.Hour).Format(time.RFC3339)
			until := now.Add(-time.Hour).Format(time.RFC3339)
			window := get[adminPage[adminAudit]](t, admin, "/api/admin/audit?since="+since+"&until="+until)
			if !slices.Equal(auditTypes(window.Items), []string{"login.failure", "login.locked"}) &&
				!slices.Equal(auditTypes(window.Items), []string{"login.locked", "login.failure"}) {
				t.Errorf("window: %v", auditTypes(window.Items))
			}
			all := get[adminPage[adminAudit]](t, admin, "/api/admin/audit")
			seen := map[int64]bool{}
			for off := 0; off < all.Total; off += 3 {
				pg := get[adminPage[adminAudit]](t, admin, fmt.Sprintf("/api/admin/audit?offset=%d&limit=3", off))
				for _, ev := range pg.Items {
					if seen[ev.ID] {
						t.Errorf("event %d on two pages", ev.ID)
					}
					seen[ev.ID] = true
				}
			}
			if len(seen) != all.Total {
				t.Errorf("paged through %d events of %d", len(seen), all.Total)
			}
		})
	}
}
