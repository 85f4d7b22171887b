package authapi

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/httpapi/respond"
)

// passwordPolicy is GET /api/password-policy: what a new password must satisfy, so that forms
// can show it before the server refuses one. Public: it says nothing about any account.
func (h *Handler) passwordPolicy(w http.ResponseWriter, r *http.Request) {
	p := h.Auth.Policy
	respond.OK(w, r, map[string]any{
		"min_length":      p.MinLength, // characters (code points)
		"max_length":      p.MaxLength, // bytes of UTF-8
		"forbid_username": p.ForbidUsername,
		"forbid_common":   p.ForbidCommon,
	})
}
