package adminapi

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gatehouse/gatehouse/internal/auth"
	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/httpapi/authapi"
	"github.com/gatehouse/gatehouse/internal/httpapi/respond"
	"github.com/gatehouse/gatehouse/internal/identity"
	"github.com/gatehouse/gatehouse/internal/session"
)

// revokeReason is why sessions end when an administrator ends them (OnEnd hooks see it).
const revokeReason = "revoked_by_admin"

func (h *Handler) sessionViews(r *http.Request, list []*session.Session) []sessionJSON {
	current := ""
	if p := authapi.PrincipalFrom(r.Context()); p != nil {
		current = p.Session.ID
	}
	out := make([]sessionJSON, len(list))
	for i, s := range list {
		out[i] = sessionView(s, current)
	}
	return out
}

func (h *Handler) userSessions(w http.ResponseWriter, r *http.Request) {
	u, err := h.Identity.UserByID(r.Context(), r.PathValue("id"))
	if err != nil {
		respond.Error(w, r, err)
		return
	}
	list, err := h.Sessions.List(r.Context(), u.ID)
	if err != nil {
		respond.Error(w, r, err)
		return
	}
	respond.OK(w, r, items[sessionJSON]{Items: h.sessionViews(r, list)})
}

type endedAnswer struct {
	Ended int `json:"ended"`
}

// endUserSessions signs the user out everywhere.
func (h *Handler) endUserSessions(w http.ResponseWriter, r *http.Request) {
	u, err := h.Identity.UserByID(r.Context(), r.PathValue("id"))
	if err != nil {
		respond.Error(w, r, err)
		return
	}
	n, err := h.Sessions.EndUser(r.Context(), u.ID, "", revokeReason)
	if n > 0 || err == nil {
		h.recordRevoke(r.Context(), actor(r), u.ID, "", map[string]string{"ended": strconv.Itoa(n), "scope": "all"})
	}
	answer(w, r, endedAnswer{Ended: n}, err)
}

func (h *Handler) listSessions(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r)
	user := q.str("user")
	offset, limit := q.paging()
	if err := q.err(); err != nil {
		respond.Error(w, r, err)
		return
	}
	var list []*session.Session
	var err error
	if user != "" {
		var u *domain.User
		if u, err = h.Identity.User(r.Context(), user); err == nil {
			list, err = h.Sessions.List(r.Context(), u.ID)
		}
	} else {
		list, err = h.liveSessions(r.Context())
	}
	if err != nil {
		respond.Error(w, r, err)
		return
	}
	total := len(list)
	list = list[min(offset, total):min(offset+limit, total)]
	respond.OK(w, r, page[sessionJSON]{Items: h.sessionViews(r, list), Total: total, Offset: offset, Limit: limit})
}

// endSession ends one session, whoever's it is.
func (h *Handler) endSession(w http.ResponseWriter, r *http.Request) {
	sid := r.PathValue("sid")
	s, err := h.Sessions.Get(r.Context(), sid)
	if domain.ErrorCode(err) == domain.CodeSessionExpired {
		respond.Error(w, r, domain.Errorf(domain.CodeNotFound, "no live session %q", sid))
		return
	}
	if err != nil {
		respond.Error(w, r, err)
		return
	}
	if err := h.Sessions.End(r.Context(), sid, revokeReason); err != nil {
		respond.Error(w, r, err)
		return
	}
	h.recordRevoke(r.Context(), actor(r), s.UserID, sid, map[string]string{"scope": "session"})
	respond.OK(w, r, nil)
}

// recordRevoke writes the session.revoke event of an administrator's revocation; a failure
// is logged (the sessions have ended).
func (h *Handler) recordRevoke(ctx context.Context, a identity.Actor, userID, sid string, details map[string]string) {
	details["via"] = a.Via
	e := &domain.AuditEvent{At: h.now(), Type: auth.AuditSessionRevoke, ActorID: a.UserID, SubjectID: userID,
		SessionID: sid, IP: a.IP, UserAgent: a.UserAgent, Outcome: "success", Details: details}
	if err := h.Audit.AppendAudit(ctx, e); err != nil && h.Log != nil {
		h.Log.ErrorContext(ctx, "audit write failed", "type", e.Type, "subject", userID, "err", err)
	}
}
