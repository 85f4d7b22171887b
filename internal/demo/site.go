package demo

import (
	"html/template"
	"net"
	"net/http"

	"github.com/gatehouse/gatehouse/sdk/gatehouse"
)

// Site is one demo sub-system: an SDK client and a few pages.
type Site struct {
	ID, Name, URL, Color string
	Client               *gatehouse.Client
	Other                *Site // the other sub-system, linked from every page

	listener net.Listener
}

// page is one protected page of a demo sub-system (seed 001: everyone / user / editor / admin).
type page struct {
	Path, Title, Rule string
	allowed           func(site *Site, u *gatehouse.User) bool
}

var pages = []page{
	{"/user", "For users", "permission <site>:article:read (USER, EDITOR, ADMIN)",
		func(s *Site, u *gatehouse.User) bool { return u.Can(s.ID + ":article:read") }},
	{"/editor", "For editors", "permission <site>:article:edit (EDITOR, ADMIN)",
		func(s *Site, u *gatehouse.User) bool { return u.Can(s.ID + ":article:edit") }},
	{"/admin", "For administrators", "role ADMIN",
		func(_ *Site, u *gatehouse.User) bool { return u.HasRole("ADMIN") }},
}

// Handler is the sub-system's HTTP handler: its pages behind the SDK's middleware.
func (s *Site) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /{$}", gatehouse.Optional(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.render(w, r, http.StatusOK, "Everyone", "This page is open to everyone; signing in shows more.", "")
	})))
	mux.Handle("GET /favicon.ico", gatehouse.Optional(http.NotFoundHandler()))
	mux.HandleFunc("GET /signin", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/", http.StatusSeeOther) // reached only signed in: the middleware saw to it
	})
	for _, p := range pages {
		mux.HandleFunc("GET "+p.Path, func(w http.ResponseWriter, r *http.Request) {
			u := gatehouse.UserFrom(r.Context())
			if !p.allowed(s, u) {
				s.render(w, r, http.StatusForbidden, p.Title, "", "Forbidden: this page needs "+p.Rule+".")
				return
			}
			s.render(w, r, http.StatusOK, p.Title, "You may see this page: it needs "+p.Rule+".", "")
		})
	}
	mux.HandleFunc("GET /api/me", func(w http.ResponseWriter, r *http.Request) {
		u := gatehouse.UserFrom(r.Context())
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte(u.Username + "\n"))
	})
	return s.Client.Middleware(mux)
}

type view struct {
	Site           *Site
	Title, Message string
	Denied         string
	User           *gatehouse.User
	Pages          []page
}

func (s *Site) render(w http.ResponseWriter, r *http.Request, status int, title, msg, denied string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	tmpl.Execute(w, view{Site: s, Title: title, Message: msg, Denied: denied, User: gatehouse.UserFrom(r.Context()), Pages: pages})
}

var tmpl = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}} · {{.Site.Name}}</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;color:#222}
header{background:{{.Site.Color}};color:#fff;padding:1em 2em;display:flex;justify-content:space-between;align-items:center}
header a{color:#fff}
main{padding:1em 2em;max-width:50em}
nav a{margin-right:1em}
.denied{color:#a00;font-weight:bold}
code{background:#eee;padding:0 .3em}
</style></head>
<body>
<header><strong>{{.Site.Name}}</strong>
<span>{{if .User}}Signed in as <b>{{.User.DisplayName}}</b> ({{.User.Username}}) · <a href="/sso/logout">Sign out</a>{{else}}Not signed in · <a href="/signin">Sign in</a>{{end}}</span>
</header>
<main>
<nav><a href="/">Everyone</a>{{range .Pages}}<a href="{{.Path}}">{{.Title}}</a>{{end}}
· <a href="{{.Site.Other.URL}}/">Open {{.Site.Other.Name}}</a></nav>
<h1>{{.Title}}</h1>
{{if .Message}}<p>{{.Message}}</p>{{end}}
{{if .Denied}}<p class="denied">{{.Denied}}</p>{{end}}
{{with .User}}
<h2 id="who">Who is signed in</h2>
<table>
<tr><th align="left">User id</th><td><code>{{.ID}}</code></td></tr>
<tr><th align="left">Username</th><td id="username">{{.Username}}</td></tr>
<tr><th align="left">Email</th><td>{{.Email}}</td></tr>
<tr><th align="left">Roles</th><td id="roles">{{range .Roles}}<code>{{.}}</code> {{else}}none{{end}}</td></tr>
<tr><th align="left">Permissions</th><td>{{range .Permissions}}<code>{{.}}</code> {{else}}none{{end}}</td></tr>
<tr><th align="left">Center session</th><td><code>{{.SessionID}}</code></td></tr>
</table>
{{end}}
<p><small>{{.Site.Name}} ({{.Site.URL}}) is a sub-system of the Gatehouse demo, built with the Go SDK.</small></p>
</main></body></html>
`))
