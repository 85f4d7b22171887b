package authapi

import (
	"net/http"
	"time"

	"github.com/gatehouse/gatehouse/internal/auth"
	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/httpapi/respond"
)

type loginRequest struct {
	Username      string `json:"username"`
	Password      string `json:"password"`
	CaptchaID     string `json:"captcha_id"`
	CaptchaAnswer string `json:"captcha_answer"`
	RememberMe    bool   `json:"remember_me"`
	System        string `json:"system"`
}

// tokenView is the JSON of issued tokens.
type tokenView struct {
	AccessToken  string    `json:"access_token"`
	TokenType    string    `json:"token_type"`
	ExpiresIn    int       `json:"expires_in"`
	ExpiresAt    time.Time `json:"expires_at"`
	RefreshToken string    `json:"refresh_token,omitempty"`
	Audience     []string  `json:"audience"`
	Roles        []string  `json:"roles,omitempty"`
}

func (h *Handler) tokenView(t auth.Tokens, withRefresh bool) tokenView {
	v := tokenView{AccessToken: t.AccessToken, TokenType: "Bearer", ExpiresAt: t.AccessExpiresAt,
		ExpiresIn: int(t.AccessExpiresAt.Sub(h.Now()).Round(time.Second) / time.Second), Audience: t.Audience, Roles: t.Roles}
	if withRefresh {
		v.RefreshToken = t.RefreshToken
	}
	return v
}

func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	var req loginRequest
	if err := respond.DecodeJSON(w, r, &req); err != nil {
		respond.Error(w, r, err)
		return
	}
	c := h.client(r)
	if c.DeviceID == "" {
		c.DeviceID = newDeviceID()
	}
	res, err := h.Auth.Login(r.Context(), auth.LoginRequest{
		Username: req.Username, Password: req.Password, CaptchaID: req.CaptchaID, CaptchaAnswer: req.CaptchaAnswer,
		Remember: req.RememberMe, System: req.System, Client: c,
	})
	if err != nil {
		respond.Error(w, r, err)
		return
	}
	s := res.Session
	var sessionAge time.Duration // a browser-session cookie unless remembered
	if s.Remember {
		sessionAge = s.AbsoluteExp.Sub(h.Now())
	}
	h.Cookies.setSession(w, r, res.Cookie, sessionAge)
	setCookie(w, r, refreshCookieName(r), res.Tokens.RefreshToken, refreshPath, h.RefreshTTL)
	setCookie(w, r, deviceCookieName(r), s.DeviceID, "/", deviceMaxAge)
	system := req.System
	if system == "" {
		system = domain.CenterSystemID
	}
	eff := res.Identity.Effective(system)
	respond.OK(w, r, map[string]any{
		"token":       h.tokenView(res.Tokens, h.RefreshInBody),
		"session":     SessionView(s, s.ID),
		"user":        UserView(&res.Identity.User),
		"system":      system,
		"roles":       nonNil(eff.Roles),
		"permissions": nonNil(eff.Permissions.Codes()),
	})
}

type refreshRequest struct {
	RefreshToken string `json:"refresh_token"`
}

func (h *Handler) refresh(w http.ResponseWriter, r *http.Request) {
	tok, fromBody := cookieValue(r, refreshCookieName(r)), false
	if r.ContentLength != 0 {
		var req refreshRequest
		if err := respond.DecodeJSON(w, r, &req); err != nil {
			respond.Error(w, r, err)
			return
		}
		if req.RefreshToken != "" {
			tok, fromBody = req.RefreshToken, true
		}
	}
	if tok == "" {
		respond.Error(w, r, domain.Errorf(domain.CodeUnauthenticated, "no refresh token: send the refresh cookie or refresh_token"))
		return
	}
	t, err := h.Auth.RefreshTokens(r.Context(), tok, h.client(r))
	if err != nil {
		if !fromBody && domain.ErrorCode(err) != domain.CodeUnavailable {
			setCookie(w, r, refreshCookieName(r), "", refreshPath, -1)
		}
		respond.Error(w, r, err)
		return
	}
	if !fromBody {
		setCookie(w, r, refreshCookieName(r), t.RefreshToken, refreshPath, h.RefreshTTL)
	}
	respond.OK(w, r, map[string]any{"token": h.tokenView(t, fromBody || h.RefreshInBody)})
}

// logout ends the session of the request's credentials and clears the cookies. It is
// idempotent: without a live session it only clears the cookies.
func (h *Handler) logout(w http.ResponseWriter, r *http.Request) {
	p, err := h.authenticate(r)
	if err == nil && p != nil {
		if err := h.Auth.Logout(r.Context(), p, h.client(r)); err != nil {
			respond.Error(w, r, err)
			return
		}
	}
	h.Cookies.clear(w, r)
	respond.OK(w, r, map[string]any{"signed_out": p != nil})
}
