package adminapi

import (
	"context"
	"net/http"
	"time"

	"github.com/gatehouse/gatehouse/internal/auth"
	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/httpapi/respond"
)

// statsRange is a dashboard period: how many buckets of which length, ending with the current.
type statsRange struct {
	bucket time.Duration
	count  int
}

var statsRanges = map[string]statsRange{
	"24h": {time.Hour, 24},
	"7d":  {24 * time.Hour, 7},
	"30d": {24 * time.Hour, 30},
}

type bucketJSON struct {
	Start    time.Time `json:"start"`
	Logins   int       `json:"logins"`
	Failures int       `json:"failures"`
	Locks    int       `json:"locks"`
}

type totalsJSON struct {
	Users        int `json:"users"`
	Systems      int `json:"systems"`
	LiveSessions int `json:"live_sessions"`
}

type statsJSON struct {
	Range   string       `json:"range"`
	Bucket  string       `json:"bucket"` // "hour" or "day"
	Buckets []bucketJSON `json:"buckets"`
	Totals  totalsJSON   `json:"totals"`
}

func (h *Handler) stats(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r)
	name := q.str("range")
	if name == "" {
		name = "24h"
	}
	rg, ok := statsRanges[name]
	if !ok {
		q.p.Add("range", "must be 24h, 7d or 30d")
	}
	if err := q.err(); err != nil {
		respond.Error(w, r, err)
		return
	}
	out, err := h.computeStats(r.Context(), rg)
	if err != nil {
		respond.Error(w, r, err)
		return
	}
	out.Range = name
	respond.OK(w, r, out)
}

// computeStats counts sign-ins, failures and locks per bucket (UTC hours or days, the last
// one being the current, partial one) in SQL, and the totals.
func (h *Handler) computeStats(ctx context.Context, rg statsRange) (*statsJSON, error) {
	first := h.now().UTC().Truncate(rg.bucket).Add(-time.Duration(rg.count-1) * rg.bucket)
	counts, err := h.Reports.AuditCounts(ctx,
		[]string{auth.AuditLoginSuccess, auth.AuditLoginFailure, auth.AuditLoginLocked}, first, rg.bucket)
	if err != nil {
		return nil, err
	}
	out := &statsJSON{Bucket: "hour", Buckets: make([]bucketJSON, rg.count)}
	if rg.bucket == 24*time.Hour {
		out.Bucket = "day"
	}
	for i := range out.Buckets {
		out.Buckets[i].Start = first.Add(time.Duration(i) * rg.bucket)
	}
	for _, c := range counts {
		i := int(c.Start.Sub(first) / rg.bucket)
		if i < 0 || i >= rg.count {
			continue // a clock running ahead of the database's
		}
		switch c.Type {
		case auth.AuditLoginSuccess:
			out.Buckets[i].Logins += c.Count
		case auth.AuditLoginFailure:
			out.Buckets[i].Failures += c.Count
		case auth.AuditLoginLocked:
			out.Buckets[i].Locks += c.Count
		}
	}
	if _, out.Totals.Users, err = h.Identity.ListUsers(ctx, domain.UserFilter{Limit: 1}); err != nil {
		return nil, err
	}
	systems, err := h.Identity.ListSystems(ctx)
	if err != nil {
		return nil, err
	}
	out.Totals.Systems = len(systems)
	live, err := h.liveSessions(ctx)
	if err != nil {
		return nil, err
	}
	out.Totals.LiveSessions = len(live)
	return out, nil
}
