package spec

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/httpapi/respond"
)

// S is a JSON value of the document (a schema, a parameter, a response).
type S = map[string]any

// Auth says how an operation authenticates its caller.
type Auth int

const (
	Public      Auth = iota // no credentials
	Signed                  // the session cookie or a bearer access token, required
	MaybeSigned             // the session cookie or a bearer access token, optional
	Refresh                 // the refresh cookie (or a refresh token in the body)
	SystemKey               // HTTP Basic with the system's id and secret (server to server)
	SystemJWT               // a bearer access token issued to a system
)

// Op is one operation: what a reader of the API needs, in as few words as the code.
type Op struct {
	Method, Path string
	Tag          string
	Summary      string
	Description  string
	Auth         Auth
	// Permission is the permission code of the Gatehouse system the caller needs (admin API).
	Permission string
	Params     []S
	// Body is the schema of the JSON request body; BodyOptional when it may be left out.
	Body         S
	BodyOptional bool
	// Status is the success status (200 when 0); Data the schema of the envelope's data
	// (null when nil). Raw replaces the success response entirely (answers without envelope).
	Status int
	Data   S
	Raw    S
	// Extra are further responses by status ("302", "304"); ErrorHeaders are headers of
	// error responses by status.
	Extra        map[string]S
	ErrorHeaders map[string]S
	// Errors are the codes the operation answers besides the ones its Auth, Body and method
	// imply (see implied).
	Errors []domain.Code
	// NoDeps marks an operation that reads no store, hence never answers unavailable.
	NoDeps bool
	// Cookies names the cookies a success sets (documented on the response).
	Cookies string
}

// implied are the errors every operation of its kind can answer.
func (o Op) implied() []domain.Code {
	var c []domain.Code
	switch o.Auth {
	case Signed:
		c = append(c, domain.CodeUnauthenticated, domain.CodeTokenInvalid, domain.CodeTokenExpired, domain.CodeSessionExpired)
	case MaybeSigned:
		c = append(c, domain.CodeTokenInvalid, domain.CodeTokenExpired, domain.CodeSessionExpired)
	case SystemKey, SystemJWT:
		c = append(c, domain.CodeUnauthenticated)
	}
	if o.Permission != "" {
		c = append(c, domain.CodeForbidden)
	}
	if o.cookieUnsafe() {
		c = append(c, domain.CodeForbidden) // cross-origin browser request (CSRF)
	}
	if o.Body != nil {
		c = append(c, domain.CodeMalformedBody, domain.CodeUnsupportedMedia, domain.CodeBodyTooLarge)
	}
	c = append(c, domain.CodeInternal)
	if !o.NoDeps {
		c = append(c, domain.CodeUnavailable)
	}
	return c
}

// cookieUnsafe reports a state-changing route of the native API, which refuses cross-origin
// browser requests.
func (o Op) cookieUnsafe() bool {
	return o.Method != "GET" && strings.HasPrefix(o.Path, "/api/") && o.Auth != SystemKey && o.Path != "/api/verify"
}

// codes is every error code of the operation, once each, in catalog order.
func (o Op) codes() []domain.Code {
	all := append(o.implied(), o.Errors...)
	var out []domain.Code
	for _, c := range domain.AllCodes {
		if slices.Contains(all, c) {
			out = append(out, c)
		}
	}
	return out
}

func (o Op) security() []S {
	var scopes []string
	if o.Permission != "" {
		scopes = []string{o.Permission}
	}
	if scopes == nil {
		scopes = []string{}
	}
	switch o.Auth {
	case Signed:
		return []S{{"sessionCookie": scopes}, {"bearerJWT": scopes}}
	case MaybeSigned:
		return []S{{"sessionCookie": scopes}, {"bearerJWT": scopes}, {}}
	case Refresh:
		return []S{{"refreshCookie": scopes}, {}}
	case SystemKey:
		return []S{{"systemBasic": scopes}}
	case SystemJWT:
		return []S{{"systemBearer": scopes}}
	}
	return []S{}
}

// operation renders the OpenAPI operation object.
func (o Op) operation() S {
	id := operationID(o.Method, o.Path)
	out := S{
		"operationId": id,
		"summary":     o.Summary,
		"tags":        []string{o.Tag},
		"security":    o.security(),
	}
	desc := o.Description
	if o.Permission != "" {
		desc = strings.TrimSpace(desc + "\n\nNeeds the permission `" + o.Permission + "` of the `gatehouse` system.")
	}
	if desc != "" {
		out["description"] = desc
	}
	var params []S
	for _, n := range pathParams(o.Path) {
		params = append(params, S{"name": n, "in": "path", "required": true, "schema": S{"type": "string", "minLength": 1}})
	}
	params = append(params, o.Params...)
	if len(params) > 0 {
		out["parameters"] = params
	}
	if o.Body != nil {
		out["requestBody"] = S{
			"required": !o.BodyOptional,
			"content":  S{"application/json": S{"schema": o.Body}},
		}
	}
	resp := S{}
	status := o.Status
	if status == 0 {
		status = 200
	}
	if o.Raw != nil {
		resp[strconv.Itoa(status)] = o.Raw
	} else {
		data := o.Data
		if data == nil {
			data = S{"type": "null"}
		}
		r := S{
			"description": "Success.",
			"content": S{"application/json": S{"schema": S{
				"type":                 "object",
				"required":             []string{"code", "msg", "data"},
				"additionalProperties": false,
				"properties":           S{"code": S{"const": 0}, "msg": S{"const": "ok"}, "data": data},
			}}},
		}
		if o.Cookies != "" {
			r["headers"] = S{"Set-Cookie": S{"description": o.Cookies, "schema": S{"type": "string"}}}
		}
		resp[strconv.Itoa(status)] = r
	}
	for k, v := range o.Extra {
		resp[k] = v
	}
	codes := o.codes()
	byStatus := map[int][]respond.Entry{}
	var names []string
	for _, c := range codes {
		e, ok := respond.Lookup(c)
		if !ok {
			panic(fmt.Sprintf("openapi: %s %s: code %q is not in the catalog", o.Method, o.Path, c))
		}
		byStatus[e.Status] = append(byStatus[e.Status], e)
		names = append(names, string(c))
	}
	for st, es := range byStatus {
		key := strconv.Itoa(st)
		var lines []string
		var nums []int
		for _, e := range es {
			lines = append(lines, fmt.Sprintf("`%s` (%d): %s", e.Code, e.Number, e.English))
			nums = append(nums, e.Number)
		}
		r := S{
			"description": strings.Join(lines, "\n\n"),
			"content": S{"application/json": S{"schema": S{
				"allOf": []S{ref("ErrorEnvelope"), {"properties": S{"code": S{"enum": nums}}}},
			}}},
		}
		if st == 401 && o.Auth != SystemKey {
			r["headers"] = S{"WWW-Authenticate": S{"$ref": "#/components/headers/WWWAuthenticate"}}
		}
		if st == 429 {
			r["headers"] = S{"Retry-After": S{"$ref": "#/components/headers/RetryAfter"}}
		}
		for name, h := range o.ErrorHeaders[key] {
			hs, _ := r["headers"].(S)
			if hs == nil {
				hs = S{}
				r["headers"] = hs
			}
			hs[name] = h
		}
		if old, ok := resp[key].(S); ok { // a raw response of the same status (forward-auth)
			old["description"] = old["description"].(string) + "\n\n" + r["description"].(string)
			continue
		}
		resp[key] = r
	}
	out["responses"] = resp
	out["x-error-codes"] = names
	return out
}

// pathParams lists the {names} of a path in order.
func pathParams(path string) []string {
	var out []string
	for _, seg := range strings.Split(path, "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			out = append(out, strings.TrimSuffix(seg[1:len(seg)-1], "..."))
		}
	}
	return out
}

// operationID is "getApiAdminUsersId" style: the method and the path's words.
func operationID(method, path string) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	for _, w := range strings.FieldsFunc(path, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) {
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	return b.String()
}

// Paths renders the paths object of ops (path → method → operation).
func Paths(ops []Op) S {
	paths := S{}
	for _, o := range ops {
		item, _ := paths[o.Path].(S)
		if item == nil {
			item = S{}
			paths[o.Path] = item
		}
		m := strings.ToLower(o.Method)
		if _, dup := item[m]; dup {
			panic("openapi: " + o.Method + " " + o.Path + " described twice")
		}
		item[m] = o.operation()
	}
	return paths
}

// sortedTags lists the tags ops use, in the order of tagOrder.
func sortedTags(ops []Op) []string {
	seen := map[string]bool{}
	var out []string
	for _, o := range ops {
		if !seen[o.Tag] {
			seen[o.Tag] = true
			out = append(out, o.Tag)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return tagRank(out[i]) < tagRank(out[j]) })
	return out
}
