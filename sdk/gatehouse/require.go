package gatehouse

import "net/http"

// RequireLogin answers 401 to a request without a signed-in user (behind Middleware, only
// handlers marked Optional see one).
func RequireLogin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if UserFrom(r.Context()) == nil {
			http.Error(w, "sign-in required", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// RequireRole lets through a user who holds any of roles: 401 without a user, 403 without the role.
func RequireRole(roles ...string) func(http.Handler) http.Handler {
	return guard(func(u *User) bool { return u.HasRole(roles...) })
}

// RequirePermission lets through a user whose permissions grant code (wildcards apply): 401
// without a user, 403 without the permission.
func RequirePermission(code string) func(http.Handler) http.Handler {
	return guard(func(u *User) bool { return u.Can(code) })
}

func guard(allowed func(*User) bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			u := UserFrom(r.Context())
			switch {
			case u == nil:
				http.Error(w, "sign-in required", http.StatusUnauthorized)
			case !allowed(u):
				http.Error(w, "forbidden", http.StatusForbidden)
			default:
				next.ServeHTTP(w, r)
			}
		})
	}
}
