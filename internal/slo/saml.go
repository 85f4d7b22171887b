package slo

import (
	"context"
	"encoding/xml"
	"net/url"
	"time"
)

// SAML 2.0 namespaces of a LogoutRequest (SAML 2.0 Core §3.7.1).
const (
	NamespaceProtocol  = "urn:oasis:names:tc:SAML:2.0:protocol"
	NamespaceAssertion = "urn:oasis:names:tc:SAML:2.0:assertion"
)

// logoutRequest is the SAML 2.0 LogoutRequest of CAS single logout (CAS 3.0 Appendix "SAML
// 2.0 logout"): the user as NameID and the service ticket as SessionIndex, which is what a CAS
// client keyed its local session by.
type logoutRequest struct {
	XMLName      xml.Name `xml:"samlp:LogoutRequest"`
	Samlp        string   `xml:"xmlns:samlp,attr"`
	Saml         string   `xml:"xmlns:saml,attr"`
	ID           string   `xml:"ID,attr"`
	Version      string   `xml:"Version,attr"`
	IssueInstant string   `xml:"IssueInstant,attr"`
	NameID       string   `xml:"saml:NameID"`
	SessionIndex string   `xml:"samlp:SessionIndex"`
}

// LogoutRequest is the SAML LogoutRequest of a KindCAS notice, issued at. Its ID is derived
// from the jti, so that it stays the same across the attempts of one notice (an xs:ID may not
// start with a digit, hence the prefix).
func LogoutRequest(n Notice, at time.Time) (string, error) {
	b, err := xml.Marshal(logoutRequest{
		Samlp: NamespaceProtocol, Saml: NamespaceAssertion,
		ID: "LR-" + n.JTI, Version: "2.0",
		// xs:dateTime in UTC (SAML 2.0 Core §1.3.3).
		IssueInstant: at.UTC().Format("2006-01-02T15:04:05Z"),
		NameID:       n.NameID, SessionIndex: n.SessionIndex,
	})
	return string(b), err
}

// form is the form body POSTed for n: a logout token as "logout_token" (Back-Channel Logout
// 1.0 §2.5), or a SAML LogoutRequest as "logoutRequest" (CAS 3.0 Appendix "SAML 2.0 logout").
func (s *Service) form(ctx context.Context, n Notice) (string, error) {
	if n.Kind == KindCAS {
		lr, err := LogoutRequest(n, s.now())
		if err != nil {
			return "", err
		}
		return url.Values{"logoutRequest": {lr}}.Encode(), nil
	}
	tok, err := s.Token(ctx, n)
	if err != nil {
		return "", err
	}
	return url.Values{"logout_token": {tok}}.Encode(), nil
}
