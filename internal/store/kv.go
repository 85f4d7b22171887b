package store

import (
	"context"
	"time"
)

// The session tier: short-lived state with expiry (sessions, tickets, refresh families, captcha
// answers, counters, the delivery queue). Keys are plain strings chosen by the caller; a backend
// may prefix them. Keys that one atomic operation touches together must share a hash tag — the
// part between the first '{' and the following '}' — so that the operation works on a Redis
// Cluster: for example "sess:{SID}" and "rt:{SID}:FAMILY". A ttl of zero means no expiry.
//
// An absent or expired key is domain.ErrNotFound.

// Values are byte strings with a time to live.
type Values interface {
	Get(ctx context.Context, key string) ([]byte, error)
	Set(ctx context.Context, key string, value []byte, ttl time.Duration) error
	// SetNX sets key only when it is absent and reports whether it did.
	SetNX(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error)
	// GetDel returns the value and deletes the key in one atomic step: of many concurrent
	// callers, exactly one gets the value.
	GetDel(ctx context.Context, key string) ([]byte, error)
	// Delete removes the keys; absent keys are not an error.
	Delete(ctx context.Context, keys ...string) error
	// Expire sets a new time to live and reports whether the key existed.
	Expire(ctx context.Context, key string, ttl time.Duration) (bool, error)
	// TTL returns the remaining time to live (0 for a key without expiry).
	TTL(ctx context.Context, key string) (time.Duration, error)
}

// Counters are integers with a fixed window: the ttl is set when the counter is created and not
// extended by later increments.
type Counters interface {
	// Incr adds delta to the counter (creating it at 0 with the given ttl) and returns the sum.
	Incr(ctx context.Context, key string, delta int64, ttl time.Duration) (int64, error)
	// Count returns the counter's value, 0 when it is absent.
	Count(ctx context.Context, key string) (int64, error)
}

// Windows count events in a sliding window: each hit is kept with its time and forgotten once it
// is older than the window.
type Windows interface {
	// Hit records one event at now and returns how many events lie in (now-window, now].
	Hit(ctx context.Context, key string, now time.Time, window time.Duration) (int64, error)
	// Hits returns how many events lie in (now-window, now] without recording one.
	Hits(ctx context.Context, key string, now time.Time, window time.Duration) (int64, error)
}

// Sets are unordered sets of strings, e.g. the sessions of a user or the systems a session joined.
type Sets interface {
	// SetAdd adds members; a ttl > 0 sets the set's expiry to at least ttl from now (never shortens it).
	SetAdd(ctx context.Context, key string, ttl time.Duration, members ...string) error
	SetRemove(ctx context.Context, key string, members ...string) error
	// SetMembers returns the members in no particular order; an absent set is empty, not an error.
	SetMembers(ctx context.Context, key string) ([]string, error)
}

// CondKind says what a Cond requires of its key.
type CondKind int

// Condition kinds.
const (
	CondEqual   CondKind = iota + 1 // the key holds exactly Value
	CondAbsent                      // the key does not exist
	CondPresent                     // the key exists
)

// Cond is one precondition of an atomic update.
type Cond struct {
	Kind  CondKind
	Key   string
	Value []byte
}

// OpKind says what an Op does.
type OpKind int

// Operation kinds.
const (
	OpPut       OpKind = iota + 1 // set Key to Value with TTL
	OpDelete                      // delete Key
	OpSetAdd                      // add Member to the set at Key; TTL as in Sets.SetAdd
	OpSetRemove                   // remove Member from the set at Key
	OpExpire                      // set the TTL of Key if it exists
)

// Op is one write of an atomic update.
type Op struct {
	Kind   OpKind
	Key    string
	Value  []byte
	Member string
	TTL    time.Duration
}

// Atomic applies conditional multi-key updates: a script on Redis, a lock in memory.
type Atomic interface {
	// Txn checks every condition and, only when all hold, applies every op, as one step that no
	// other operation can interleave with. It reports whether the ops were applied. All keys of
	// one call must share a hash tag.
	Txn(ctx context.Context, conds []Cond, ops []Op) (bool, error)
}

// Message is one entry of a durable queue.
type Message struct {
	ID         string
	Body       []byte
	Attempts   int // how many times it has been dequeued, this time included
	EnqueuedAt time.Time
	LastError  string // the reason given at the last Nack or Bury
}

// QueueStats counts the messages of one queue.
type QueueStats struct {
	Ready     int64 // visible now
	Scheduled int64 // delayed, or in flight until their visibility timeout ends
	Dead      int64 // buried in the dead-letter list
}

// Queue is a durable, at-least-once delivery queue with visibility timeouts: a dequeued message
// is hidden, not removed, until it is acknowledged; if the consumer dies it reappears.
type Queue interface {
	// Enqueue adds body, visible after delay, and returns its id.
	Enqueue(ctx context.Context, queue string, body []byte, delay time.Duration) (string, error)
	// Dequeue takes the oldest visible message, hides it for visibility and counts the attempt.
	// It returns nil, nil when no message is visible.
	Dequeue(ctx context.Context, queue string, visibility time.Duration) (*Message, error)
	// Ack removes a delivered message. Acknowledging an unknown id is not an error.
	Ack(ctx context.Context, queue, id string) error
	// Nack makes the message visible again after delay, recording why it failed.
	Nack(ctx context.Context, queue, id string, delay time.Duration, reason string) error
	// Bury moves the message to the queue's dead-letter list, recording why.
	Bury(ctx context.Context, queue, id, reason string) error
	// DeadLetters lists up to limit buried messages, oldest first.
	DeadLetters(ctx context.Context, queue string, limit int) ([]Message, error)
	// Stats counts ready, scheduled and dead messages.
	Stats(ctx context.Context, queue string) (QueueStats, error)
}

// KV is everything a session-tier backend provides. Consumers should ask for the smallest
// interface they use, not for KV.
type KV interface {
	Values
	Counters
	Windows
	Sets
	Atomic
	Queue
	Pinger
	Close() error
}
