package storetest

import (
	"bytes"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/store"
)

// RunKV runs the conformance suite of store.KV. newStore is called once per subtest and must
// return an empty store of its own (a fresh instance, or a shared server under a unique key
// prefix) and close it when the test ends.
//
// The suite works against servers whose clock it does not control: it waits with real sleeps
// on short ttls (150 ms) and never asserts that something happens before a deadline, only that
// it has happened after one. What must stay true "for now" uses ttls of ten seconds or more.
func RunKV(t *testing.T, newStore func(t *testing.T) store.KV) {
	t.Helper()
	for _, c := range []struct {
		name string
		run  func(t *testing.T, kv store.KV)
	}{
		{"Ping", kvTestPing},
		{"Values/Absent", kvTestAbsent},
		{"Values/SetGet", kvTestSetGet},
		{"Values/TTL", kvTestTTL},
		{"Values/SetNX", kvTestSetNX},
		{"Values/GetDel", kvTestGetDel},
		{"Values/GetDelConcurrent", kvTestGetDelConcurrent},
		{"Values/Delete", kvTestDelete},
		{"Values/Expire", kvTestExpire},
		{"Values/NegativeTTL", kvTestNegativeTTL},
		{"Counters/Incr", kvTestIncr},
		{"Counters/FixedWindow", kvTestIncrFixedWindow},
		{"Windows/Slide", kvTestWindowSlide},
		{"Windows/Expiry", kvTestWindowExpiry},
		{"Sets/AddRemove", kvTestSetAddRemove},
		{"Sets/TTLNeverShortens", kvTestSetTTL},
		{"Txn/Conds", kvTestTxnConds},
		{"Txn/Ops", kvTestTxnOps},
		{"Txn/FailedCondChangesNothing", kvTestTxnFailedCond},
		{"Txn/SharedHashTag", kvTestTxnHashTag},
		{"Txn/CrossTagRefused", kvTestTxnCrossTag},
		{"Txn/NeverHalfApplied", kvTestTxnWrongType},
		{"Txn/ConcurrentIncrement", kvTestTxnConcurrent},
		{"Queue/Empty", kvTestQueueEmpty},
		{"Queue/FIFO", kvTestQueueFIFO},
		{"Queue/Delay", kvTestQueueDelay},
		{"Queue/Visibility", kvTestQueueVisibility},
		{"Queue/Ack", kvTestQueueAck},
		{"Queue/Nack", kvTestQueueNack},
		{"Queue/Bury", kvTestQueueBury},
		{"Queue/ConcurrentDequeue", kvTestQueueConcurrent},
	} {
		t.Run(c.name, func(t *testing.T) { c.run(t, newStore(t)) })
	}
}

// kvShort is a ttl that the suite waits out; kvWait is how long it waits.
const (
	kvShort = 150 * time.Millisecond
	kvWait  = 300 * time.Millisecond
	kvLong  = 30 * time.Second // long enough never to pass during a test
)

func kvTestPing(t *testing.T, kv store.KV) {
	if err := kv.Ping(t.Context()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}

// kvNotFound fails unless err is domain.ErrNotFound.
func kvNotFound(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("%s: got error %v, want ErrNotFound", what, err)
	}
}

func kvNoErr(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// kvGetIs fails unless key holds want.
func kvGetIs(t *testing.T, kv store.KV, key, want string) {
	t.Helper()
	got, err := kv.Get(t.Context(), key)
	if err != nil {
		t.Fatalf("Get(%q): %v, want %q", key, err, want)
	}
	if !bytes.Equal(got, []byte(want)) {
		t.Fatalf("Get(%q) = %q, want %q", key, got, want)
	}
}

// kvAbsent fails unless key is absent.
func kvAbsent(t *testing.T, kv store.KV, key string) {
	t.Helper()
	got, err := kv.Get(t.Context(), key)
	if !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("Get(%q) = %q, %v; want ErrNotFound", key, got, err)
	}
}

// kvMembersAre fails unless the set at key holds exactly want.
func kvMembersAre(t *testing.T, kv store.KV, key string, want ...string) {
	t.Helper()
	got, err := kv.SetMembers(t.Context(), key)
	kvNoErr(t, "SetMembers("+key+")", err)
	slices.Sort(got)
	want = slices.Clone(want)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("SetMembers(%q) = %q, want %q", key, got, want)
	}
}

// kvTTLIn fails unless the ttl of key lies in (lo, hi].
func kvTTLIn(t *testing.T, kv store.KV, key string, lo, hi time.Duration) {
	t.Helper()
	ttl, err := kv.TTL(t.Context(), key)
	kvNoErr(t, "TTL("+key+")", err)
	if ttl <= lo || ttl > hi {
		t.Fatalf("TTL(%q) = %v, want in (%v, %v]", key, ttl, lo, hi)
	}
}

// kvTTLNone fails unless key exists without expiry.
func kvTTLNone(t *testing.T, kv store.KV, key string) {
	t.Helper()
	ttl, err := kv.TTL(t.Context(), key)
	kvNoErr(t, "TTL("+key+")", err)
	if ttl != 0 {
		t.Fatalf("TTL(%q) = %v, want 0 (no expiry)", key, ttl)
	}
}
