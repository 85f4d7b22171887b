package oidc

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/session"
	"github.com/gatehouse/gatehouse/internal/store"
)

// Bounds of what an authorization request may carry.
const (
	maxStateBytes = 1024
	maxNonceBytes = 512
)

// AuditAuthorized is written when a session completes an authorization for a client.
const (
	AuditAuthorized  = "oidc.authorized"
	AuditCodeReplay  = "oidc.code_replay"
	AuditRefreshUsed = "oidc.refresh"
)

// requestRecord is an authorization request as the session store keeps it, from /authorize
// until its code is redeemed (and for a while after, to recognise a replay).
type requestRecord struct {
	ID              string   `json:"id"`
	ClientID        string   `json:"client"`
	RedirectURI     string   `json:"redirect_uri"`
	Scopes          []string `json:"scopes"`
	State           string   `json:"state,omitempty"`
	Nonce           string   `json:"nonce,omitempty"`
	ResponseMode    string   `json:"response_mode,omitempty"`
	Challenge       string   `json:"challenge,omitempty"`
	ChallengeMethod string   `json:"challenge_method,omitempty"`
	Prompt          []string `json:"prompt,omitempty"`
	MaxAge          *uint    `json:"max_age,omitempty"`
	HintSubject     string   `json:"hint_sub,omitempty"` // sub of a verified id_token_hint
	Created         int64    `json:"created"`            // unix ms

	// Set by the session that completes it.
	UserID   string `json:"user,omitempty"`
	SID      string `json:"sid,omitempty"`
	AuthTime int64  `json:"auth_time,omitempty"` // unix s

	// Set when op issues the code, and when the code is redeemed.
	CodeHash string `json:"code,omitempty"`
	CodeExp  int64  `json:"code_exp,omitempty"` // unix ms
	Used     bool   `json:"used,omitempty"`
	AccessID string `json:"access,omitempty"` // what the redemption issued, revoked on replay
	Family   string `json:"family,omitempty"`
}

func requestKey(id string) string { return "oidc:ar:{" + id + "}" }

// authRequest is a requestRecord as op sees it, with the bytes it was read from (the
// condition of the redemption's atomic update).
type authRequest struct {
	r   requestRecord
	raw []byte
}

var _ op.AuthRequest = (*authRequest)(nil)

func (a *authRequest) GetID() string          { return a.r.ID }
func (a *authRequest) GetACR() string         { return "" }
func (a *authRequest) GetAMR() []string       { return []string{"pwd"} }
func (a *authRequest) GetAudience() []string  { return []string{a.r.ClientID} }
func (a *authRequest) GetAuthTime() time.Time { return time.Unix(a.r.AuthTime, 0) }
func (a *authRequest) GetClientID() string    { return a.r.ClientID }
func (a *authRequest) GetCodeChallenge() *oidc.CodeChallenge {
	if a.r.Challenge == "" {
		return nil
	}
	return &oidc.CodeChallenge{Challenge: a.r.Challenge, Method: oidc.CodeChallengeMethod(a.r.ChallengeMethod)}
}
func (a *authRequest) GetNonce() string                   { return a.r.Nonce }
func (a *authRequest) GetRedirectURI() string             { return a.r.RedirectURI }
func (a *authRequest) GetResponseType() oidc.ResponseType { return oidc.ResponseTypeCode }
func (a *authRequest) GetResponseMode() oidc.ResponseMode {
	return oidc.ResponseMode(a.r.ResponseMode)
}
func (a *authRequest) GetScopes() []string { return a.r.Scopes }
func (a *authRequest) GetState() string    { return a.r.State }
func (a *authRequest) GetSubject() string  { return a.r.UserID }
func (a *authRequest) Done() bool          { return a.r.SID != "" }

// SID is the session that completed the request.
func (a *authRequest) SID() string { return a.r.SID }

// Prompt and MaxAge are what the login glue must honour.
func (a *authRequest) Prompt() []string { return a.r.Prompt }
func (a *authRequest) MaxAge() *uint    { return a.r.MaxAge }

// HintSubject is the user an id_token_hint named ("" for none): only that user's session may
// complete the request without a new sign-in.
func (a *authRequest) HintSubject() string { return a.r.HintSubject }

// CreatedAt is when the request reached /authorize.
func (a *authRequest) CreatedAt() time.Time { return time.UnixMilli(a.r.Created) }

// Request is an authorization request waiting for a sign-in, as the login glue sees it.
type Request interface {
	op.AuthRequest
	SID() string // the session that completed it; "" before
	HintSubject() string
	Prompt() []string
	MaxAge() *uint
	CreatedAt() time.Time
}

func invalidRequest(format string, args ...any) error {
	return oidc.ErrInvalidRequest().WithDescription(format, args...)
}

// CreateAuthRequest stores a validated authorization request. op has matched the client and
// its redirect URI; here the rest of Gatehouse's rules: PKCE S256 (required of public
// clients, "plain" refused), only the code flow, scopes the client may have, bounded state
// and nonce.
func (s *Storage) CreateAuthRequest(ctx context.Context, req *oidc.AuthRequest, hintSub string) (op.AuthRequest, error) {
	sys, err := s.system(ctx, req.ClientID)
	if err != nil {
		return nil, err
	}
	if !sys.OIDC.AllowsGrant(domain.GrantAuthorizationCode) {
		return nil, oidc.ErrUnauthorizedClient().WithDescription("the client may not use the authorization code flow")
	}
	switch {
	case req.ResponseType != oidc.ResponseTypeCode:
		return nil, invalidRequest("only response_type=code is supported")
	case req.CodeChallenge == "" && sys.OIDC.Public:
		return nil, invalidRequest("a public client must use PKCE (code_challenge with code_challenge_method=S256)")
	case req.CodeChallenge != "" && req.CodeChallengeMethod != oidc.CodeChallengeMethodS256:
		return nil, invalidRequest("code_challenge_method must be S256")
	case req.CodeChallenge != "" && (len(req.CodeChallenge) < 43 || len(req.CodeChallenge) > 128):
		return nil, invalidRequest("code_challenge must be 43 to 128 characters")
	case len(req.State) > maxStateBytes:
		return nil, invalidRequest("state is longer than %d bytes", maxStateBytes)
	case len(req.Nonce) > maxNonceBytes:
		return nil, invalidRequest("nonce is longer than %d bytes", maxNonceBytes)
	case !slices.Contains(req.Scopes, oidc.ScopeOpenID):
		return nil, oidc.ErrInvalidScope().WithDescription("the openid scope is required")
	}
	switch req.ResponseMode {
	case "", oidc.ResponseModeQuery, oidc.ResponseModeFormPost:
	default:
		return nil, invalidRequest("response_mode must be query or form_post")
	}
	id, err := s.newID()
	if err != nil {
		return nil, err
	}
	scopes := allowedScopes(sys, req.Scopes)
	if !slices.Contains(scopes, oidc.ScopeOpenID) {
		scopes = append([]string{oidc.ScopeOpenID}, scopes...)
	}
	if !sys.OIDC.AllowsGrant(domain.GrantRefreshToken) {
		scopes = slices.DeleteFunc(scopes, func(s string) bool { return s == oidc.ScopeOfflineAccess })
	}
	rec := requestRecord{
		ID: id, ClientID: sys.ID, RedirectURI: req.RedirectURI, Scopes: scopes, State: req.State,
		Nonce: req.Nonce, ResponseMode: string(req.ResponseMode), Challenge: req.CodeChallenge,
		ChallengeMethod: string(req.CodeChallengeMethod), Prompt: req.Prompt, MaxAge: req.MaxAge,
		HintSubject: hintSub, Created: s.now().UnixMilli(),
	}
	raw, err := json.Marshal(rec)
	if err != nil {
		return nil, err
	}
	if err := s.KV.Set(ctx, requestKey(id), raw, DefaultRequestTTL); err != nil {
		return nil, err
	}
	return &authRequest{r: rec, raw: raw}, nil
}

var errNoRequest = errors.New("unknown or expired authorization request")

func (s *Storage) load(ctx context.Context, id string) (*authRequest, error) {
	if id == "" || len(id) > 64 {
		return nil, errNoRequest
	}
	raw, err := s.KV.Get(ctx, requestKey(id))
	if errors.Is(err, domain.ErrNotFound) {
		return nil, errNoRequest
	}
	if err != nil {
		return nil, err
	}
	a := &authRequest{raw: raw}
	if err := json.Unmarshal(raw, &a.r); err != nil {
		return nil, err
	}
	return a, nil
}

// update writes rec over a if nothing changed it since it was read.
func (s *Storage) update(ctx context.Context, a *authRequest, rec requestRecord, ttl time.Duration) (bool, error) {
	raw, err := json.Marshal(rec)
	if err != nil {
		return false, err
	}
	key := requestKey(rec.ID)
	return s.KV.Txn(ctx, []store.Cond{{Kind: store.CondEqual, Key: key, Value: a.raw}},
		[]store.Op{{Kind: store.OpPut, Key: key, Value: raw, TTL: ttl}})
}

// AuthRequestByID returns a request that has not been redeemed yet.
func (s *Storage) AuthRequestByID(ctx context.Context, id string) (op.AuthRequest, error) {
	a, err := s.Request(ctx, id)
	if err != nil {
		return nil, err
	}
	return a, nil
}

// Request returns a pending authorization request for the login glue.
func (s *Storage) Request(ctx context.Context, id string) (Request, error) {
	a, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if a.r.CodeHash != "" {
		return nil, errNoRequest // its code was issued: the request is spent
	}
	return a, nil
}

// Complete marks the request as authorized by session sess: the session joins the client's
// system (so that its end queues a back-channel logout there), and auth_time is the session's
// sign-in.
func (s *Storage) Complete(ctx context.Context, id string, sess *session.Session) error {
	a, err := s.load(ctx, id)
	if err != nil {
		return err
	}
	if a.r.CodeHash != "" || a.r.SID != "" {
		return errNoRequest
	}
	if err := s.Sessions.Join(ctx, sess.ID, a.r.ClientID); err != nil {
		return err
	}
	rec := a.r
	rec.UserID, rec.SID, rec.AuthTime = sess.UserID, sess.ID, sess.CreatedAt.Unix()
	ok, err := s.update(ctx, a, rec, DefaultRequestTTL)
	if err != nil {
		return err
	}
	if !ok {
		return errNoRequest
	}
	s.audit(ctx, domain.AuditEvent{Type: AuditAuthorized, ActorID: sess.UserID, SubjectID: sess.UserID,
		SystemID: rec.ClientID, SessionID: sess.ID, Outcome: "success"})
	return nil
}

// SaveAuthCode binds the code op made to the completed request; one code per request.
func (s *Storage) SaveAuthCode(ctx context.Context, id, code string) error {
	a, err := s.load(ctx, id)
	if err != nil {
		return err
	}
	if !a.Done() || a.r.CodeHash != "" {
		return errNoRequest
	}
	rec := a.r
	rec.CodeHash, rec.CodeExp = hashOf(code), s.now().Add(s.CodeTTL).UnixMilli()
	ok, err := s.update(ctx, a, rec, s.CodeTTL+usedCodeRemembered)
	if err != nil {
		return err
	}
	if !ok {
		return errNoRequest
	}
	return nil
}

// AuthRequestByCode finds the request of a code that is still redeemable. It is called before
// the client is authenticated, so it changes nothing — except for a code that was redeemed
// already: RFC 6749 §4.1.2, the server "SHOULD revoke (when possible) all tokens previously
// issued based on that authorization code".
func (s *Storage) AuthRequestByCode(ctx context.Context, code string) (op.AuthRequest, error) {
	s.init()
	id, err := s.Crypto.Decrypt(code)
	if err != nil {
		return nil, errors.New("malformed code")
	}
	a, err := s.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if a.r.CodeHash == "" || !sameString(a.r.CodeHash, hashOf(code)) {
		return nil, errors.New("unknown code")
	}
	if a.r.Used {
		s.revokeRedeemed(ctx, a)
		return nil, errors.New("code already used; the tokens it gave are revoked")
	}
	if s.now().UnixMilli() >= a.r.CodeExp {
		return nil, errors.New("code expired")
	}
	if _, err := s.Sessions.Get(ctx, a.r.SID); err != nil {
		return nil, errors.New("the session of the code has ended")
	}
	return a, nil
}

// revokeRedeemed revokes what the first redemption of a's code issued.
func (s *Storage) revokeRedeemed(ctx context.Context, a *authRequest) {
	var errs []error
	if a.r.AccessID != "" {
		errs = append(errs, s.KV.Delete(ctx, accessKey(a.r.AccessID)))
	}
	if a.r.Family != "" {
		errs = append(errs, s.Refresh.RevokeFamily(ctx, a.r.SID, a.r.Family))
	}
	if err := errors.Join(errs...); err != nil {
		s.Log.WarnContext(ctx, "oidc: revoking the tokens of a replayed code failed", "err", err)
	}
	s.audit(ctx, domain.AuditEvent{Type: AuditCodeReplay, SubjectID: a.r.UserID, SystemID: a.r.ClientID,
		SessionID: a.r.SID, Outcome: "failure", Reason: "authorization code replayed; its tokens revoked"})
}

// redeem marks a's code as used, recording what it issued. Of concurrent redemptions exactly
// one succeeds; the others get invalid_grant.
func (s *Storage) redeem(ctx context.Context, a *authRequest, accessID, family string) error {
	rec := a.r
	rec.Used, rec.AccessID, rec.Family = true, accessID, family
	ok, err := s.update(ctx, a, rec, usedCodeRemembered)
	if err != nil {
		return oidc.ErrServerError().WithParent(err)
	}
	if !ok {
		return oidc.ErrInvalidGrant().WithDescription("code already used")
	}
	return nil
}

// DeleteAuthRequest is called by op once the code's tokens are issued. A redeemed request is
// kept (marked used) to recognise a replay; anything else is deleted.
func (s *Storage) DeleteAuthRequest(ctx context.Context, id string) error {
	a, err := s.load(ctx, id)
	if err != nil || a.r.Used {
		return nil
	}
	return s.KV.Delete(ctx, requestKey(id))
}

func sameString(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	var v byte
	for i := 0; i < len(a); i++ {
		v |= a[i] ^ b[i]
	}
	return v == 0
}
