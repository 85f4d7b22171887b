package cas

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/session"
	"github.com/gatehouse/gatehouse/internal/store"
)

// TicketKV is what TicketLog needs of the session store.
type TicketKV interface {
	store.Values
	store.Sets
}

// SystemFinder finds a system by id (the SQL store does).
type SystemFinder interface {
	SystemByID(ctx context.Context, id string) (*domain.System, error)
}

// Defaults of TicketLog.
const (
	DefaultFreshWindow = 30 * time.Second
	DefaultTimeout     = 5 * time.Second
	DefaultAttempts    = 4
	DefaultRetryDelay  = 2 * time.Second
)

// TicketLog remembers which service tickets a session was given, and when the session ends
// tells each CAS service that has a logout URL, by a back-channel SAML LogoutRequest (CAS 3.0
// §2.3.3 and Appendix "SAML 1.1/2.0 logout"). Delivery is in the background: a few attempts
// with a growing delay, each bounded by Timeout. It is not the durable queue of
// internal/slo: a notice still undelivered when the process stops is lost.
//
// It also marks the tickets issued right after a sign-in (within FreshWindow of the
// session's creation), which satisfy renew=true at validation and say isFromNewLogin.
type TicketLog struct {
	KV      TicketKV
	Systems SystemFinder
	// Client POSTs the notices; nil builds one that follows no redirect, with Timeout.
	Client      *http.Client
	Log         *slog.Logger
	Now         func() time.Time
	Rand        io.Reader
	FreshWindow time.Duration // 0 means DefaultFreshWindow
	Timeout     time.Duration // of one POST; 0 means DefaultTimeout
	Attempts    int           // per notice; 0 means DefaultAttempts
	RetryDelay  time.Duration // before the second attempt, doubled after; 0 means DefaultRetryDelay
	// Sleep waits between attempts (tests replace it); nil waits on a timer.
	Sleep func(time.Duration)

	once     sync.Once
	inflight sync.WaitGroup
	randMu   sync.Mutex
}

func (l *TicketLog) init() {
	l.once.Do(func() {
		if l.Log == nil {
			l.Log = slog.New(slog.DiscardHandler)
		}
		if l.Now == nil {
			l.Now = time.Now
		}
		if l.Rand == nil {
			l.Rand = rand.Reader
		}
		if l.Timeout <= 0 {
			l.Timeout = DefaultTimeout
		}
		if l.Client == nil {
			l.Client = &http.Client{Timeout: l.Timeout, CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			}}
		}
		if l.FreshWindow <= 0 {
			l.FreshWindow = DefaultFreshWindow
		}
		if l.Attempts <= 0 {
			l.Attempts = DefaultAttempts
		}
		if l.RetryDelay <= 0 {
			l.RetryDelay = DefaultRetryDelay
		}
		if l.Sleep == nil {
			l.Sleep = time.Sleep
		}
	})
}

func ticketsKey(sid string) string          { return "cas:{" + sid + "}" }
func freshKey(sid, ticket string) string    { return "casnew:{" + sid + "}:" + ticket }
func member(systemID, ticket string) string { return systemID + "|" + ticket }

// Record notes that sess was given ticket for systemID. The set lives until the session's
// absolute limit, which no renewal passes. A ticket issued within FreshWindow of the sign-in
// is marked as coming from it, for as long as a ticket lives.
func (l *TicketLog) Record(ctx context.Context, sess *session.Session, systemID, ticket string) error {
	l.init()
	now := l.Now()
	ttl := sess.AbsoluteExp.Sub(now)
	if ttl <= 0 {
		return nil // ends this instant; nothing to remember
	}
	if err := l.KV.SetAdd(ctx, ticketsKey(sess.ID), ttl, member(systemID, ticket)); err != nil {
		return err
	}
	if age := now.Sub(sess.CreatedAt); age >= 0 && age <= l.FreshWindow {
		return l.KV.Set(ctx, freshKey(sess.ID, ticket), []byte{'1'}, time.Minute)
	}
	return nil
}

// TakeFresh reports whether ticket was issued right after the sign-in of session sid, and
// forgets it: the answer is given once, at the one validation of the ticket.
func (l *TicketLog) TakeFresh(ctx context.Context, sid, ticket string) (bool, error) {
	_, err := l.KV.GetDel(ctx, freshKey(sid, ticket))
	if errors.Is(err, domain.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// notice is one LogoutRequest to deliver.
type notice struct {
	system, url, body string
}

// OnEnd is the session manager's end hook: it reads the tickets the session was given, and
// for each one of a system that still exists, is allowed CAS and has a logout URL, starts the
// delivery of a LogoutRequest naming the user and the ticket. It never fails the logout: what
// cannot be read is logged and skipped.
func (l *TicketLog) OnEnd(ctx context.Context, sess *session.Session, _ string) error {
	l.init()
	key := ticketsKey(sess.ID)
	members, err := l.KV.SetMembers(ctx, key)
	if err != nil {
		l.Log.ErrorContext(ctx, "cas logout: cannot read the tickets of a session; its services are not told", "sid", sess.ID, "err", err)
		return nil
	}
	if len(members) == 0 {
		return nil
	}
	if err := l.KV.Delete(ctx, key); err != nil {
		l.Log.WarnContext(ctx, "cas logout: cannot delete the tickets of an ended session", "sid", sess.ID, "err", err)
	}
	systems := map[string]*domain.System{}
	var notices []notice
	for _, m := range members {
		id, ticket, ok := strings.Cut(m, "|")
		if !ok {
			continue
		}
		sys, seen := systems[id]
		if !seen {
			sys, err = l.Systems.SystemByID(ctx, id)
			if err != nil && !errors.Is(err, domain.ErrNotFound) {
				l.Log.ErrorContext(ctx, "cas logout: cannot read a system; it is not told", "system", id, "sid", sess.ID, "err", err)
			}
			systems[id] = sys
		}
		if sys == nil || sys.LogoutURL == "" || !sys.AllowsProtocol(domain.ProtocolCAS) {
			continue
		}
		body, err := l.logoutRequest(sess.Username, ticket)
		if err != nil {
			l.Log.ErrorContext(ctx, "cas logout: cannot build a LogoutRequest", "system", id, "err", err)
			continue
		}
		notices = append(notices, notice{system: id, url: sys.LogoutURL, body: body})
	}
	for _, n := range notices {
		l.inflight.Add(1)
		go func() {
			defer l.inflight.Done()
			l.deliver(context.WithoutCancel(ctx), n)
		}()
	}
	return nil
}

// Wait blocks until every delivery started so far has ended (graceful shutdown, tests).
func (l *TicketLog) Wait() { l.inflight.Wait() }

// deliver POSTs one notice as the form field logoutRequest (Appendix "SAML 2.0 logout"),
// retrying a few times on a transport error or a status other than 2xx.
func (l *TicketLog) deliver(ctx context.Context, n notice) {
	form := url.Values{"logoutRequest": {n.body}}.Encode()
	delay := l.RetryDelay
	var err error
	for attempt := 1; attempt <= l.Attempts; attempt++ {
		if attempt > 1 {
			l.Sleep(delay)
			delay *= 2
		}
		if err = l.post(ctx, n.url, form); err == nil {
			return
		}
	}
	l.Log.WarnContext(ctx, "cas logout: delivery given up", "system", n.system, "attempts", l.Attempts, "err", err)
}

func (l *TicketLog) post(ctx context.Context, target, form string) error {
	ctx, cancel := context.WithTimeout(ctx, l.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(form))
	if err != nil {
		return err
	}
	// Exactly this type: some clients (go-cas) compare the header for equality.
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := l.Client.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}

// logoutRequest is the SAML 2.0 LogoutRequest of CAS single logout: the user as NameID and
// the service ticket as SessionIndex, which is what a CAS client keyed its local session by.
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

func (l *TicketLog) logoutRequest(username, ticket string) (string, error) {
	var id [16]byte
	l.randMu.Lock()
	_, err := io.ReadFull(l.Rand, id[:])
	l.randMu.Unlock()
	if err != nil {
		return "", err
	}
	b, err := xml.Marshal(logoutRequest{
		Samlp: "urn:oasis:names:tc:SAML:2.0:protocol", Saml: "urn:oasis:names:tc:SAML:2.0:assertion",
		ID: "LR-" + hex.EncodeToString(id[:]), Version: "2.0",
		// xs:dateTime in UTC (SAML 2.0 Core §1.3.3).
		IssueInstant: l.Now().UTC().Format("2006-01-02T15:04:05Z"),
		NameID:       username, SessionIndex: ticket,
	})
	return string(b), err
}
