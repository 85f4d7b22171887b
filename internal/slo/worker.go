package slo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/store"
)

// Run delivers queued notices until ctx ends, then waits for the deliveries in flight. It may
// run on every node at once.
//
// Each system with work has drainers: goroutines that take its notices one by one and deliver
// them, at most PerSystem per system and Concurrency in all, so that one system that hangs does
// not hold up the others. An idle system is probed by one drainer when this process queued a
// notice and every PollEvery (notices queued by other nodes, retries coming due); a drainer that
// finds work asks for more drainers of its system, and ends when the queue has nothing visible.
func (s *Service) Run(ctx context.Context) {
	s.init()
	total := or(s.Concurrency, DefaultConcurrency)
	per := or(s.PerSystem, DefaultPerSystem)
	slots := make(chan struct{}, total)
	changed := make(chan struct{}, 1) // a drainer found work or ended
	signal := func() {
		select {
		case changed <- struct{}{}:
		default:
		}
	}
	var mu sync.Mutex
	inflight := map[string]int{}
	hot := map[string]bool{}
	var wg sync.WaitGroup
	defer wg.Wait()

	drain := func(sys *domain.System) {
		defer func() {
			mu.Lock()
			inflight[sys.ID]--
			mu.Unlock()
			<-slots
			signal()
			wg.Done()
		}()
		// A bounded batch: then the slot goes back, and the next round hands it to whichever
		// system's turn it is.
		for range drainBatch {
			if ctx.Err() != nil {
				return
			}
			msg, err := s.Queue.Dequeue(ctx, QueueName(sys.ID), s.visibility())
			if err != nil || msg == nil {
				if err != nil && ctx.Err() == nil {
					s.Log.ErrorContext(ctx, "single logout: cannot read the queue", "system", sys.ID, "err", err)
				}
				mu.Lock()
				hot[sys.ID] = false
				mu.Unlock()
				return
			}
			mu.Lock()
			warm := hot[sys.ID]
			hot[sys.ID] = true
			mu.Unlock()
			if !warm {
				signal() // more drainers may join
			}
			s.deliver(context.WithoutCancel(ctx), sys, msg)
		}
	}

	poll := time.NewTicker(or(s.PollEvery, DefaultPollEvery))
	defer poll.Stop()
	var lastStats time.Time
	probe := true
	turn := 0 // the system a round starts with, so that scarce slots go round
	for ctx.Err() == nil {
		systems := s.targets(ctx)
		if now := s.now(); now.Sub(lastStats) >= or(s.RefreshEvery, DefaultRefreshEvery) {
			s.refreshGauges(ctx, systems)
			lastStats = now
		}
		complete := true // every system got the drainers it wanted
		turn++
	round:
		for i := range systems {
			sys := systems[(turn+i)%len(systems)]
			mu.Lock()
			n, want := inflight[sys.ID], 0
			switch {
			case hot[sys.ID]:
				want = per
			case probe:
				want = 1
			}
			mu.Unlock()
			for ; n < want; n++ {
				select {
				case slots <- struct{}{}:
				default:
					complete = false
					break round // every slot is busy: a drainer that ends signals
				}
				mu.Lock()
				inflight[sys.ID]++
				mu.Unlock()
				wg.Add(1)
				go drain(sys)
			}
		}
		if complete {
			probe = false // a probe owed to an idle system waits for a free slot
		}
		select {
		case <-ctx.Done():
		case <-s.kick:
			probe = true
		case <-poll.C:
			probe = true
		case <-changed:
		}
	}
}

// drainBatch is how many notices a drainer delivers before it gives its slot back.
const drainBatch = 32

// targets returns the systems that have a logout URL, in a stable order.
func (s *Service) targets(ctx context.Context) []*domain.System {
	all, err := s.dir.all(ctx)
	if err != nil && ctx.Err() == nil {
		s.Log.ErrorContext(ctx, "single logout: cannot list the systems", "err", err)
	}
	out := make([]*domain.System, 0, len(all))
	for _, sys := range all {
		if sys.LogoutURL != "" {
			out = append(out, sys)
		}
	}
	slices.SortFunc(out, func(a, b *domain.System) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// refreshGauges reads the counts of every queue into the metrics.
func (s *Service) refreshGauges(ctx context.Context, systems []*domain.System) {
	if s.Metrics == nil {
		return
	}
	stats := make(map[string]store.QueueStats, len(systems))
	for _, sys := range systems {
		st, err := s.Queue.Stats(ctx, QueueName(sys.ID))
		if err != nil {
			return // try again next time rather than show zeros
		}
		stats[sys.ID] = st
	}
	s.Metrics.setQueues(stats)
}

// deliver makes one attempt at msg and settles it: Ack when the system took it, else Nack
// with the next backoff delay, or Bury once RetryFor has passed since the session ended.
func (s *Service) deliver(ctx context.Context, sys *domain.System, msg *store.Message) {
	q := QueueName(sys.ID)
	var n Notice
	err := json.Unmarshal(msg.Body, &n)
	if err == nil {
		err = n.check()
	}
	if err != nil {
		s.Metrics.attempt(sys.ID, OutcomeDead, 0)
		s.settle(ctx, sys.ID, msg, OutcomeDead, 0, fmt.Sprintf("the notice is corrupt: %v", err))
		return
	}
	start := time.Now()
	err = s.post(ctx, sys, n)
	took := time.Since(start)
	if err == nil {
		if e := s.Queue.Ack(ctx, q, msg.ID); e != nil {
			// Delivered but still queued: it is delivered again later, and the receiver
			// drops the repeat by its jti.
			s.Log.ErrorContext(ctx, "single logout: cannot acknowledge a delivery", "system", sys.ID, "err", e)
		}
		s.Metrics.attempt(sys.ID, OutcomeDelivered, took)
		s.Metrics.delivered(sys.ID, s.now().Sub(msg.EnqueuedAt))
		s.tell(sys.ID, OutcomeDelivered)
		return
	}
	reason := err.Error()
	deadline := msg.EnqueuedAt.Add(s.RetryFor)
	left := deadline.Sub(s.now())
	if left <= 0 {
		s.Metrics.attempt(sys.ID, OutcomeDead, took)
		s.settle(ctx, sys.ID, msg, OutcomeDead, 0, reason)
		return
	}
	s.Metrics.attempt(sys.ID, OutcomeRetried, took)
	s.settle(ctx, sys.ID, msg, OutcomeRetried, min(s.Backoff(msg.Attempts), left), reason)
}

// settle Nacks or Buries msg, logging what could not be written.
func (s *Service) settle(ctx context.Context, system string, msg *store.Message, outcome string, delay time.Duration, reason string) {
	q := QueueName(system)
	var err error
	if outcome == OutcomeDead {
		s.Log.WarnContext(ctx, "single logout: delivery given up", "system", system, "attempts", msg.Attempts, "err", reason)
		err = s.Queue.Bury(ctx, q, msg.ID, reason)
	} else {
		s.Log.InfoContext(ctx, "single logout: delivery failed; retrying", "system", system,
			"attempts", msg.Attempts, "retry_in", delay.Round(time.Millisecond), "err", reason)
		err = s.Queue.Nack(ctx, q, msg.ID, delay, reason)
	}
	// Not found: another node took the message after its visibility ended and settled it.
	if err != nil && !errors.Is(err, domain.ErrNotFound) {
		s.Log.ErrorContext(ctx, "single logout: cannot settle a delivery", "system", system, "err", err)
	}
	s.tell(system, outcome)
}

func (s *Service) tell(system, outcome string) {
	if s.Settled != nil {
		s.Settled(system, outcome)
	}
}

// Backoff is the delay before the next attempt after the attempt-th failed: BaseDelay doubled
// per attempt up to MaxDelay, of which the upper half is random ("equal jitter"), so that the
// retries of many notices do not arrive in one burst when a system comes back.
func (s *Service) Backoff(attempt int) time.Duration {
	base, limit := or(s.BaseDelay, DefaultBaseDelay), or(s.MaxDelay, DefaultMaxDelay)
	d := base
	for i := 1; i < attempt && d < limit; i++ {
		d *= 2
	}
	d = min(d, limit)
	return d/2 + s.jitter(d-d/2)
}

// post sends n to the system's logout URL as a form POST (see form). A 2xx answer counts as
// taken (Back-Channel Logout 1.0 §2.8 has the receiver answer 200 OK, or 204); for a CAS notice
// a 3xx does too, because CAS clients such as mod_auth_cas end the session and then redirect
// (CAS 3.0 prescribes no answer). Redirects are never followed.
func (s *Service) post(ctx context.Context, sys *domain.System, n Notice) error {
	if sys.LogoutURL == "" {
		return errors.New("the system no longer has a logout URL")
	}
	body, err := s.form(ctx, n)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sys.LogoutURL, strings.NewReader(body))
	if err != nil {
		return fmt.Errorf("the logout URL is not usable: %w", err)
	}
	// Exactly this type: some CAS clients (go-cas) compare the header for equality.
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := s.Client.Do(req)
	if err != nil {
		if ue := (*url.Error)(nil); errors.As(err, &ue) {
			err = ue.Err // the URL is named once, below
		}
		return fmt.Errorf("POST %s: %w", sys.LogoutURL, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10)) // lets the connection be reused
	if ok := resp.StatusCode/100 == 2 || n.Kind == KindCAS && resp.StatusCode/100 == 3; !ok {
		return fmt.Errorf("POST %s: %s", sys.LogoutURL, resp.Status)
	}
	return nil
}
