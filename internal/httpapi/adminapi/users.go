package adminapi

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/httpapi/authapi"
	"github.com/gatehouse/gatehouse/internal/httpapi/respond"
	"github.com/gatehouse/gatehouse/internal/identity"
)

func (h *Handler) listUsers(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r)
	f := domain.UserFilter{Query: q.str("q"), Status: domain.UserStatus(q.str("status"))}
	f.Offset, f.Limit = q.paging()
	if f.Status != "" && !f.Status.Valid() {
		q.p.Add("status", "must be active, disabled or locked")
	}
	if err := q.err(); err != nil {
		respond.Error(w, r, err)
		return
	}
	users, total, err := h.Identity.ListUsers(r.Context(), f)
	if err != nil {
		respond.Error(w, r, err)
		return
	}
	out := make([]userJSON, len(users))
	for i, u := range users {
		out[i] = userView(u)
	}
	respond.OK(w, r, page[userJSON]{Items: out, Total: total, Offset: f.Offset, Limit: f.Limit})
}

type createUserRequest struct {
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Email       string `json:"email"`
	Password    string `json:"password"`
}

type createdUser struct {
	User     userJSON `json:"user"`
	Password string   `json:"password,omitempty"`
}

func (h *Handler) createUser(w http.ResponseWriter, r *http.Request) {
	var req createUserRequest
	if err := respond.DecodeJSON(w, r, &req); err != nil {
		respond.Error(w, r, err)
		return
	}
	generated := ""
	if req.Password == "" {
		pw, err := h.Identity.GeneratePassword(domain.NormalizeUsername(req.Username))
		if err != nil {
			respond.Error(w, r, err)
			return
		}
		req.Password, generated = pw, pw
	}
	u, err := h.Identity.CreateUser(r.Context(), actor(r), identity.NewUser{
		Username: req.Username, DisplayName: req.DisplayName, Email: req.Email, Password: req.Password,
	})
	if err != nil {
		respond.Error(w, r, err)
		return
	}
	respond.Created(w, r, createdUser{User: userView(u), Password: generated})
}

type userDetail struct {
	User   userJSON    `json:"user"`
	Grants []grantJSON `json:"grants"`
}

func (h *Handler) getUser(w http.ResponseWriter, r *http.Request) {
	u, err := h.Identity.UserByID(r.Context(), r.PathValue("id"))
	if err != nil {
		respond.Error(w, r, err)
		return
	}
	grants, err := h.Identity.GrantsOf(r.Context(), u.ID)
	answer(w, r, userDetail{User: userView(u), Grants: grantViews(grants)}, err)
}

type patchUserRequest struct {
	DisplayName *string            `json:"display_name"`
	Email       *string            `json:"email"`
	Status      *domain.UserStatus `json:"status"`
}

func (h *Handler) patchUser(w http.ResponseWriter, r *http.Request) {
	var req patchUserRequest
	if err := respond.DecodeJSON(w, r, &req); err != nil {
		respond.Error(w, r, err)
		return
	}
	id := r.PathValue("id")
	if p := authapi.PrincipalFrom(r.Context()); req.Status != nil && *req.Status != domain.UserActive && p.UserID() == id {
		var pr domain.Problems
		pr.Add("status", "you cannot disable or lock your own account")
		respond.Error(w, r, pr.Err())
		return
	}
	if err := h.checkUserPowers(r.Context(), r, id); err != nil {
		respond.Error(w, r, err)
		return
	}
	u, err := h.Identity.UpdateUser(r.Context(), actor(r), id,
		identity.UserPatch{DisplayName: req.DisplayName, Email: req.Email, Status: req.Status})
	if err != nil {
		respond.Error(w, r, err)
		return
	}
	respond.OK(w, r, userView(u))
}

type passwordRequest struct {
	Password string `json:"password"`
}

type passwordAnswer struct {
	Password string `json:"password,omitempty"`
}

// resetPassword sets a password (given, or generated and shown once); every session of the
// user ends. The body is optional: none at all means "generate".
func (h *Handler) resetPassword(w http.ResponseWriter, r *http.Request) {
	var req passwordRequest
	if r.ContentLength != 0 || r.Header.Get("Content-Type") != "" {
		if err := respond.DecodeJSON(w, r, &req); err != nil {
			respond.Error(w, r, err)
			return
		}
	}
	u, err := h.Identity.UserByID(r.Context(), r.PathValue("id"))
	if err != nil {
		respond.Error(w, r, err)
		return
	}
	if err := h.checkUserPowers(r.Context(), r, u.ID); err != nil {
		respond.Error(w, r, err)
		return
	}
	var out passwordAnswer
	if req.Password == "" {
		if req.Password, err = h.Identity.GeneratePassword(u.Username); err != nil {
			respond.Error(w, r, err)
			return
		}
		out.Password = req.Password
	}
	if err := h.Identity.SetPassword(r.Context(), actor(r), u.ID, req.Password); err != nil {
		respond.Error(w, r, err)
		return
	}
	respond.OK(w, r, out)
}

type grantsAnswer struct {
	Grants []grantJSON `json:"grants"`
}

func (h *Handler) grantRole(w http.ResponseWriter, r *http.Request)  { h.changeGrant(w, r, true) }
func (h *Handler) revokeRole(w http.ResponseWriter, r *http.Request) { h.changeGrant(w, r, false) }

func (h *Handler) changeGrant(w http.ResponseWriter, r *http.Request, grant bool) {
	id, roleID := r.PathValue("id"), r.PathValue("roleId")
	if err := h.checkUserPowers(r.Context(), r, id); err != nil {
		respond.Error(w, r, err)
		return
	}
	role, err := h.Identity.Role(r.Context(), roleID)
	if err == nil {
		err = checkRoleCodes(r, role.SystemID, role.Permissions)
	}
	if err != nil {
		respond.Error(w, r, err)
		return
	}
	if grant {
		err = h.Identity.GrantRoleByID(r.Context(), actor(r), id, roleID)
	} else {
		err = h.Identity.RevokeRoleByID(r.Context(), actor(r), id, roleID)
	}
	if err != nil {
		respond.Error(w, r, err)
		return
	}
	grants, err := h.Identity.GrantsOf(r.Context(), id)
	answer(w, r, grantsAnswer{Grants: grantViews(grants)}, err)
}
