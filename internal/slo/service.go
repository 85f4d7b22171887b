package slo

import (
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"sync"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/keys"
	"github.com/gatehouse/gatehouse/internal/store"
)

// Systems is what single logout reads of the registered systems.
type Systems interface {
	SystemByID(ctx context.Context, id string) (*domain.System, error)
	ListSystems(ctx context.Context) ([]*domain.System, error)
}

// KeySource provides the center's signing keys; *keys.Manager is one.
type KeySource interface {
	Current(ctx context.Context) (*keys.KeySet, error)
}

var _ KeySource = (*keys.Manager)(nil)

// Defaults of Service.
const (
	DefaultBaseDelay    = 5 * time.Second
	DefaultMaxDelay     = time.Hour
	DefaultTimeout      = 10 * time.Second
	DefaultConcurrency  = 16
	DefaultPerSystem    = 8
	DefaultPollEvery    = time.Second
	DefaultRefreshEvery = 5 * time.Second
	// TokenTTL is the lifetime of a logout token: it is made fresh for every attempt.
	TokenTTL = 2 * time.Minute
	// deadLetterLimit bounds the dead letters a status answer lists.
	deadLetterLimit = 100
)

// Service is single logout: OnEnd queues, Run delivers, Deliveries reports. Set the exported
// fields before first use and do not change them afterwards; zero values of the optional ones
// take the defaults. A Service is safe for concurrent use.
type Service struct {
	Queue   store.Queue
	Systems Systems
	Keys    KeySource
	Issuer  string // "iss" of every logout token: the center's issuer
	// Algorithm signs logout tokens: keys.EdDSA (default), keys.ES256 or keys.RS256.
	Algorithm string
	// RetryFor is how long after the session ended a delivery is still tried; then it is
	// dead-lettered. Required.
	RetryFor time.Duration
	Metrics  *Metrics // nil records nothing
	Log      *slog.Logger
	Now      func() time.Time
	Rand     io.Reader
	// Client POSTs logout tokens; nil builds one that follows no redirect (a redirect could
	// carry the token to another host) with Timeout per request.
	Client *http.Client

	BaseDelay    time.Duration // first retry delay, doubled per attempt; 0 means 5 s
	MaxDelay     time.Duration // cap of the retry delay; 0 means 1 h
	Timeout      time.Duration // of one POST; 0 means 10 s
	Concurrency  int           // deliveries in flight at once; 0 means 16
	PerSystem    int           // of which at most this many to one system; 0 means 8
	PollEvery    time.Duration // how often an idle worker looks for work; 0 means 1 s
	RefreshEvery time.Duration // how stale the list of systems may be; 0 means 5 s
	// Visibility hides a dequeued notice from other workers; 0 means Timeout + 20 s. It must
	// exceed the time one attempt takes, or a slow attempt is made twice.
	Visibility time.Duration

	// Settled, when set, is told of every attempt once its outcome (OutcomeDelivered,
	// OutcomeRetried, OutcomeDead) is written to the queue: tests wait on it.
	Settled func(system, outcome string)

	once   sync.Once
	kick   chan struct{}
	randMu sync.Mutex
	dir    directory
	signer signerCache
}

func (s *Service) init() {
	s.once.Do(func() {
		s.kick = make(chan struct{}, 1)
		if s.Log == nil {
			s.Log = slog.New(slog.DiscardHandler)
		}
		if s.Client == nil {
			tr := http.DefaultTransport.(*http.Transport).Clone()
			// Keep a connection per drainer: the default of 2 idle ones per host would make
			// every other delivery to a busy system dial anew.
			tr.MaxIdleConnsPerHost = or(s.PerSystem, DefaultPerSystem)
			s.Client = &http.Client{
				Transport: tr,
				Timeout:   s.timeout(),
				CheckRedirect: func(*http.Request, []*http.Request) error {
					return http.ErrUseLastResponse
				},
			}
		}
		// The directory ages on the wall clock, not the injected one: a frozen test clock must
		// not freeze a cache of rows that change under it.
		s.dir.systems, s.dir.maxAge, s.dir.now = s.Systems, or(s.RefreshEvery, DefaultRefreshEvery), time.Now
	})
}

func or[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) timeout() time.Duration { return or(s.Timeout, DefaultTimeout) }

func (s *Service) visibility() time.Duration {
	return or(s.Visibility, s.timeout()+20*time.Second)
}

func (s *Service) random(b []byte) error {
	r := s.Rand
	if r == nil {
		r = rand.Reader
	}
	s.randMu.Lock()
	defer s.randMu.Unlock()
	_, err := io.ReadFull(r, b)
	return err
}

// jitter returns a uniformly random duration in [0, d).
func (s *Service) jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	r := s.Rand
	if r == nil {
		r = rand.Reader
	}
	s.randMu.Lock()
	n, err := rand.Int(r, big.NewInt(int64(d)))
	s.randMu.Unlock()
	if err != nil {
		return d / 2
	}
	return time.Duration(n.Int64())
}

// QueueName is the session-store queue of one system's logout notices.
func QueueName(systemID string) string { return "slo:" + systemID }

// notify wakes the worker of this process (a notice was queued, a delivery ended).
func (s *Service) notify() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// directory caches the registered systems for up to maxAge, so that neither a logout nor an
// idle worker reads SQL each time.
type directory struct {
	systems Systems
	maxAge  time.Duration
	now     func() time.Time

	mu       sync.Mutex
	byID     map[string]*domain.System
	loadedAt time.Time
}

// all returns the systems, reloading them when the cache is older than maxAge.
func (d *directory) all(ctx context.Context) (map[string]*domain.System, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.byID != nil && d.now().Sub(d.loadedAt) < d.maxAge {
		return d.byID, nil
	}
	list, err := d.systems.ListSystems(ctx)
	if err != nil {
		if d.byID != nil {
			return d.byID, err // the stale list is better than none
		}
		return nil, err
	}
	m := make(map[string]*domain.System, len(list))
	for _, sys := range list {
		m[sys.ID] = sys
	}
	d.byID, d.loadedAt = m, d.now()
	return m, nil
}

// lookup returns one system, reading SQL for one the cache does not know yet (registered since
// the last load), and adding it.
func (d *directory) lookup(ctx context.Context, id string) (*domain.System, error) {
	if m, _ := d.all(ctx); m[id] != nil {
		return m[id], nil
	}
	sys, err := d.systems.SystemByID(ctx, id)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	next := make(map[string]*domain.System, len(d.byID)+1)
	for k, v := range d.byID {
		next[k] = v
	}
	next[id] = sys
	if d.byID == nil {
		// The first load failed: what was read is all that is known, and it is stale at once.
		d.loadedAt = time.Time{}
	}
	d.byID = next
	d.mu.Unlock()
	return sys, nil
}
