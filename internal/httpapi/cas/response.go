package cas

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"strings"
	"time"
)

// serviceValidate is GET /cas/serviceValidate (CAS 2.0, §2.5) and /cas/p3/serviceValidate
// (CAS 3.0, §2.8): both answer with attributes, as CAS 3.0 servers do; format=JSON gives the
// JSON form (§2.5.4 / Appendix "JSON"), anything else XML.
func (h *Handler) serviceValidate(w http.ResponseWriter, r *http.Request) {
	ok, fail := h.check(r)
	if strings.EqualFold(r.URL.Query().Get("format"), "JSON") {
		writeJSON(w, ok, fail)
		return
	}
	writeXML(w, ok, fail)
}

// validate1 is GET /cas/validate (CAS 1.0, §2.4.2): "yes\n<user>\n" or "no\n\n".
func (h *Handler) validate1(w http.ResponseWriter, r *http.Request) {
	ok, _ := h.check(r)
	body := "no\n\n"
	if ok != nil {
		body = "yes\n" + ok.User + "\n"
	}
	noStore(w)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte(body))
}

func noStore(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
}

// casNamespace is the namespace of every element of a service response (§2.5.2).
const casNamespace = "http://www.yale.edu/tp/cas"

// The XML form. Element names carry the conventional "cas:" prefix, declared on the root;
// encoding/xml writes every text and attribute value escaped.
type xmlResponse struct {
	XMLName xml.Name    `xml:"cas:serviceResponse"`
	NS      string      `xml:"xmlns:cas,attr"`
	Success *xmlSuccess `xml:"cas:authenticationSuccess,omitempty"`
	Failure *xmlFailure `xml:"cas:authenticationFailure,omitempty"`
}

type xmlFailure struct {
	Code    string `xml:"code,attr"`
	Message string `xml:",chardata"`
}

type xmlSuccess struct {
	User       string        `xml:"cas:user"`
	Attributes xmlAttributes `xml:"cas:attributes"`
}

type xmlAttributes struct {
	AuthenticationDate string   `xml:"cas:authenticationDate"`
	LongTerm           bool     `xml:"cas:longTermAuthenticationRequestTokenUsed"`
	IsFromNewLogin     bool     `xml:"cas:isFromNewLogin"`
	UserID             string   `xml:"cas:userId"`
	Username           string   `xml:"cas:username"`
	DisplayName        string   `xml:"cas:displayName,omitempty"`
	Email              string   `xml:"cas:email,omitempty"`
	Roles              []string `xml:"cas:roles"`       // one element per value
	Permissions        []string `xml:"cas:permissions"` // one element per value
}

func writeXML(w http.ResponseWriter, ok *success, fail *failure) {
	resp := xmlResponse{NS: casNamespace}
	if ok != nil {
		a := ok.Attributes
		resp.Success = &xmlSuccess{User: ok.User, Attributes: xmlAttributes{
			AuthenticationDate: a.AuthenticationDate.UTC().Format(time.RFC3339), LongTerm: a.LongTerm,
			IsFromNewLogin: a.IsFromNewLogin, UserID: a.UserID, Username: a.Username,
			DisplayName: a.DisplayName, Email: a.Email, Roles: a.Roles, Permissions: a.Permissions,
		}}
	} else {
		resp.Failure = &xmlFailure{Code: fail.Code, Message: fail.Message}
	}
	var buf bytes.Buffer
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(resp); err != nil { // only strings and booleans: it cannot fail
		http.Error(w, "encoding failed", http.StatusInternalServerError)
		return
	}
	buf.WriteByte('\n')
	noStore(w)
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	_, _ = w.Write(buf.Bytes())
}

// The JSON form, as CAS 3.0 servers write it: single values as strings, multi-valued
// attributes as arrays (always arrays, even with one or no value).
type jsonResponse struct {
	ServiceResponse struct {
		Success *jsonSuccess `json:"authenticationSuccess,omitempty"`
		Failure *jsonFailure `json:"authenticationFailure,omitempty"`
	} `json:"serviceResponse"`
}

type jsonFailure struct {
	Code        string `json:"code"`
	Description string `json:"description"`
}

type jsonSuccess struct {
	User       string         `json:"user"`
	Attributes map[string]any `json:"attributes"`
}

func writeJSON(w http.ResponseWriter, ok *success, fail *failure) {
	var resp jsonResponse
	if ok != nil {
		a := ok.Attributes
		attrs := map[string]any{
			"authenticationDate":                     a.AuthenticationDate.UTC().Format(time.RFC3339),
			"longTermAuthenticationRequestTokenUsed": a.LongTerm,
			"isFromNewLogin":                         a.IsFromNewLogin,
			"userId":                                 a.UserID,
			"username":                               a.Username,
			"roles":                                  nonNil(a.Roles),
			"permissions":                            nonNil(a.Permissions),
		}
		if a.DisplayName != "" {
			attrs["displayName"] = a.DisplayName
		}
		if a.Email != "" {
			attrs["email"] = a.Email
		}
		resp.ServiceResponse.Success = &jsonSuccess{User: ok.User, Attributes: attrs}
	} else {
		resp.ServiceResponse.Failure = &jsonFailure{Code: fail.Code, Description: fail.Message}
	}
	b, err := json.Marshal(resp)
	if err != nil {
		http.Error(w, "encoding failed", http.StatusInternalServerError)
		return
	}
	noStore(w)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(append(b, '\n'))
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
