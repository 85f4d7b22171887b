package auth

import (
	"context"
	"errors"
	"time"

	"github.com/gatehouse/gatehouse/internal/captcha"
	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/session"
	"github.com/gatehouse/gatehouse/internal/throttle"
)

// LoginRequest is one password sign-in attempt.
type LoginRequest struct {
	Username      string
	Password      string
	CaptchaID     string
	CaptchaAnswer string
	Remember      bool
	System        string // the system the access token is also for (its roles go into it); "" for none
	Client        Client
}

// Tokens is what a sign-in or a refresh hands out.
type Tokens struct {
	AccessToken     string
	AccessExpiresAt time.Time
	RefreshToken    string
	Audience        []string
	Roles           []string
}

// LoginResult is a successful sign-in.
type LoginResult struct {
	Session  *session.Session
	Cookie   string // the session cookie's value
	Tokens   Tokens
	Identity *Identity
}

// Input limits checked before any work.
const (
	maxUsernameBytes = 4 * domain.MaxUsernameLen
	maxPasswordBytes = 4096
)

var errBadCredentials = domain.Errorf(domain.CodeInvalidCredentials, "wrong username or password")

// Login checks a password sign-in and, when it is right, opens a new session with tokens.
//
// Order matters: input limits, then the lock and captcha checks, then the progressive delay —
// all before the password hash is computed, so an attacker cannot make the server hash at will.
// Unknown user, wrong password, and disabled or locked accounts get the same answer and,
// through padding, the same timing.
func (s *Service) Login(ctx context.Context, req LoginRequest) (*LoginResult, error) {
	username := domain.NormalizeUsername(req.Username)
	var p domain.Problems
	if username == "" || len(req.Username) > maxUsernameBytes {
		p.Add("username", "is required, at most %d bytes", maxUsernameBytes)
	}
	if req.Password == "" || len(req.Password) > maxPasswordBytes {
		p.Add("password", "is required, at most %d bytes", maxPasswordBytes)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	if req.System != "" && !domain.ValidSystemID(req.System) {
		return nil, domain.Errorf(domain.CodeInvalidInput, "system is not a valid system id")
	}
	ip := req.Client.IP

	verdict, err := s.Throttle.Check(ctx, username, ip)
	if err != nil {
		return nil, err
	}
	if verdict.Locked {
		return nil, lockedError(verdict)
	}
	if s.CaptchaPolicy == captcha.Always || (s.CaptchaPolicy != captcha.Never && verdict.CaptchaRequired) {
		if req.CaptchaID == "" || req.CaptchaAnswer == "" {
			return nil, domain.Errorf(domain.CodeCaptchaRequired, "answer the captcha to sign in")
		}
		if !s.Captcha.Check(ctx, req.CaptchaID, req.CaptchaAnswer) {
			// A wrong captcha is not a password failure: the password was never checked.
			return nil, domain.Errorf(domain.CodeCaptchaInvalid, "the captcha answer is wrong or expired; take a new one")
		}
	}
	if err := s.Sleep(ctx, verdict.Delay); err != nil {
		return nil, err
	}

	start := s.Now()
	u, reason, err := s.checkPassword(ctx, username, req.Password)
	if err != nil {
		return nil, err
	}
	if reason != "" {
		return nil, s.failed(ctx, req, username, reason, start)
	}
	s.pad.observe(s.Now(), s.Now().Sub(start))
	if err := s.Throttle.Succeed(ctx, username, ip); err != nil {
		s.Log.WarnContext(ctx, "clearing login failures", "err", err)
	}
	return s.openSession(ctx, u, req)
}

// checkPassword returns the user when the password is right and the account may sign in, or
// else the reason (for the audit log only).
func (s *Service) checkPassword(ctx context.Context, username, pw string) (*domain.User, string, error) {
	u, err := s.Users.UserByUsername(ctx, username)
	if errors.Is(err, domain.ErrNotFound) {
		if err := s.Hasher.DummyVerify(ctx, pw); err != nil {
			return nil, "", err
		}
		return nil, "unknown_user", nil
	}
	if err != nil {
		return nil, "", err
	}
	ok, rehash, err := s.Hasher.Verify(ctx, pw, u.PasswordHash)
	if err != nil {
		if domain.ErrorCode(err) == domain.CodeUnavailable {
			return nil, "", err
		}
		s.Log.ErrorContext(ctx, "stored password hash unusable", "user", u.ID, "err", err)
		return nil, "bad_hash", nil
	}
	switch {
	case !ok:
		return nil, "wrong_password", nil
	case u.Status != domain.UserActive:
		return nil, "account_" + string(u.Status), nil
	}
	if rehash {
		s.rehash(ctx, u, pw)
	}
	return u, "", nil
}

// rehash upgrades an imported or outdated hash to the current argon2id parameters. A failure
// only delays the upgrade to the next sign-in.
func (s *Service) rehash(ctx context.Context, u *domain.User, pw string) {
	h, err := s.Hasher.Hash(ctx, pw)
	if err == nil {
		u.PasswordHash = h
		err = s.Users.UpdateUser(ctx, u)
	}
	if err != nil {
		s.Log.WarnContext(ctx, "password re-hash failed", "user", u.ID, "err", err)
		return
	}
	s.Log.InfoContext(ctx, "password re-hashed to argon2id", "user", u.ID)
}

// failed records a failure, pads its timing, and says what the next attempt must do.
func (s *Service) failed(ctx context.Context, req LoginRequest, username, reason string, start time.Time) error {
	next, err := s.Throttle.Fail(ctx, username, req.Client.IP)
	s.audit(ctx, domain.AuditEvent{Type: AuditLoginFailure, Outcome: "failure", Reason: reason,
		IP: req.Client.IP, UserAgent: req.Client.UserAgent, Details: map[string]string{"username": username}})
	if rest := s.pad.floor() - s.Now().Sub(start); rest > 0 {
		_ = s.Sleep(ctx, rest)
	}
	if err != nil {
		return err
	}
	if next.Locked {
		s.audit(ctx, domain.AuditEvent{Type: AuditLoginLocked, Outcome: "failure", IP: req.Client.IP,
			Details: map[string]string{"username": username}})
		return lockedError(next)
	}
	if next.CaptchaRequired && s.CaptchaPolicy != captcha.Never {
		return domain.Errorf(domain.CodeCaptchaRequired, "wrong username or password; answer the captcha to try again")
	}
	return errBadCredentials
}

func lockedError(v throttle.Verdict) error {
	e := domain.Errorf(domain.CodeTooManyRequests, "too many failed sign-ins; try again later")
	e.RetryAfter = v.RetryAfter
	return e
}

// openSession creates the session and its tokens for a user who proved who they are.
func (s *Service) openSession(ctx context.Context, u *domain.User, req LoginRequest) (*LoginResult, error) {
	sess, cookie, err := s.Sessions.Create(ctx, session.NewSession{
		UserID: u.ID, Username: u.Username, DeviceID: req.Client.DeviceID,
		IP: req.Client.IP, UserAgent: req.Client.UserAgent, Remember: req.Remember,
	})
	if err != nil {
		return nil, err
	}
	id, err := s.Authz.Get(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	tokens, err := s.issue(ctx, sess, id, req.System, req.Client)
	if err != nil {
		_ = s.Sessions.End(ctx, sess.ID, "login_failed")
		return nil, err
	}
	s.audit(ctx, domain.AuditEvent{Type: AuditLoginSuccess, ActorID: u.ID, SubjectID: u.ID, SystemID: req.System,
		SessionID: sess.ID, IP: req.Client.IP, UserAgent: req.Client.UserAgent,
		Details: map[string]string{"remember": boolString(req.Remember)}})
	return &LoginResult{Session: sess, Cookie: cookie, Tokens: tokens, Identity: id}, nil
}

// issue signs an access token (for the center, and for system when given) and opens a refresh
// family bound to the session and the device.
func (s *Service) issue(ctx context.Context, sess *session.Session, id *Identity, system string, c Client) (Tokens, error) {
	aud := []string{Audience}
	var roles []string
	if system != "" && system != Audience {
		aud = append(aud, system)
		roles = id.Effective(system).Roles
	}
	at, claims, err := s.Access.Issue(ctx, id.User.ID, id.User.Username, sess.ID, aud, roles)
	if err != nil {
		return Tokens{}, err
	}
	rt, _, err := s.Refresh.Issue(ctx, tokenBinding(sess, system, c))
	if err != nil {
		return Tokens{}, err
	}
	return Tokens{AccessToken: at, AccessExpiresAt: time.Unix(claims.Expiry, 0), RefreshToken: rt, Audience: aud, Roles: roles}, nil
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
