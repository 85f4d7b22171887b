package respond

import (
	"net/http"

	"golang.org/x/text/language"
)

// The languages of Gatehouse messages.
const (
	English = "en"
	Chinese = "zh"
)

// The first tag is the default.
var languages = language.NewMatcher([]language.Tag{language.English, language.Chinese})

// maxAcceptLanguage bounds the header we bother to parse; real ones are far shorter.
const maxAcceptLanguage = 512

// Language returns the language the caller prefers among ours ("en" or "zh") from
// Accept-Language, q-values respected; English when the header is absent, unparsable or names
// neither. Any Chinese variant (zh-CN, zh-TW, zh-Hant-HK) gets Chinese.
func Language(r *http.Request) string {
	h := r.Header.Values("Accept-Language")
	if len(h) == 0 {
		return English
	}
	n := 0
	for _, v := range h {
		n += len(v)
	}
	if n > maxAcceptLanguage {
		return English
	}
	if _, i := language.MatchStrings(languages, h...); i == 1 {
		return Chinese
	}
	return English
}
