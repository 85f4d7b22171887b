package oidc

import (
	"context"

	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// TerminateSession is op's older end-session hook; TerminateSessionFromRequest replaces it.
func (s *Storage) TerminateSession(context.Context, string, string) error { return nil }

// TerminateSessionFromRequest is RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0
// §2): op has checked the id_token_hint (our issuer, our keys) and the post-logout redirect
// URI. It ends the browser's global session and the session the hint names, if that one
// belongs to the hint's subject. Ending a session revokes its refresh families, makes its
// access tokens inactive and queues a back-channel logout for every system it joined.
func (s *Storage) TerminateSessionFromRequest(ctx context.Context, req *op.EndSessionRequest) (string, error) {
	st := stateOf(ctx)
	var sids []string
	if st != nil && st.cookie != "" {
		sids = append(sids, st.cookie)
	}
	if c := req.IDTokenHintClaims; c != nil && c.SessionID != "" && (len(sids) == 0 || sids[0] != c.SessionID) {
		if sess, err := s.Sessions.Get(ctx, c.SessionID); err == nil && sess.UserID == c.Subject {
			sids = append(sids, c.SessionID)
		}
	}
	for _, sid := range sids {
		if err := s.Sessions.End(ctx, sid, "oidc_logout"); err != nil {
			return "", err
		}
		s.audit(ctx, domainLogout(sid, req.ClientID))
	}
	if st != nil {
		st.mu.Lock()
		st.ended = append(st.ended, sids...)
		st.mu.Unlock()
	}
	return req.RedirectURI, nil
}

func domainLogout(sid, client string) domain.AuditEvent {
	return domain.AuditEvent{Type: "logout", SessionID: sid, SystemID: client, Outcome: "success",
		Details: map[string]string{"via": "oidc_end_session"}}
}
