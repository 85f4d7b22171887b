package ssoapi

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/httpapi/respond"
	"github.com/gatehouse/gatehouse/internal/sso"
)

type userJSON struct {
	ID          string `json:"id"`
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Email       string `json:"email"`
	Status      string `json:"status"`
}

func userView(u *domain.User) userJSON {
	return userJSON{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Email: u.Email, Status: string(u.Status)}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

type validateRequest struct {
	Ticket       string `json:"ticket"`
	RedirectURI  string `json:"redirect_uri"`
	CodeVerifier string `json:"code_verifier"`
}

// validateJSON is the answer of POST /sso/validate.
type validateJSON struct {
	User             userJSON  `json:"user"`
	System           string    `json:"system"`
	Roles            []string  `json:"roles"`
	Permissions      []string  `json:"permissions"`
	SID              string    `json:"sid"`
	SessionExpiresAt time.Time `json:"session_expires_at"`
	AccessToken      string    `json:"access_token"`
	TokenType        string    `json:"token_type"`
	ExpiresIn        int       `json:"expires_in"`
	RefreshToken     string    `json:"refresh_token,omitempty"`
}

// validate redeems a ticket for the authenticated system.
func (h *Handler) validate(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	sys, ok := h.system(w, r)
	if !ok {
		return
	}
	var req validateRequest
	if err := respond.DecodeJSON(w, r, &req); err != nil {
		respond.Error(w, r, err)
		return
	}
	if !sys.AllowsProtocol(domain.ProtocolSSO) {
		respond.Error(w, r, domain.Errorf(domain.CodeForbidden, "the system %s may not sign in through sso", sys.ID))
		return
	}
	res, err := h.SSO.Redeem(r.Context(), sso.RedeemRequest{Kind: sso.KindSSO, SystemID: sys.ID, Ticket: req.Ticket,
		RedirectURI: req.RedirectURI, CodeVerifier: req.CodeVerifier, Client: client(r)})
	if err != nil {
		respond.Error(w, r, err)
		return
	}
	t := res.Tokens
	respond.OK(w, r, validateJSON{
		User: userView(&res.User), System: sys.ID, Roles: nonNil(res.Effective.Roles),
		Permissions: nonNil(res.Effective.Permissions.Codes()), SID: res.Session.ID,
		SessionExpiresAt: res.Session.ExpiresAt().UTC(), AccessToken: t.AccessToken, TokenType: "Bearer",
		ExpiresIn: int(t.AccessExpiresAt.Sub(h.Now()).Round(time.Second) / time.Second), RefreshToken: t.RefreshToken,
	})
}

// userinfoJSON is the answer of GET /sso/userinfo. It leaves out the session's expiry, which
// moves with every renewal, so that its ETag changes only when the user, their roles or
// permissions do.
type userinfoJSON struct {
	User        userJSON `json:"user"`
	System      string   `json:"system"`
	Roles       []string `json:"roles"`
	Permissions []string `json:"permissions"`
	SID         string   `json:"sid"`
}

// userinfo answers a sub-system's bearer token (RFC 6750 §2.1) with the user document and an
// ETag over it; If-None-Match that matches gets 304 (RFC 9110 §13.1.2, weak comparison).
func (h *Handler) userinfo(w http.ResponseWriter, r *http.Request) {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		respond.Error(w, r, domain.Errorf(domain.CodeUnauthenticated, "send the system's access token as 'Authorization: Bearer <token>'"))
		return
	}
	info, err := h.SSO.UserInfo(r.Context(), strings.TrimSpace(tok))
	if err != nil {
		respond.Error(w, r, err)
		return
	}
	doc := userinfoJSON{User: userView(&info.User), System: info.SystemID, Roles: nonNil(info.Effective.Roles),
		Permissions: nonNil(info.Effective.Permissions.Codes()), SID: info.SessionID}
	body, err := json.Marshal(doc)
	if err != nil {
		respond.Error(w, r, err)
		return
	}
	sum := sha256.Sum256(body)
	etag := `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
	hd := w.Header()
	hd.Set("ETag", etag)
	hd.Set("Cache-Control", "private, no-cache")
	hd.Set("Vary", "Authorization")
	if etagMatches(r.Header.Values("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	respond.OK(w, r, doc)
}

// etagMatches applies If-None-Match: "*" or any listed tag equal to etag under the weak
// comparison (RFC 9110 §13.1.2 and §8.8.3.2: a W/ prefix is ignored).
func etagMatches(headers []string, etag string) bool {
	for _, h := range headers {
		for _, t := range strings.Split(h, ",") {
			t = strings.TrimSpace(t)
			if t == "*" || strings.TrimPrefix(t, "W/") == etag {
				return true
			}
		}
	}
	return false
}

// user answers GET /sso/users/{id} for a system's server.
func (h *Handler) user(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	sys, ok := h.system(w, r)
	if !ok {
		return
	}
	u, err := h.SSO.User(r.Context(), sys.ID, r.PathValue("id"))
	if err != nil {
		respond.Error(w, r, err)
		return
	}
	respond.OK(w, r, userView(u))
}

type touchRequest struct {
	SID string `json:"sid"`
}

type touchJSON struct {
	Alive     bool       `json:"alive"`
	ExpiresAt *time.Time `json:"expires_at"`
}

// touch renews the global session from a sub-system in active use.
func (h *Handler) touch(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	sys, ok := h.system(w, r)
	if !ok {
		return
	}
	var req touchRequest
	if err := respond.DecodeJSON(w, r, &req); err != nil {
		respond.Error(w, r, err)
		return
	}
	if req.SID == "" || len(req.SID) > 128 {
		respond.Error(w, r, &domain.Error{Code: domain.CodeInvalidInput, Message: "invalid input",
			Fields: []domain.FieldError{{Field: "sid", Problem: "is required"}}})
		return
	}
	alive, exp, err := h.SSO.Touch(r.Context(), sys.ID, req.SID)
	if err != nil {
		respond.Error(w, r, err)
		return
	}
	out := touchJSON{Alive: alive}
	if alive {
		e := exp.UTC()
		out.ExpiresAt = &e
	}
	respond.OK(w, r, out)
}

type refreshRequest struct {
	RefreshToken string `json:"refresh_token"`
}

type refreshJSON struct {
	AccessToken  string   `json:"access_token"`
	TokenType    string   `json:"token_type"`
	ExpiresIn    int      `json:"expires_in"`
	RefreshToken string   `json:"refresh_token"`
	Roles        []string `json:"roles"`
	Permissions  []string `json:"permissions"`
	SID          string   `json:"sid"`
}

// refresh rotates a system's refresh token into a new pair whose access token is, again, for
// that system alone.
func (h *Handler) refresh(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	sys, ok := h.system(w, r)
	if !ok {
		return
	}
	var req refreshRequest
	if err := respond.DecodeJSON(w, r, &req); err != nil {
		respond.Error(w, r, err)
		return
	}
	res, err := h.SSO.RefreshTokens(r.Context(), sys.ID, req.RefreshToken, client(r))
	if err != nil {
		respond.Error(w, r, err)
		return
	}
	t := res.Tokens
	respond.OK(w, r, refreshJSON{AccessToken: t.AccessToken, TokenType: "Bearer",
		ExpiresIn: int(t.AccessExpiresAt.Sub(h.Now()).Round(time.Second) / time.Second), RefreshToken: t.RefreshToken,
		Roles: nonNil(res.Effective.Roles), Permissions: nonNil(res.Effective.Permissions.Codes()), SID: res.SessionID})
}
