package gatehouse_test

import (
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/gatehouse/gatehouse/sdk/gatehouse"
)

func ExampleNew() {
	client, err := gatehouse.New(gatehouse.Config{
		CenterURL:    "https://sso.example.com",
		SystemID:     "shop",
		Secret:       "the secret the center showed once",
		BaseURL:      "https://shop.example.com",
		CookieSecret: []byte("32 or more random bytes, kept secret!"),
	})
	if err != nil {
		log.Fatal(err)
	}
	// Register these two addresses for the system at the center.
	fmt.Println(client.RedirectURI())
	fmt.Println(client.LogoutURL())
	// Output:
	// https://shop.example.com/sso/callback
	// https://shop.example.com/sso/backchannel-logout
}

func ExampleClient_Middleware() {
	client, err := gatehouse.New(gatehouse.Config{
		CenterURL: "https://sso.example.com", SystemID: "shop", Secret: "s3cret",
		BaseURL: "https://shop.example.com", CookieSecret: []byte("32 or more random bytes, kept secret!"),
	})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/orders", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello %s", gatehouse.UserFrom(r.Context()).Username)
	})
	mux.Handle("/", gatehouse.Optional(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u := gatehouse.UserFrom(r.Context()); u != nil {
			fmt.Fprintf(w, "welcome back, %s", u.DisplayName)
			return
		}
		fmt.Fprint(w, "welcome, stranger")
	})))
	h := client.Middleware(mux) // serve it with http.ListenAndServe

	// An anonymous browser opening /orders is sent to the center to sign in.
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "https://shop.example.com/orders", nil))
	fmt.Println(rec.Code, strings.SplitAfter(rec.Header().Get("Location"), "?")[0])
	// The optional home page is served to anyone.
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "https://shop.example.com/", nil))
	fmt.Println(rec.Code, rec.Body.String())
	// Output:
	// 302 https://sso.example.com/sso/login?
	// 200 welcome, stranger
}

func ExampleRequirePermission() {
	edit := gatehouse.RequirePermission("cms:article:edit")(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "edited")
	}))
	for _, u := range []*gatehouse.User{
		nil,
		{Username: "jack", Permissions: []string{"cms:article:read"}},
		{Username: "danny", Permissions: []string{"cms:article:*"}},
		{Username: "smith", Permissions: []string{"cms:*"}},
	} {
		r := httptest.NewRequest("POST", "/articles/1", nil)
		if u != nil {
			r = r.WithContext(gatehouse.WithUser(r.Context(), u))
		}
		rec := httptest.NewRecorder()
		edit.ServeHTTP(rec, r)
		name := "anonymous"
		if u != nil {
			name = u.Username
		}
		fmt.Println(name, rec.Code)
	}
	// Output:
	// anonymous 401
	// jack 403
	// danny 200
	// smith 200
}

func ExampleClient_BearerMiddleware() {
	client, err := gatehouse.New(gatehouse.Config{
		CenterURL: "https://sso.example.com", SystemID: "shop", Secret: "s3cret",
		BaseURL: "https://shop.example.com", CookieSecret: []byte("32 or more random bytes, kept secret!"),
	})
	if err != nil {
		log.Fatal(err)
	}
	api := client.BearerMiddleware(gatehouse.RequireRole("ADMIN")(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello %s", gatehouse.UserFrom(r.Context()).Username)
	})))
	// A call without "Authorization: Bearer <access token>" is refused; with a token of the
	// center for this system it reaches the handler with the token's user.
	rec := httptest.NewRecorder()
	api.ServeHTTP(rec, httptest.NewRequest("GET", "https://shop.example.com/api/orders", nil))
	fmt.Println(rec.Code, rec.Header().Get("WWW-Authenticate"))
	// Output:
	// 401 Bearer realm="gatehouse"
}
