package ssoapi

import (
	"embed"
	"html/template"
	"io/fs"
	"net/http"

	"github.com/gatehouse/gatehouse/internal/httpapi/htmlpage"
	"github.com/gatehouse/gatehouse/internal/httpapi/respond"
)

//go:embed assets
var assets embed.FS

// pageCSP is the Content-Security-Policy of every HTML page: no inline script or style, images
// from here or data: URLs (the captcha), never framed.
const pageCSP = "default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'; frame-ancestors 'none'"

var templates = template.Must(template.ParseFS(assets, "assets/*.html"))

// staticFiles serves the page's script and style.
func staticFiles() http.Handler {
	sub, err := fs.Sub(assets, "assets/static")
	if err != nil {
		panic(err)
	}
	files := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=300")
		files.ServeHTTP(w, r)
	})
}

// message keys of the pages.
const (
	msgBadRequest  = "bad_request"
	msgUnavailable = "unavailable"
	msgSignedOut   = "signed_out"
	msgCrossOrigin = "cross_origin"
)

// texts holds every string of the pages, in English and Chinese.
var texts = map[string]map[string]string{
	respond.English: {
		"bad_request.title":  "This sign-in link is not valid",
		"bad_request.body":   "The application that sent you here is not registered, may not use single sign-on, or asked to return to an address it has not registered. Nothing was done. Go back and try again, or tell the application's administrator.",
		"unavailable.title":  "Sign-in is unavailable",
		"unavailable.body":   "Something went wrong on our side. Please try again in a moment.",
		"signed_out.title":   "You are signed out",
		"signed_out.body":    "You have been signed out of every application that uses this sign-in. You can close this window.",
		"cross_origin.title": "Request refused",
		"cross_origin.body":  "This request came from another site and was refused.",
		"detail":             "Detail",
		"login.title":        "Sign in",
		"login.username":     "Username",
		"login.password":     "Password",
		"login.remember":     "Keep me signed in on this device",
		"login.captcha":      "Characters in the image",
		"login.captcha_alt":  "Captcha image",
		"login.refresh":      "New image",
		"login.submit":       "Sign in",
		"login.network":      "The server could not be reached. Please try again.",
		"login.busy":         "Signing in…",
		"lang":               "en",
	},
	respond.Chinese: {
		"bad_request.title":  "登录链接无效",
		"bad_request.body":   "将您引导至此的应用未注册、未被允许使用单点登录，或要求返回到未注册的地址。未执行任何操作。请返回重试，或联系该应用的管理员。",
		"unavailable.title":  "暂时无法登录",
		"unavailable.body":   "服务器出现问题，请稍后再试。",
		"signed_out.title":   "您已退出登录",
		"signed_out.body":    "您已从所有使用本认证中心的应用退出。现在可以关闭此窗口。",
		"cross_origin.title": "请求被拒绝",
		"cross_origin.body":  "该请求来自其他网站，已被拒绝。",
		"detail":             "详情",
		"login.title":        "登录",
		"login.username":     "用户名",
		"login.password":     "密码",
		"login.remember":     "在此设备上保持登录",
		"login.captcha":      "图中字符",
		"login.captcha_alt":  "验证码图片",
		"login.refresh":      "换一张",
		"login.submit":       "登录",
		"login.network":      "无法连接服务器，请重试。",
		"login.busy":         "正在登录…",
		"lang":               "zh-CN",
	},
}

type messagePage struct {
	T      map[string]string
	Title  string
	Body   string
	Detail string
	Status int
	Base   string
}

// page writes an HTML message page. The detail of err (its caller-safe message and field
// problems) is shown for bad input; causes of other failures go to the log only.
func (h *Handler) page(w http.ResponseWriter, r *http.Request, status int, key string, err error) {
	t := texts[respond.Language(r)]
	p := messagePage{T: t, Title: t[key+".title"], Body: t[key+".body"], Status: status, Base: h.BasePath,
		Detail: htmlpage.Detail(r, status, err, "sso page failed")}
	render(w, status, "message.html", p)
}

// render writes the page template name with data (htmlpage.Write under pageCSP).
func render(w http.ResponseWriter, status int, name string, data any) {
	htmlpage.Write(w, status, pageCSP, templates, name, data)
}

type loginPage struct {
	T        map[string]string
	Continue string
	API      string
}

// MinimalLoginPage is the minimal server-rendered sign-in form, for GET /login when the front
// end (internal/httpapi/webui) is not built; base is the path of the public URL. The web face
// mounts GET /login, either this page or the built one.
func MinimalLoginPage(base string) http.Handler {
	return http.HandlerFunc((&Handler{BasePath: base}).loginPage)
}

// loginPage is the minimal sign-in form. Its script posts to the sign-in API and
// then goes to continue, which is used only when it is a path on this site.
func (h *Handler) loginPage(w http.ResponseWriter, r *http.Request) {
	render(w, http.StatusOK, "login.html", loginPage{
		T: texts[respond.Language(r)], Continue: SafeContinue(r.URL.Query().Get("continue"), h.BasePath), API: h.BasePath,
	})
}

// SafeContinue returns target when it is a same-origin path — one '/' followed by anything but
// '/' or '\' (browsers read "//host" and "/\host" as another host), no control characters —
// else the site's root.
func SafeContinue(target, base string) string {
	root := base + "/"
	if target == "" || len(target) > 4096 || target[0] != '/' {
		return root
	}
	if len(target) > 1 && (target[1] == '/' || target[1] == '\\') {
		return root
	}
	for i := 0; i < len(target); i++ {
		if c := target[i]; c < 0x20 || c == 0x7f || c == '\\' {
			return root
		}
	}
	return target
}
