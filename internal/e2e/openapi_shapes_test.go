package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/gatehouse/gatehouse/internal/config"
)

// The answers of the running App are validated against the document: status documented,
// Content-Type documented, body valid for the schema of that status (the success envelope and
// its data, or the error envelope with one of the codes listed for that status).

// answerChecker validates answers and remembers which operations answered success.
type answerChecker struct {
	t       *testing.T
	doc     *openapi3.T
	ops     map[string]documentedOp // "METHOD /path"
	success map[string]bool
}

func newAnswerChecker(t *testing.T, doc *openapi3.T) *answerChecker {
	c := &answerChecker{t: t, doc: doc, ops: map[string]documentedOp{}, success: map[string]bool{}}
	for _, d := range documentedOps(doc) {
		c.ops[d.method+" "+d.path] = d
	}
	return c
}

// bearer and basic are Authorization header values.
func bearer(token string) string { return "Bearer " + token }
func basic(id, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(id+":"+secret))
}

// call sends method to path (a concrete path of the documented operation op, "METHOD /path")
// with the Authorization authz and body (nil, or a value sent as JSON), validates the answer,
// checks its status (unless want is 0) and returns its data. hdr are more header pairs.
func (c *answerChecker) call(op, path, authz string, body any, want int, hdr ...string) json.RawMessage {
	c.t.Helper()
	d, ok := c.ops[op]
	if !ok {
		c.t.Fatalf("%s is not documented", op)
	}
	var sent []byte
	var rd io.Reader
	if body != nil {
		sent, _ = json.Marshal(body)
		rd = bytes.NewReader(sent)
	}
	req, _ := http.NewRequest(d.method, path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if authz != "" {
		req.Header.Set("Authorization", authz)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	status, answerHdr, raw := c.send(req)
	c.validate(d, req, status, answerHdr, raw)
	if want != 0 && status != want {
		c.t.Fatalf("%s %s: %d %.300s, want %d", d.method, path, status, raw, want)
	}
	if status < 300 {
		c.success[op] = true
		// What the server took must be what the document admits.
		req.Body = io.NopCloser(bytes.NewReader(sent))
		c.validateRequest(d, req)
	}
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	json.Unmarshal(raw, &env)
	return env.Data
}

func (c *answerChecker) send(req *http.Request) (int, http.Header, []byte) {
	c.t.Helper()
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, raw
}

// validate checks one answer of operation d against the document.
func (c *answerChecker) validate(d documentedOp, req *http.Request, status int, hdr http.Header, raw []byte) {
	c.t.Helper()
	route := &routers.Route{Spec: c.doc, Path: d.path, PathItem: c.doc.Paths.Value(d.path), Method: d.method, Operation: d.op}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, Route: route},
		Status:                 status, Header: hdr,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	in.SetBodyBytes(raw)
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		c.t.Errorf("%s %s answered %d, not as documented: %v\nbody: %.400s", d.method, req.URL.Path, status, err, raw)
	}
}

// validateRequest checks a request (its path, query, headers and body) against operation d.
func (c *answerChecker) validateRequest(d documentedOp, req *http.Request) {
	c.t.Helper()
	params := map[string]string{}
	want, got := strings.Split(d.path, "/"), strings.Split(req.URL.Path, "/")
	for i := range min(len(want), len(got)) {
		if strings.HasPrefix(want[i], "{") {
			params[strings.Trim(want[i], "{}")] = got[i]
		}
	}
	route := &routers.Route{Spec: c.doc, Path: d.path, PathItem: c.doc.Paths.Value(d.path), Method: d.method, Operation: d.op}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		c.t.Errorf("%s %s succeeded, but the document refuses the request: %v", d.method, req.URL, err)
	}
}

func decodeInto(t *testing.T, raw json.RawMessage, v any) {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
}

// TestOpenAPIAnswersMatchSchemas drives the API as the bootstrap administrator, a user it
// creates, a demo user, a reverse proxy and a sub-system's server, until every documented
// operation has answered success, and validates each answer (errors on the way too).
// Anonymous answers of every operation are validated by TestOpenAPIOperationsAreServed.
func TestOpenAPIAnswersMatchSchemas(t *testing.T) {
	doc := loadOpenAPI(t)
	srv := startServer(t, backends[0], func(cfg *config.Config) {
		cfg.Tokens.RefreshInBody = true
		gatewayRules(cfg) // app.test /admin/** needs demo:ADMIN, which smith holds
	})
	c := newAnswerChecker(t, doc)
	u := srv.URL()

	// Sign in as the administrator (a bearer token: no cookies, no CSRF).
	var admin loginData
	decodeInto(t, c.call("POST /api/auth/login", u+"/api/auth/login", "",
		map[string]any{"username": "admin", "password": adminPassword}, 200), &admin)
	tok := admin.Token.AccessToken

	// Every GET without a path parameter, and those with one, on known things.
	for _, op := range []struct{ op, path string }{
		{"GET /api/captcha", "/api/captcha"},
		{"GET /api/password-policy", "/api/password-policy"},
		{"GET /api/me", "/api/me?system=demo"},
		{"GET /api/me/sessions", "/api/me/sessions"},
		{"GET /api/admin/users", "/api/admin/users?limit=5&q=adm"},
		{"GET /api/admin/users/{id}", "/api/admin/users/" + admin.User.ID},
		{"GET /api/admin/users/{id}/sessions", "/api/admin/users/" + admin.User.ID + "/sessions"},
		{"GET /api/admin/systems", "/api/admin/systems"},
		{"GET /api/admin/systems/{id}", "/api/admin/systems/gatehouse"},
		{"GET /api/admin/systems/{id}/logout-deliveries", "/api/admin/systems/gatehouse/logout-deliveries"},
		{"GET /api/admin/roles", "/api/admin/roles"},
		{"GET /api/admin/sessions", "/api/admin/sessions"},
		{"GET /api/admin/audit", "/api/admin/audit?type=login."},
		{"GET /api/admin/stats", "/api/admin/stats?range=7d"},
		{"GET /api/demo/everyone", "/api/demo/everyone"},
		{"GET /api/openapi.json", "/api/openapi.json"},
		{"GET /.well-known/jwks.json", "/.well-known/jwks.json"},
	} {
		c.call(op.op, u+op.path, bearer(tok), nil, 200)
	}

	// A system, a role, a user holding it, their sessions: the whole admin lifecycle.
	var sys struct {
		Secret string `json:"secret"`
	}
	decodeInto(t, c.call("POST /api/admin/systems", u+"/api/admin/systems", bearer(tok), map[string]any{
		"id": "oa-probe", "name": "Probe", "redirect_uris": []string{"https://probe.example/cb"}, "logout_url": "https://probe.example/logout",
	}, 201), &sys)
	c.call("PATCH /api/admin/systems/{id}", u+"/api/admin/systems/oa-probe", bearer(tok), map[string]any{"name": "Probe 2"}, 200)
	c.call("POST /api/admin/systems/{id}/secret", u+"/api/admin/systems/oa-probe/secret", bearer(tok), nil, 200)
	var role adminRole
	decodeInto(t, c.call("POST /api/admin/roles", u+"/api/admin/roles", bearer(tok), map[string]any{
		"system": "oa-probe", "name": "READER", "permissions": []string{"oa-probe:doc:read"},
	}, 201), &role)
	c.call("PATCH /api/admin/roles/{id}", u+"/api/admin/roles/"+role.ID, bearer(tok), map[string]any{"description": "Reads"}, 200)

	var created struct {
		User     adminUser `json:"user"`
		Password string    `json:"password"`
	}
	decodeInto(t, c.call("POST /api/admin/users", u+"/api/admin/users", bearer(tok), map[string]any{"username": "oa-probe"}, 201), &created)
	uid := created.User.ID
	c.call("PATCH /api/admin/users/{id}", u+"/api/admin/users/"+uid, bearer(tok), map[string]any{"display_name": "Probe"}, 200)
	var reset struct {
		Password string `json:"password"`
	}
	decodeInto(t, c.call("POST /api/admin/users/{id}/password", u+"/api/admin/users/"+uid+"/password", bearer(tok), nil, 200), &reset)
	c.call("PUT /api/admin/users/{id}/roles/{roleId}", u+"/api/admin/users/"+uid+"/roles/"+role.ID, bearer(tok), nil, 200)

	// The user signs in three times, ends one session, then the others, changes its password.
	signIn := func(password string) loginData {
		var d loginData
		decodeInto(t, c.call("POST /api/auth/login", u+"/api/auth/login", "",
			map[string]any{"username": "oa-probe", "password": password, "system": "oa-probe"}, 200), &d)
		return d
	}
	first, second := signIn(reset.Password), signIn(reset.Password)
	c.call("DELETE /api/me/sessions/{sid}", u+"/api/me/sessions/"+first.Session.ID, bearer(second.Token.AccessToken), nil, 200)
	third := signIn(reset.Password)
	c.call("DELETE /api/me/sessions", u+"/api/me/sessions", bearer(third.Token.AccessToken), nil, 200)
	const newPassword = "Another-Passw0rd-for-OpenAPI"
	c.call("POST /api/me/password", u+"/api/me/password", bearer(third.Token.AccessToken),
		map[string]any{"old_password": reset.Password, "new_password": newPassword}, 200)
	c.call("POST /api/auth/logout", u+"/api/auth/logout", bearer(third.Token.AccessToken), nil, 200)

	// The administrator ends what is left, and undoes the rest.
	fourth := signIn(newPassword)
	c.call("GET /api/admin/sessions", u+"/api/admin/sessions?user=oa-probe", bearer(tok), nil, 200)
	c.call("DELETE /api/admin/sessions/{sid}", u+"/api/admin/sessions/"+fourth.Session.ID, bearer(tok), nil, 200)
	signIn(newPassword)
	c.call("DELETE /api/admin/users/{id}/sessions", u+"/api/admin/users/"+uid+"/sessions", bearer(tok), nil, 200)
	c.call("DELETE /api/admin/users/{id}/roles/{roleId}", u+"/api/admin/users/"+uid+"/roles/"+role.ID, bearer(tok), nil, 200)
	c.call("DELETE /api/admin/roles/{id}", u+"/api/admin/roles/"+role.ID, bearer(tok), nil, 200)
	c.call("DELETE /api/admin/systems/{id}", u+"/api/admin/systems/oa-probe", bearer(tok), nil, 200)

	// The token pair rotates; the demo roles; forward-auth as a proxy asks.
	var smith loginData
	decodeInto(t, c.call("POST /api/auth/login", u+"/api/auth/login", "",
		map[string]any{"username": "smith", "password": "smith123", "system": "demo"}, 200), &smith)
	c.call("POST /api/auth/refresh", u+"/api/auth/refresh", "", map[string]any{"refresh_token": smith.Token.RefreshToken}, 200)
	for _, r := range []string{"user", "editor", "admin"} {
		c.call("GET /api/demo/"+r, u+"/api/demo/"+r, bearer(smith.Token.AccessToken), nil, 200)
	}
	c.call("GET /api/verify", u+"/api/verify", bearer(smith.Token.AccessToken), nil, 200,
		"X-Forwarded-Proto", "https", "X-Forwarded-Host", "app.test", "X-Forwarded-Uri", "/admin/x?y=1")
	c.call("GET /api/verify", u+"/api/verify", "", nil, 401, "X-Original-URL", "https://app.test/private")
	c.call("GET /api/verify", u+"/api/verify", "", nil, 302, "X-Forwarded-Host", "app.test", "X-Forwarded-Uri", "/private",
		"Accept", "text/html")
	c.call("GET /api/verify", u+"/api/verify", bearer(third.Token.AccessToken), nil, 401, "X-Original-URL", "https://app.test/private")

	// A sub-system's server side of browser SSO.
	sso := newSSOEnv(t, srv)
	browser := sso.browser("198.51.100.21")
	browser.mustLogin("jack", "jack123", nil)
	ticket := ticketFor(t, browser, "alpha", ssoRedirectA)
	alpha := basic("alpha", sso.secretA)
	var v validateData
	decodeInto(t, c.call("POST /sso/validate", u+"/sso/validate", alpha,
		map[string]any{"ticket": ticket, "redirect_uri": ssoRedirectA}, 200), &v)
	c.call("GET /sso/userinfo", u+"/sso/userinfo", bearer(v.AccessToken), nil, 200)
	c.call("GET /sso/users/{id}", u+"/sso/users/"+v.User.ID, alpha, nil, 200)
	c.call("POST /sso/touch", u+"/sso/touch", alpha, map[string]any{"sid": v.SID}, 200)
	c.call("POST /sso/refresh", u+"/sso/refresh", alpha, map[string]any{"refresh_token": v.RefreshToken}, 200)
	c.call("POST /sso/validate", u+"/sso/validate", alpha, map[string]any{"ticket": ticket, "redirect_uri": ssoRedirectA}, 401)
	c.call("GET /sso/users/{id}", u+"/sso/users/nobody", alpha, nil, 404)

	// Errors are validated too: their status and code must be among the documented ones.
	c.call("GET /api/admin/users/{id}", u+"/api/admin/users/nobody", bearer(tok), nil, 404)
	c.call("POST /api/admin/users", u+"/api/admin/users", bearer(tok), map[string]any{"username": "oa-probe"}, 409)
	c.call("POST /api/admin/users", u+"/api/admin/users", bearer(tok), map[string]any{"username": "x", "admin": true}, 400)
	c.call("GET /api/admin/stats", u+"/api/admin/stats?range=1y", bearer(tok), nil, 400)
	c.call("GET /api/admin/users", u+"/api/admin/users?limit=5&limit=6", bearer(tok), nil, 400)
	c.call("DELETE /api/admin/systems/{id}", u+"/api/admin/systems/gatehouse", bearer(tok), nil, 400)
	var roles struct {
		Items []adminRole `json:"items"`
	}
	decodeInto(t, c.call("GET /api/admin/roles", u+"/api/admin/roles?system=gatehouse", bearer(tok), nil, 200), &roles)
	found := false
	for _, r := range roles.Items {
		if r.Name == "super-admin" {
			found = true
			c.call("DELETE /api/admin/roles/{id}", u+"/api/admin/roles/"+r.ID, bearer(tok), nil, 400)
			c.call("PATCH /api/admin/roles/{id}", u+"/api/admin/roles/"+r.ID, bearer(tok), map[string]any{"permissions": []string{}}, 400)
		}
	}
	if !found {
		t.Error("no super-admin role in GET /api/admin/roles?system=gatehouse")
	}
	c.call("POST /api/admin/users/{id}/password", u+"/api/admin/users/"+uid+"/password", bearer(tok), map[string]any{"password": "short"}, 422)
	c.call("GET /api/me", u+"/api/me", bearer(third.Token.AccessToken), nil, 401)
	c.call("POST /api/auth/login", u+"/api/auth/login", "", map[string]any{"username": "oa-probe", "password": "wrong"}, 401)

	var missed []string
	for op := range c.ops {
		if !c.success[op] {
			missed = append(missed, op)
		}
	}
	sort.Strings(missed)
	t.Logf("%d of %d operations answered success and matched their schemas", len(c.success), len(c.ops))
	if len(missed) > 0 {
		t.Errorf("documented operations this test never saw succeed (add them here): %s", strings.Join(missed, ", "))
	}
}
