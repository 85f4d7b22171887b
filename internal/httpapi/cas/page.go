package cas

import (
	"html/template"
	"net/http"

	"github.com/gatehouse/gatehouse/internal/httpapi/htmlpage"
	"github.com/gatehouse/gatehouse/internal/httpapi/respond"
)

// message keys of the pages.
const (
	msgBadRequest  = "bad_request"
	msgUnavailable = "unavailable"
	msgSignedOut   = "signed_out"
)

// texts holds every string of the pages, in English and Chinese.
var texts = map[string]map[string]string{
	respond.English: {
		"bad_request.title": "This sign-in link is not valid",
		"bad_request.body":  "The application that sent you here is not registered as a CAS service, or asked to return to an address it has not registered. Nothing was done. Go back and try again, or tell the application's administrator.",
		"unavailable.title": "Sign-in is unavailable",
		"unavailable.body":  "Something went wrong on our side. Please try again in a moment.",
		"signed_out.title":  "You are signed out",
		"signed_out.body":   "You have been signed out of every application that uses this sign-in. You can close this window.",
		"detail":            "Detail",
		"lang":              "en",
	},
	respond.Chinese: {
		"bad_request.title": "登录链接无效",
		"bad_request.body":  "将您引导至此的应用未注册为 CAS 服务，或要求返回到未注册的地址。未执行任何操作。请返回重试，或联系该应用的管理员。",
		"unavailable.title": "暂时无法登录",
		"unavailable.body":  "服务器出现问题，请稍后再试。",
		"signed_out.title":  "您已退出登录",
		"signed_out.body":   "您已从所有使用本认证中心的应用退出。现在可以关闭此窗口。",
		"detail":            "详情",
		"lang":              "zh-CN",
	},
}

// pageCSP allows nothing but the page itself: it has no script, style or image.
const pageCSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

var pageTemplate = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="{{.T.lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} · Gatehouse</title>
</head>
<body>
<main role="main">
<h1>{{.Title}}</h1>
<p>{{.Body}}</p>
{{if .Detail}}<p><strong>{{.T.detail}}:</strong> <span id="detail">{{.Detail}}</span></p>{{end}}
</main>
</body>
</html>
`))

type pageData struct {
	T      map[string]string
	Title  string
	Body   string
	Detail string
}

// page writes an HTML message page. The detail of err (its caller-safe message and field
// problems) is shown for bad input; causes of other failures go to the log only.
func (h *Handler) page(w http.ResponseWriter, r *http.Request, status int, key string, err error) {
	t := texts[respond.Language(r)]
	p := pageData{T: t, Title: t[key+".title"], Body: t[key+".body"], Detail: htmlpage.Detail(r, status, err, "cas page failed")}
	htmlpage.Write(w, status, pageCSP, pageTemplate, "page", p)
}
