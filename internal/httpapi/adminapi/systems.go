package adminapi

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/httpapi/respond"
	"github.com/gatehouse/gatehouse/internal/identity"
)

func (h *Handler) listSystems(w http.ResponseWriter, r *http.Request) {
	list, err := h.Identity.ListSystems(r.Context())
	if err != nil {
		respond.Error(w, r, err)
		return
	}
	out := make([]systemJSON, len(list))
	for i, s := range list {
		out[i] = systemView(s)
	}
	respond.OK(w, r, items[systemJSON]{Items: out})
}

type createSystemRequest struct {
	ID           string            `json:"id"`
	Name         string            `json:"name"`
	RedirectURIs []string          `json:"redirect_uris"`
	LogoutURL    string            `json:"logout_url"`
	Protocols    []string          `json:"protocols"`
	OIDC         domain.OIDCClient `json:"oidc"`
}

type createdSystem struct {
	System systemJSON `json:"system"`
	Secret string     `json:"secret,omitempty"`
}

func (h *Handler) createSystem(w http.ResponseWriter, r *http.Request) {
	var req createSystemRequest
	if err := respond.DecodeJSON(w, r, &req); err != nil {
		respond.Error(w, r, err)
		return
	}
	sys := &domain.System{ID: req.ID, Name: req.Name, RedirectURIs: req.RedirectURIs, LogoutURL: req.LogoutURL,
		Protocols: req.Protocols, OIDC: req.OIDC}
	secret, err := h.Identity.CreateSystem(r.Context(), actor(r), sys)
	if err != nil {
		respond.Error(w, r, err)
		return
	}
	respond.Created(w, r, createdSystem{System: systemView(sys), Secret: secret})
}

func (h *Handler) getSystem(w http.ResponseWriter, r *http.Request) {
	sys, err := h.Identity.System(r.Context(), r.PathValue("id"))
	if err != nil {
		respond.Error(w, r, err)
		return
	}
	respond.OK(w, r, systemView(sys))
}

type patchSystemRequest struct {
	Name         *string            `json:"name"`
	RedirectURIs *[]string          `json:"redirect_uris"`
	LogoutURL    *string            `json:"logout_url"`
	Protocols    *[]string          `json:"protocols"`
	OIDC         *domain.OIDCClient `json:"oidc"`
}

func (h *Handler) patchSystem(w http.ResponseWriter, r *http.Request) {
	var req patchSystemRequest
	if err := respond.DecodeJSON(w, r, &req); err != nil {
		respond.Error(w, r, err)
		return
	}
	sys, err := h.Identity.UpdateSystem(r.Context(), actor(r), r.PathValue("id"), identity.SystemPatch{
		Name: req.Name, RedirectURIs: req.RedirectURIs, LogoutURL: req.LogoutURL, Protocols: req.Protocols, OIDC: req.OIDC,
	})
	if err != nil {
		respond.Error(w, r, err)
		return
	}
	respond.OK(w, r, systemView(sys))
}

func (h *Handler) deleteSystem(w http.ResponseWriter, r *http.Request) {
	answer(w, r, nil, h.Identity.DeleteSystem(r.Context(), actor(r), r.PathValue("id")))
}

type secretAnswer struct {
	Secret string `json:"secret"`
}

func (h *Handler) rotateSecret(w http.ResponseWriter, r *http.Request) {
	secret, err := h.Identity.RotateSecret(r.Context(), actor(r), r.PathValue("id"))
	answer(w, r, secretAnswer{Secret: secret}, err)
}

func (h *Handler) deliveries(w http.ResponseWriter, r *http.Request) {
	rep, err := h.Deliveries(r.Context(), r.PathValue("id"))
	answer(w, r, rep, err)
}
