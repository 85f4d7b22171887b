package sso

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/gatehouse/gatehouse/internal/auth"
	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/session"
	"github.com/gatehouse/gatehouse/internal/store"
	"github.com/gatehouse/gatehouse/internal/syscache"
	"github.com/gatehouse/gatehouse/internal/token"
)

// Systems finds registered sub-systems (the SQL store does).
type Systems interface {
	SystemByID(ctx context.Context, id string) (*domain.System, error)
}

// Users finds users by id (the SQL store does).
type Users interface {
	UserByID(ctx context.Context, id string) (*domain.User, error)
}

// Service issues and redeems one-time tickets and answers sub-systems about their users. Set
// the fields before first use; Now and Rand default to time.Now and crypto/rand. A Service is
// safe for concurrent use; besides the entropy lock it keeps only a cache of systems, read
// again after two seconds.
type Service struct {
	KV       store.Values
	Systems  Systems
	Users    Users
	Sessions *session.Manager
	Authz    *auth.AuthzCache
	Access   *token.Access
	Refresh  *token.Refresh
	Audit    store.Audit // nil: no audit events
	// TicketTTL is the lifetime of a ticket, at most a minute; 0 means a minute.
	TicketTTL time.Duration
	Now       func() time.Time
	Rand      io.Reader

	randMu  sync.Mutex
	systems syscache.Cache
}

// AuditSystemJoined is the audit event of a system's first sign-in to a session through a
// ticket.
const AuditSystemJoined = "sso.system_joined"

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) ttl() time.Duration {
	if s.TicketTTL > 0 && s.TicketTTL <= time.Minute {
		return s.TicketTTL
	}
	return time.Minute
}

func (s *Service) random(b []byte) error {
	var err error
	if s.Rand == nil {
		_, err = rand.Read(b)
	} else {
		s.randMu.Lock()
		_, err = io.ReadFull(s.Rand, b)
		s.randMu.Unlock()
	}
	if err != nil {
		return domain.Wrap(domain.CodeInternal, err, "sso: reading entropy")
	}
	return nil
}

// Authorize checks that a system may start a sign-in of kind k towards redirectURI: it exists,
// it is allowed the protocol, and redirectURI is one of its registered URIs, compared exactly as
// parsed URLs (domain.System.RedirectURIMatches). An unknown system and a bad redirect URI are
// invalid_input, a system not allowed the protocol forbidden. Faces show these on a page and
// never redirect to an unchecked URI.
func (s *Service) Authorize(ctx context.Context, k Kind, systemID, redirectURI string) (*domain.System, error) {
	proto, ok := k.protocol()
	if !ok {
		return nil, domain.Errorf(domain.CodeInternal, "sso: unknown ticket kind %q", k)
	}
	if !domain.ValidSystemID(systemID) {
		return nil, fieldError("system", "is not a registered system")
	}
	sys, err := s.system(ctx, systemID)
	if errors.Is(err, domain.ErrNotFound) {
		return nil, fieldError("system", "is not a registered system")
	}
	if err != nil {
		return nil, err
	}
	if !sys.AllowsProtocol(proto) {
		return nil, domain.Errorf(domain.CodeForbidden, "the system %s may not sign in through %s", sys.ID, proto)
	}
	if len(redirectURI) > maxRedirectLen || !sys.RedirectURIMatches(redirectURI) {
		return nil, fieldError("redirect_uri", "is not registered for this system")
	}
	return sys, nil
}

func fieldError(field, problem string) error {
	return &domain.Error{Code: domain.CodeInvalidInput, Message: "invalid input",
		Fields: []domain.FieldError{{Field: field, Problem: problem}}}
}

// IssueRequest is what a ticket is bound to.
type IssueRequest struct {
	Kind        Kind
	System      *domain.System // as Authorize returned it
	RedirectURI string         // checked by Authorize
	Session     *session.Session
	// CodeChallenge, when not empty, must be answered at redemption by a code_verifier whose
	// S256 hash it is (CodeChallengeMethod "S256").
	CodeChallenge       string
	CodeChallengeMethod string
}

// Issue makes a one-time ticket: 160 random bits, base64url ("ST-" in front for CAS), stored
// for TicketTTL. The ticket is the only thing that goes into the redirect URL; it is worthless
// after one redemption attempt, after TicketTTL, and to any other system or redirect URI.
func (s *Service) Issue(ctx context.Context, req IssueRequest) (string, error) {
	if _, ok := req.Kind.protocol(); !ok || req.System == nil || req.Session == nil {
		return "", domain.Errorf(domain.CodeInternal, "sso: Issue needs a kind, a system and a session")
	}
	if !req.System.RedirectURIMatches(req.RedirectURI) {
		return "", fieldError("redirect_uri", "is not registered for this system")
	}
	if err := ValidChallenge(req.CodeChallenge, req.CodeChallengeMethod); err != nil {
		return "", err
	}
	var b [ticketBytes]byte
	if err := s.random(b[:]); err != nil {
		return "", err
	}
	t := ticketEncoding(b[:])
	if req.Kind == KindCAS {
		t = casPrefix + t
	}
	ttl := s.ttl()
	rec := record{K: req.Kind, S: req.System.ID, R: req.RedirectURI, I: req.Session.ID, U: req.Session.UserID,
		C: req.CodeChallenge, E: s.now().Add(ttl).UnixMilli()}
	ok, err := s.KV.SetNX(ctx, keyPrefix+t, rec.encode(), ttl)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", domain.Errorf(domain.CodeInternal, "sso: a new ticket id is taken; the entropy source is broken")
	}
	return t, nil
}

// RedeemRequest is a sub-system presenting a ticket.
type RedeemRequest struct {
	Kind         Kind
	SystemID     string // the system that authenticated the request
	Ticket       string
	RedirectURI  string // must be the one the ticket was issued for
	CodeVerifier string
	Client       auth.Client // the sub-system's server, for the refresh token's binding
}

// Result is a redeemed ticket: who signed in, what they may do in the system, and tokens for it.
type Result struct {
	User      domain.User
	Effective domain.Effective
	Session   *session.Session
	Tokens    auth.Tokens
}

var errBadTicket = domain.Errorf(domain.CodeTokenInvalid, "the ticket is unknown, used or expired")

// Redeem validates a ticket once. The ticket is taken out of the store atomically before any
// check, so it has exactly one validation attempt even when that attempt fails, and of
// concurrent attempts only one sees it.
//
// Then: the kind, the system and the redirect URI must be those of issue (RFC 6749 §4.1.3
// semantics, answered as token_invalid like OAuth's invalid_grant), a code challenge must be
// answered (RFC 7636 §4.6), a verifier without a challenge is refused (RFC 9700 §2.1.1, PKCE
// downgrade), the session must still be alive and the user active. On success the session
// records that the system joined, and the system gets an access token whose audience is that
// system alone (never the center: a sub-system must not call the center's API as the user), with
// the user's roles there, and a refresh token bound to the system.
func (s *Service) Redeem(ctx context.Context, req RedeemRequest) (*Result, error) {
	if !wellFormedTicket(req.Kind, req.Ticket) {
		return nil, errBadTicket
	}
	raw, err := s.KV.GetDel(ctx, keyPrefix+req.Ticket)
	if errors.Is(err, domain.ErrNotFound) {
		return nil, errBadTicket
	}
	if err != nil {
		return nil, err
	}
	var rec record
	if err := json.Unmarshal(raw, &rec); err != nil {
		return nil, domain.Wrap(domain.CodeInternal, err, "sso: a stored ticket is corrupt")
	}
	if rec.expired(s.now()) || rec.K != req.Kind {
		return nil, errBadTicket
	}
	if rec.S != req.SystemID {
		return nil, domain.Errorf(domain.CodeTokenInvalid, "the ticket was not issued to this system")
	}
	bound := domain.System{RedirectURIs: []string{rec.R}}
	if !bound.RedirectURIMatches(req.RedirectURI) {
		return nil, domain.Errorf(domain.CodeTokenInvalid, "the redirect_uri differs from the one the ticket was issued for")
	}
	switch {
	case rec.C != "" && !verifierMatches(req.CodeVerifier, rec.C):
		return nil, domain.Errorf(domain.CodeTokenInvalid, "the code_verifier is missing or does not match the code_challenge")
	case rec.C == "" && req.CodeVerifier != "":
		return nil, domain.Errorf(domain.CodeTokenInvalid, "a code_verifier was sent but the sign-in had no code_challenge")
	}
	sess, id, err := s.liveSession(ctx, rec.I, rec.U)
	if err != nil {
		return nil, err
	}
	// A system's first sign-in to a session is the event worth an audit line; later tickets of
	// the same pair (a sub-system's own session expired, a new tab) only repeat it.
	_, joined := slices.BinarySearch(sess.Systems, rec.S)
	if !joined {
		if err := s.Sessions.Join(ctx, sess.ID, rec.S); err != nil {
			return nil, err
		}
	}
	eff := id.Effective(rec.S)
	aud := []string{rec.S}
	at, claims, err := s.Access.Issue(ctx, id.User.ID, id.User.Username, sess.ID, aud, eff.Roles)
	if err != nil {
		return nil, err
	}
	rt, _, err := s.Refresh.Issue(ctx, token.Binding{SessionID: sess.ID, UserID: sess.UserID, System: rec.S,
		UserAgent: req.Client.UserAgent, IP: req.Client.IP})
	if err != nil {
		return nil, err
	}
	if !joined {
		s.audit(ctx, domain.AuditEvent{Type: AuditSystemJoined, ActorID: id.User.ID, SubjectID: id.User.ID,
			SystemID: rec.S, SessionID: sess.ID, IP: req.Client.IP, UserAgent: req.Client.UserAgent,
			Details: map[string]string{"kind": string(rec.K)}})
		i, _ := slices.BinarySearch(sess.Systems, rec.S)
		sess.Systems = slices.Insert(sess.Systems, i, rec.S) // as Join stored it
	}
	return &Result{User: id.User, Effective: eff, Session: sess, Tokens: auth.Tokens{
		AccessToken: at, AccessExpiresAt: time.Unix(claims.Expiry, 0).UTC(), RefreshToken: rt,
		Audience: aud, Roles: eff.Roles,
	}}, nil
}

// liveSession returns a session that is alive and belongs to userID, and the user, who must be
// active. Every failure is session_expired.
func (s *Service) liveSession(ctx context.Context, sid, userID string) (*session.Session, *auth.Identity, error) {
	sess, err := s.Sessions.Get(ctx, sid)
	if err != nil {
		return nil, nil, err
	}
	if sess.UserID != userID {
		return nil, nil, errSessionEnded
	}
	id, err := s.Authz.Get(ctx, userID)
	if errors.Is(err, domain.ErrNotFound) || err == nil && id.User.Status != domain.UserActive {
		return nil, nil, errSessionEnded
	}
	if err != nil {
		return nil, nil, err
	}
	return sess, id, nil
}

var errSessionEnded = domain.Errorf(domain.CodeSessionExpired, "the session has ended; sign in again")

func (s *Service) audit(ctx context.Context, e domain.AuditEvent) {
	if s.Audit == nil {
		return
	}
	if e.At.IsZero() {
		e.At = s.now()
	}
	if e.Outcome == "" {
		e.Outcome = "success"
	}
	_ = s.Audit.AppendAudit(ctx, &e) // the act happened; a lost audit line is logged by the store
}
