package respond

import (
	"net/http"
	"slices"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// Entry is how one domain.Code is shown to API callers. Numbers are grouped by status
// (status*100 + n) and never change or get reused.
type Entry struct {
	Code    domain.Code
	Number  int
	Status  int
	English string
	Chinese string
}

// Message returns the message in lang ("zh" or anything else for English).
func (e Entry) Message(lang string) string {
	if lang == Chinese {
		return e.Chinese
	}
	return e.English
}

// entries is the catalog, ordered by number.
var entries = []Entry{
	{Code: domain.CodeInvalidInput, Number: 40001, Status: http.StatusBadRequest, English: "Invalid input.", Chinese: "输入内容不合法。"},
	{Code: domain.CodeMalformedBody, Number: 40002, Status: http.StatusBadRequest, English: "The request body is not valid JSON for this endpoint.", Chinese: "请求体不是本接口要求的合法 JSON。"},
	{Code: domain.CodeUnauthenticated, Number: 40101, Status: http.StatusUnauthorized, English: "Please sign in.", Chinese: "请先登录。"},
	{Code: domain.CodeInvalidCredentials, Number: 40102, Status: http.StatusUnauthorized, English: "The username or password is incorrect.", Chinese: "用户名或密码错误。"},
	{Code: domain.CodeCaptchaRequired, Number: 40103, Status: http.StatusUnauthorized, English: "Please enter the captcha.", Chinese: "请输入验证码。"},
	{Code: domain.CodeCaptchaInvalid, Number: 40104, Status: http.StatusUnauthorized, English: "The captcha is incorrect or has expired.", Chinese: "验证码错误或已过期。"},
	{Code: domain.CodeTokenInvalid, Number: 40105, Status: http.StatusUnauthorized, English: "The token is invalid.", Chinese: "令牌无效。"},
	{Code: domain.CodeTokenExpired, Number: 40106, Status: http.StatusUnauthorized, English: "The token has expired.", Chinese: "令牌已过期。"},
	{Code: domain.CodeSessionExpired, Number: 40107, Status: http.StatusUnauthorized, English: "Your session has ended; please sign in again.", Chinese: "会话已结束，请重新登录。"},
	{Code: domain.CodeForbidden, Number: 40301, Status: http.StatusForbidden, English: "You are not allowed to do this.", Chinese: "没有执行此操作的权限。"},
	{Code: domain.CodeNotFound, Number: 40401, Status: http.StatusNotFound, English: "Not found.", Chinese: "资源不存在。"},
	{Code: domain.CodeMethodNotAllowed, Number: 40501, Status: http.StatusMethodNotAllowed, English: "This method is not allowed here.", Chinese: "不支持该请求方法。"},
	{Code: domain.CodeConflict, Number: 40901, Status: http.StatusConflict, English: "It already exists or was changed meanwhile.", Chinese: "资源已存在或已被他人修改。"},
	{Code: domain.CodeBodyTooLarge, Number: 41301, Status: http.StatusRequestEntityTooLarge, English: "The request body is too large.", Chinese: "请求体过大。"},
	{Code: domain.CodeUnsupportedMedia, Number: 41501, Status: http.StatusUnsupportedMediaType, English: "The request body must be JSON (Content-Type: application/json).", Chinese: "请求体必须是 JSON（Content-Type: application/json）。"},
	{Code: domain.CodeWeakPassword, Number: 42201, Status: http.StatusUnprocessableEntity, English: "The password does not meet the password policy.", Chinese: "密码不符合密码策略。"},
	{Code: domain.CodeTooManyRequests, Number: 42901, Status: http.StatusTooManyRequests, English: "Too many attempts; please try again later.", Chinese: "尝试次数过多，请稍后再试。"},
	{Code: domain.CodeInternal, Number: 50001, Status: http.StatusInternalServerError, English: "Something went wrong on our side.", Chinese: "服务器内部错误。"},
	{Code: domain.CodeUnavailable, Number: 50301, Status: http.StatusServiceUnavailable, English: "The service is temporarily unavailable; please try again later.", Chinese: "服务暂时不可用，请稍后再试。"},
}

var catalog = func() map[domain.Code]Entry {
	m := make(map[domain.Code]Entry, len(entries))
	for _, e := range entries {
		m[e.Code] = e
	}
	return m
}()

// Lookup returns the catalog entry of code.
func Lookup(code domain.Code) (Entry, bool) {
	e, ok := catalog[code]
	return e, ok
}

// Catalog returns every entry, ordered by number.
func Catalog() []Entry { return slices.Clone(entries) }

// entryOf returns the entry of code, internal's when the catalog lacks it.
func entryOf(code domain.Code) (Entry, bool) {
	if e, ok := catalog[code]; ok {
		return e, true
	}
	return catalog[domain.CodeInternal], false
}
