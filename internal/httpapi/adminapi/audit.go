package adminapi

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/httpapi/respond"
)

// maxTypeLen bounds the type filter: longer than any audit type.
const maxTypeLen = 64

func (h *Handler) listAudit(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r)
	f := domain.AuditFilter{UserID: q.str("user"), Type: q.str("type"), Since: q.time("since"), Until: q.time("until")}
	f.Offset, f.Limit = q.paging()
	if len(f.Type) > maxTypeLen {
		q.p.Add("type", "is longer than %d bytes", maxTypeLen)
	}
	if !f.Since.IsZero() && !f.Until.IsZero() && !f.Since.Before(f.Until) {
		q.p.Add("until", "must be after since")
	}
	if err := q.err(); err != nil {
		respond.Error(w, r, err)
		return
	}
	if f.UserID != "" {
		// A username is taken for its user's id; anything else is matched as an id.
		if u, err := h.Identity.User(r.Context(), f.UserID); err == nil {
			f.UserID = u.ID
		} else if domain.ErrorCode(err) != domain.CodeNotFound {
			respond.Error(w, r, err)
			return
		}
	}
	events, err := h.Audit.ListAudit(r.Context(), f)
	if err != nil {
		respond.Error(w, r, err)
		return
	}
	total, err := h.Reports.CountAudit(r.Context(), f)
	if err != nil {
		respond.Error(w, r, err)
		return
	}
	out := make([]auditJSON, len(events))
	for i := range events {
		out[i] = auditView(&events[i])
	}
	respond.OK(w, r, page[auditJSON]{Items: out, Total: total, Offset: f.Offset, Limit: f.Limit})
}
