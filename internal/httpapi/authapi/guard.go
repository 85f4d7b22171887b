package authapi

import (
	"context"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gatehouse/gatehouse/internal/auth"
	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/httpapi/middleware"
	"github.com/gatehouse/gatehouse/internal/httpapi/respond"
)

type principalKey struct{}

// PrincipalFrom returns the signed-in user of a request that went through Authenticate, or nil.
func PrincipalFrom(ctx context.Context) *auth.Principal {
	p, _ := ctx.Value(principalKey{}).(*auth.Principal)
	return p
}

// authenticate recognises the request by its bearer token or, failing that, its session
// cookie. It returns nil, nil when the request carries neither.
func (h *Handler) authenticate(r *http.Request) (*auth.Principal, error) {
	if authz := r.Header.Get("Authorization"); authz != "" {
		scheme, tok, ok := strings.Cut(authz, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
			return nil, domain.Errorf(domain.CodeTokenInvalid, "the Authorization header must be 'Bearer <token>'")
		}
		return h.Auth.AuthenticateBearer(r.Context(), strings.TrimSpace(tok))
	}
	if ck := cookieValue(r, h.Cookies.sessionName(r)); ck != "" {
		return h.Auth.AuthenticateCookie(r.Context(), ck)
	}
	return nil, nil
}

// Authenticate recognises the user when the request carries credentials, and refuses the
// request when they are bad. A request without any passes on anonymously.
func (h *Handler) Authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := h.authenticate(r)
		if err != nil {
			if domain.ErrorCode(err) == domain.CodeSessionExpired && r.Header.Get("Authorization") == "" {
				h.Cookies.clear(w, r) // a dead cookie is dropped from the browser
			}
			respond.Error(w, r, err)
			return
		}
		if p != nil {
			middleware.AddLogAttrs(r.Context(), slog.String("user_id", p.UserID()), slog.String("sid", p.Session.ID))
			r = r.WithContext(context.WithValue(r.Context(), principalKey{}, p))
		}
		next.ServeHTTP(w, r)
	})
}

var errLoginRequired = domain.Errorf(domain.CodeUnauthenticated, "sign in first")

// RequireLogin refuses anonymous requests with 401.
func (h *Handler) RequireLogin(next http.Handler) http.Handler {
	return h.Authenticate(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if PrincipalFrom(r.Context()) == nil {
			respond.Error(w, r, errLoginRequired)
			return
		}
		next.ServeHTTP(w, r)
	}))
}

// RequireRole lets through users holding any of the roles in the system: 401 when anonymous,
// 403 without the role.
func (h *Handler) RequireRole(system string, roles ...string) func(http.Handler) http.Handler {
	return h.require(func(p *auth.Principal) bool {
		have := p.Effective(system).Roles
		for _, want := range roles {
			for _, r := range have {
				if r == want {
					return true
				}
			}
		}
		return false
	}, "this needs the role "+strings.Join(roles, " or ")+" in "+system)
}

// RequirePermission lets through users whose permissions in the code's system allow it, with
// wildcards ("demo:*" allows "demo:article:edit"): 401 when anonymous, 403 otherwise.
func (h *Handler) RequirePermission(code string) func(http.Handler) http.Handler {
	system, _, _ := strings.Cut(code, ":")
	return h.require(func(p *auth.Principal) bool {
		return p.Effective(system).Permissions.Allows(code)
	}, "this needs the permission "+code)
}

func (h *Handler) require(allowed func(*auth.Principal) bool, why string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return h.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !allowed(PrincipalFrom(r.Context())) {
				respond.Error(w, r, domain.Errorf(domain.CodeForbidden, "%s", why))
				return
			}
			next.ServeHTTP(w, r)
		}))
	}
}
