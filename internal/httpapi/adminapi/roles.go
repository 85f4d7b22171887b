package adminapi

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/httpapi/respond"
	"github.com/gatehouse/gatehouse/internal/identity"
)

func (h *Handler) listRoles(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r)
	system := q.str("system")
	if system != "" && !domain.ValidSystemID(system) {
		q.p.Add("system", "is not a valid system id")
	}
	if err := q.err(); err != nil {
		respond.Error(w, r, err)
		return
	}
	list, err := h.Identity.ListRoles(r.Context(), system)
	if err != nil {
		respond.Error(w, r, err)
		return
	}
	out := make([]roleJSON, len(list))
	for i, role := range list {
		out[i] = roleView(role)
	}
	respond.OK(w, r, items[roleJSON]{Items: out})
}

type createRoleRequest struct {
	System      string   `json:"system"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Permissions []string `json:"permissions"`
}

func (h *Handler) createRole(w http.ResponseWriter, r *http.Request) {
	var req createRoleRequest
	if err := respond.DecodeJSON(w, r, &req); err != nil {
		respond.Error(w, r, err)
		return
	}
	role := &domain.Role{SystemID: req.System, Name: req.Name, Description: req.Description, Permissions: req.Permissions}
	if err := checkRoleCodes(r, role.SystemID, role.Permissions); err != nil {
		respond.Error(w, r, err)
		return
	}
	if err := h.Identity.CreateRole(r.Context(), actor(r), role); err != nil {
		respond.Error(w, r, err)
		return
	}
	stored, err := h.Identity.Role(r.Context(), role.ID)
	if err != nil {
		respond.Error(w, r, err)
		return
	}
	respond.Created(w, r, roleView(stored))
}

type patchRoleRequest struct {
	Description *string   `json:"description"`
	Permissions *[]string `json:"permissions"`
}

func (h *Handler) patchRole(w http.ResponseWriter, r *http.Request) {
	var req patchRoleRequest
	if err := respond.DecodeJSON(w, r, &req); err != nil {
		respond.Error(w, r, err)
		return
	}
	if err := h.checkRoleChange(r, r.PathValue("id"), req.Permissions); err != nil {
		respond.Error(w, r, err)
		return
	}
	role, err := h.Identity.UpdateRole(r.Context(), actor(r), r.PathValue("id"),
		identity.RolePatch{Description: req.Description, Permissions: req.Permissions})
	if err != nil {
		respond.Error(w, r, err)
		return
	}
	respond.OK(w, r, roleView(role))
}

func (h *Handler) deleteRole(w http.ResponseWriter, r *http.Request) {
	if err := h.checkRoleChange(r, r.PathValue("id"), nil); err != nil {
		respond.Error(w, r, err)
		return
	}
	answer(w, r, nil, h.Identity.DeleteRole(r.Context(), actor(r), r.PathValue("id")))
}

// checkRoleChange refuses a change to a center-system role unless the caller holds its codes,
// the present ones and, when given, the new ones. An unknown role is not_found.
func (h *Handler) checkRoleChange(r *http.Request, id string, next *[]string) error {
	role, err := h.Identity.Role(r.Context(), id)
	if err != nil {
		return err
	}
	codes := role.Permissions
	if next != nil {
		codes = append(append([]string(nil), codes...), *next...)
	}
	return checkRoleCodes(r, role.SystemID, codes)
}
