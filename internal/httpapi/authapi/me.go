package authapi

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/httpapi/respond"
	"github.com/gatehouse/gatehouse/internal/session"
)

// UserJSON is how the native API shows a user to that user (and, with more, to the admin API).
type UserJSON struct {
	ID          string `json:"id"`
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Email       string `json:"email,omitempty"`
	Status      string `json:"status"`
}

// UserView shows u.
func UserView(u *domain.User) UserJSON {
	return UserJSON{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Email: u.Email, Status: string(u.Status)}
}

// SessionJSON is how the native API shows a session; Current marks the caller's own.
type SessionJSON struct {
	ID        string    `json:"id"`
	DeviceID  string    `json:"device_id"`
	IP        string    `json:"ip"`
	UserAgent string    `json:"user_agent"`
	CreatedAt time.Time `json:"created_at"`
	LastSeen  time.Time `json:"last_seen"`
	ExpiresAt time.Time `json:"expires_at"`
	Remember  bool      `json:"remember_me"`
	Systems   []string  `json:"systems"`
	Current   bool      `json:"current"`
}

// SessionView shows s; current is the id of the caller's session.
func SessionView(s *session.Session, current string) SessionJSON {
	return SessionJSON{ID: s.ID, DeviceID: s.DeviceID, IP: s.IP, UserAgent: s.UserAgent, CreatedAt: s.CreatedAt,
		LastSeen: s.LastSeen, ExpiresAt: s.ExpiresAt(), Remember: s.Remember, Systems: nonNil(s.Systems), Current: s.ID == current}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func newDeviceID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (h *Handler) me(w http.ResponseWriter, r *http.Request) {
	p := PrincipalFrom(r.Context())
	system := r.URL.Query().Get("system")
	if system == "" {
		system = domain.CenterSystemID
	} else if !domain.ValidSystemID(system) {
		respond.Error(w, r, domain.Errorf(domain.CodeInvalidInput, "system is not a valid system id"))
		return
	}
	eff := p.Effective(system)
	respond.OK(w, r, meJSON{
		User: UserView(&p.Identity.User), System: system, Roles: nonNil(eff.Roles),
		Permissions: nonNil(eff.Permissions.Codes()), Session: SessionView(p.Session, p.Session.ID),
	})
}

// meJSON is the answer of GET /api/me (and the user part of a sign-in).
type meJSON struct {
	User        UserJSON    `json:"user"`
	System      string      `json:"system"`
	Roles       []string    `json:"roles"`
	Permissions []string    `json:"permissions"`
	Session     SessionJSON `json:"session"`
}

type passwordRequest struct {
	OldPassword string `json:"old_password"`
	NewPassword string `json:"new_password"`
}

func (h *Handler) changePassword(w http.ResponseWriter, r *http.Request) {
	var req passwordRequest
	if err := respond.DecodeJSON(w, r, &req); err != nil {
		respond.Error(w, r, err)
		return
	}
	p := PrincipalFrom(r.Context())
	if err := h.Auth.ChangePassword(r.Context(), p, req.OldPassword, req.NewPassword, h.client(r)); err != nil {
		respond.Error(w, r, err)
		return
	}
	respond.OK(w, r, map[string]any{"changed": true})
}

func (h *Handler) sessions(w http.ResponseWriter, r *http.Request) {
	p := PrincipalFrom(r.Context())
	list, err := h.Auth.MySessions(r.Context(), p)
	if err != nil {
		respond.Error(w, r, err)
		return
	}
	out := make([]SessionJSON, len(list))
	for i, s := range list {
		out[i] = SessionView(s, p.Session.ID)
	}
	respond.OK(w, r, map[string]any{"sessions": out})
}

func (h *Handler) revokeSession(w http.ResponseWriter, r *http.Request) {
	p := PrincipalFrom(r.Context())
	sid := r.PathValue("sid")
	if err := h.Auth.RevokeMySession(r.Context(), p, sid, h.client(r)); err != nil {
		respond.Error(w, r, err)
		return
	}
	if sid == p.Session.ID {
		h.Cookies.clear(w, r)
	}
	respond.OK(w, r, map[string]any{"revoked": sid})
}

func (h *Handler) revokeOtherSessions(w http.ResponseWriter, r *http.Request) {
	n, err := h.Auth.RevokeMyOtherSessions(r.Context(), PrincipalFrom(r.Context()), h.client(r))
	if err != nil {
		respond.Error(w, r, err)
		return
	}
	respond.OK(w, r, map[string]any{"revoked": n})
}
