package adminapi

import (
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/httpapi/authapi"
	"github.com/gatehouse/gatehouse/internal/session"
)

// userJSON is a user as the admin API shows it: the native view plus its history.
type userJSON struct {
	authapi.UserJSON
	CreatedAt         time.Time  `json:"created_at"`
	UpdatedAt         time.Time  `json:"updated_at"`
	PasswordChangedAt *time.Time `json:"password_changed_at"`
	Version           int64      `json:"version"`
}

func userView(u *domain.User) userJSON {
	v := userJSON{UserJSON: authapi.UserView(u), CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt, Version: u.Version}
	if !u.PasswordChangedAt.IsZero() {
		t := u.PasswordChangedAt
		v.PasswordChangedAt = &t
	}
	return v
}

type grantJSON struct {
	RoleID      string   `json:"role_id"`
	System      string   `json:"system"`
	Role        string   `json:"role"`
	Permissions []string `json:"permissions"`
}

func grantViews(gs []domain.Grant) []grantJSON {
	out := make([]grantJSON, len(gs))
	for i, g := range gs {
		out[i] = grantJSON{RoleID: g.Role.ID, System: g.Role.SystemID, Role: g.Role.Name, Permissions: nonNil(g.Role.Permissions)}
	}
	return out
}

// oidcJSON shows a system's OpenID Connect settings with every member present; empty lists
// mean the defaults (see domain.OIDCClient).
type oidcJSON struct {
	Public                 bool     `json:"public"`
	GrantTypes             []string `json:"grant_types"`
	Scopes                 []string `json:"scopes"`
	IDTokenAlg             string   `json:"id_token_alg"`
	PostLogoutRedirectURIs []string `json:"post_logout_redirect_uris"`
}

type systemJSON struct {
	ID           string    `json:"id"`
	Name         string    `json:"name"`
	RedirectURIs []string  `json:"redirect_uris"`
	LogoutURL    string    `json:"logout_url"`
	Protocols    []string  `json:"protocols"`
	OIDC         oidcJSON  `json:"oidc"`
	HasSecret    bool      `json:"has_secret"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

func systemView(s *domain.System) systemJSON {
	alg := s.OIDC.IDTokenAlg
	if alg == "" {
		alg = domain.AlgEdDSA
	}
	return systemJSON{
		ID: s.ID, Name: s.Name, RedirectURIs: nonNil(s.RedirectURIs), LogoutURL: s.LogoutURL,
		Protocols: nonNil(s.Protocols), HasSecret: len(s.SecretHash) > 0, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt,
		OIDC: oidcJSON{Public: s.OIDC.Public, GrantTypes: nonNil(s.OIDC.GrantTypes), Scopes: nonNil(s.OIDC.Scopes),
			IDTokenAlg: alg, PostLogoutRedirectURIs: nonNil(s.OIDC.PostLogoutRedirectURIs)},
	}
}

type roleJSON struct {
	ID          string    `json:"id"`
	System      string    `json:"system"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Permissions []string  `json:"permissions"`
	CreatedAt   time.Time `json:"created_at"`
}

func roleView(r *domain.Role) roleJSON {
	return roleJSON{ID: r.ID, System: r.SystemID, Name: r.Name, Description: r.Description,
		Permissions: nonNil(r.Permissions), CreatedAt: r.CreatedAt}
}

// sessionJSON is a session as the account page shows it, plus whose it is. Current marks
// the administrator's own session.
type sessionJSON struct {
	authapi.SessionJSON
	UserID   string `json:"user_id"`
	Username string `json:"username"`
}

func sessionView(s *session.Session, current string) sessionJSON {
	return sessionJSON{SessionJSON: authapi.SessionView(s, current), UserID: s.UserID, Username: s.Username}
}

type auditJSON struct {
	ID        int64             `json:"id"`
	Time      time.Time         `json:"time"`
	Type      string            `json:"type"`
	ActorID   string            `json:"actor_id"`
	SubjectID string            `json:"subject_id"`
	System    string            `json:"system"`
	SessionID string            `json:"session_id"`
	IP        string            `json:"ip"`
	UserAgent string            `json:"user_agent"`
	Outcome   string            `json:"outcome"`
	Reason    string            `json:"reason"`
	Details   map[string]string `json:"details"`
}

func auditView(e *domain.AuditEvent) auditJSON {
	d := e.Details
	if d == nil {
		d = map[string]string{}
	}
	return auditJSON{ID: e.ID, Time: e.At, Type: e.Type, ActorID: e.ActorID, SubjectID: e.SubjectID,
		System: e.SystemID, SessionID: e.SessionID, IP: e.IP, UserAgent: e.UserAgent, Outcome: e.Outcome,
		Reason: e.Reason, Details: d}
}
