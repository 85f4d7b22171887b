package storetest

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/store"
)

func kvTestAbsent(t *testing.T, kv store.KV) {
	ctx := t.Context()
	_, err := kv.Get(ctx, "nope")
	kvNotFound(t, "Get", err)
	_, err = kv.GetDel(ctx, "nope")
	kvNotFound(t, "GetDel", err)
	_, err = kv.TTL(ctx, "nope")
	kvNotFound(t, "TTL", err)
	ok, err := kv.Expire(ctx, "nope", time.Minute)
	if err != nil || ok {
		t.Fatalf("Expire(absent) = %v, %v; want false, nil", ok, err)
	}
	kvNoErr(t, "Delete(absent)", kv.Delete(ctx, "nope", "nope2"))
	kvNoErr(t, "Delete()", kv.Delete(ctx))
	if n, err := kv.Count(ctx, "nope"); err != nil || n != 0 {
		t.Fatalf("Count(absent) = %d, %v; want 0, nil", n, err)
	}
	if n, err := kv.Hits(ctx, "nope", time.Now(), time.Minute); err != nil || n != 0 {
		t.Fatalf("Hits(absent) = %d, %v; want 0, nil", n, err)
	}
	kvMembersAre(t, kv, "nope")
	kvNoErr(t, "SetRemove(absent)", kv.SetRemove(ctx, "nope", "a"))
}

func kvTestSetGet(t *testing.T, kv store.KV) {
	ctx := t.Context()
	buf := []byte("v1")
	kvNoErr(t, "Set", kv.Set(ctx, "k", buf, 0))
	buf[0] = 'X' // the store must have kept its own copy
	kvGetIs(t, kv, "k", "v1")
	kvTTLNone(t, kv, "k")

	got, _ := kv.Get(ctx, "k")
	got[0] = 'Y' // and hand out copies
	kvGetIs(t, kv, "k", "v1")

	kvNoErr(t, "Set again", kv.Set(ctx, "k", []byte("v2"), kvLong))
	kvGetIs(t, kv, "k", "v2")
	kvTTLIn(t, kv, "k", 0, kvLong)
	kvNoErr(t, "Set without ttl", kv.Set(ctx, "k", []byte("v3"), 0))
	kvTTLNone(t, kv, "k") // a new Set replaces the expiry too

	kvNoErr(t, "Set empty", kv.Set(ctx, "empty", nil, 0))
	kvGetIs(t, kv, "empty", "")
	bin := string([]byte{0, 1, 2, 0xff, '\n'})
	kvNoErr(t, "Set binary", kv.Set(ctx, "bin", []byte(bin), 0))
	kvGetIs(t, kv, "bin", bin)
}

func kvTestTTL(t *testing.T, kv store.KV) {
	ctx := t.Context()
	kvNoErr(t, "Set long", kv.Set(ctx, "long", []byte("v"), kvLong))
	kvNoErr(t, "Set short", kv.Set(ctx, "short", []byte("v"), kvShort))
	kvTTLIn(t, kv, "long", 0, kvLong)
	time.Sleep(kvWait)
	kvAbsent(t, kv, "short")
	_, err := kv.TTL(ctx, "short")
	kvNotFound(t, "TTL(expired)", err)
	kvGetIs(t, kv, "long", "v")
}

func kvTestSetNX(t *testing.T, kv store.KV) {
	ctx := t.Context()
	ok, err := kv.SetNX(ctx, "k", []byte("first"), kvShort)
	if err != nil || !ok {
		t.Fatalf("SetNX(absent) = %v, %v; want true", ok, err)
	}
	ok, err = kv.SetNX(ctx, "long", []byte("first"), kvLong)
	if err != nil || !ok {
		t.Fatalf("SetNX(absent) = %v, %v; want true", ok, err)
	}
	ok, err = kv.SetNX(ctx, "long", []byte("second"), kvLong)
	if err != nil || ok {
		t.Fatalf("SetNX(present) = %v, %v; want false", ok, err)
	}
	kvGetIs(t, kv, "long", "first")
	time.Sleep(kvWait)
	ok, err = kv.SetNX(ctx, "k", []byte("again"), 0)
	if err != nil || !ok {
		t.Fatalf("SetNX(expired) = %v, %v; want true", ok, err)
	}
	kvGetIs(t, kv, "k", "again")
	kvTTLNone(t, kv, "k")
}

func kvTestGetDel(t *testing.T, kv store.KV) {
	ctx := t.Context()
	kvNoErr(t, "Set", kv.Set(ctx, "k", []byte("once"), kvLong))
	v, err := kv.GetDel(ctx, "k")
	if err != nil || string(v) != "once" {
		t.Fatalf("GetDel = %q, %v; want once", v, err)
	}
	_, err = kv.GetDel(ctx, "k")
	kvNotFound(t, "second GetDel", err)
	kvAbsent(t, kv, "k")

	kvNoErr(t, "Set short", kv.Set(ctx, "short", []byte("v"), kvShort))
	time.Sleep(kvWait)
	_, err = kv.GetDel(ctx, "short")
	kvNotFound(t, "GetDel(expired)", err)
}

// kvTestGetDelConcurrent: of 100 concurrent callers exactly one gets the value.
func kvTestGetDelConcurrent(t *testing.T, kv store.KV) {
	ctx := t.Context()
	for round := range 3 {
		kvNoErr(t, "Set", kv.Set(ctx, "ticket", []byte("ST-1"), kvLong))
		var won, lost atomic.Int64
		var wg sync.WaitGroup
		start := make(chan struct{})
		for range 100 {
			wg.Go(func() {
				<-start
				v, err := kv.GetDel(ctx, "ticket")
				switch {
				case err == nil && string(v) == "ST-1":
					won.Add(1)
				case errors.Is(err, domain.ErrNotFound):
					lost.Add(1)
				default:
					t.Errorf("GetDel = %q, %v", v, err)
				}
			})
		}
		close(start)
		wg.Wait()
		if won.Load() != 1 || lost.Load() != 99 {
			t.Fatalf("round %d: %d callers got the value and %d did not; want 1 and 99", round, won.Load(), lost.Load())
		}
	}
}

func kvTestDelete(t *testing.T, kv store.KV) {
	ctx := t.Context()
	keys := []string{"a", "b", "sess:{x}", "sess:{y}", "rt:{x}:1"} // several hash slots at once
	for _, k := range keys {
		kvNoErr(t, "Set", kv.Set(ctx, k, []byte("v"), 0))
	}
	kvNoErr(t, "SetAdd", kv.SetAdd(ctx, "set", 0, "m"))
	kvNoErr(t, "Delete", kv.Delete(ctx, append(keys, "set", "absent")...))
	for _, k := range keys {
		kvAbsent(t, kv, k)
	}
	kvMembersAre(t, kv, "set")
	kvNoErr(t, "Set", kv.Set(ctx, "one", []byte("v"), 0))
	kvNoErr(t, "Delete one", kv.Delete(ctx, "one"))
	kvAbsent(t, kv, "one")
}

func kvTestExpire(t *testing.T, kv store.KV) {
	ctx := t.Context()
	kvNoErr(t, "Set", kv.Set(ctx, "k", []byte("v"), 0))
	ok, err := kv.Expire(ctx, "k", kvLong)
	if err != nil || !ok {
		t.Fatalf("Expire(present) = %v, %v; want true", ok, err)
	}
	kvTTLIn(t, kv, "k", 0, kvLong)
	ok, err = kv.Expire(ctx, "k", 0)
	if err != nil || !ok {
		t.Fatalf("Expire(present, 0) = %v, %v; want true", ok, err)
	}
	kvTTLNone(t, kv, "k")
	ok, err = kv.Expire(ctx, "k", kvShort)
	if err != nil || !ok {
		t.Fatalf("Expire(present, short) = %v, %v; want true", ok, err)
	}
	kvNoErr(t, "SetAdd", kv.SetAdd(ctx, "set", 0, "m"))
	if ok, err := kv.Expire(ctx, "set", kvShort); err != nil || !ok {
		t.Fatalf("Expire(set) = %v, %v; want true", ok, err)
	}
	time.Sleep(kvWait)
	kvAbsent(t, kv, "k")
	kvMembersAre(t, kv, "set")
	ok, err = kv.Expire(ctx, "k", kvLong)
	if err != nil || ok {
		t.Fatalf("Expire(expired) = %v, %v; want false", ok, err)
	}
}

func kvTestNegativeTTL(t *testing.T, kv store.KV) {
	ctx := t.Context()
	if err := kv.Set(ctx, "k", []byte("v"), -time.Second); !errors.Is(err, domain.ErrInvalid) {
		t.Fatalf("Set with a negative ttl: %v, want invalid input", err)
	}
	kvAbsent(t, kv, "k")
	if _, err := kv.Incr(ctx, "n", 1, -time.Second); !errors.Is(err, domain.ErrInvalid) {
		t.Fatalf("Incr with a negative ttl: %v, want invalid input", err)
	}
}

func kvTestIncr(t *testing.T, kv store.KV) {
	ctx := t.Context()
	for i, c := range []struct{ delta, want int64 }{{1, 1}, {1, 2}, {5, 7}, {-10, -3}, {0, -3}} {
		n, err := kv.Incr(ctx, "n", c.delta, 0)
		if err != nil || n != c.want {
			t.Fatalf("step %d: Incr(%d) = %d, %v; want %d", i, c.delta, n, err, c.want)
		}
	}
	if n, err := kv.Count(ctx, "n"); err != nil || n != -3 {
		t.Fatalf("Count = %d, %v; want -3", n, err)
	}
	kvTTLNone(t, kv, "n")
	if _, err := kv.Incr(ctx, "ttl", 1, kvLong); err != nil {
		t.Fatal(err)
	}
	kvTTLIn(t, kv, "ttl", 0, kvLong)
}

// kvTestIncrFixedWindow: the ttl is set at creation; later increments do not extend it, and
// once it has passed the counter starts again.
func kvTestIncrFixedWindow(t *testing.T, kv store.KV) {
	ctx := t.Context()
	if n, err := kv.Incr(ctx, "n", 1, kvLong); err != nil || n != 1 {
		t.Fatalf("Incr = %d, %v; want 1", n, err)
	}
	if _, err := kv.Incr(ctx, "short", 1, kvShort); err != nil {
		t.Fatal(err)
	}
	time.Sleep(kvWait)
	if n, err := kv.Incr(ctx, "n", 1, kvLong); err != nil || n != 2 {
		t.Fatalf("Incr = %d, %v; want 2", n, err)
	}
	// At least kvWait has passed since creation: what is left is at most kvLong-kvWait (plus a
	// little rounding), never a fresh window.
	kvTTLIn(t, kv, "n", 0, kvLong-kvWait+10*time.Millisecond)
	if n, err := kv.Count(ctx, "short"); err != nil || n != 0 {
		t.Fatalf("Count after the window = %d, %v; want 0", n, err)
	}
	if n, err := kv.Incr(ctx, "short", 1, kvShort); err != nil || n != 1 {
		t.Fatalf("Incr in a new window = %d, %v; want 1", n, err)
	}
}

func kvTestWindowSlide(t *testing.T, kv store.KV) {
	ctx := t.Context()
	// The window is 1000 units of 10 ms: long enough that the key's own expiry, which runs on
	// the real clock, never interferes.
	const unit = 10 * time.Millisecond
	t0 := time.Now().Truncate(time.Millisecond)
	at := func(u int) time.Time { return t0.Add(time.Duration(u) * unit) }
	const w = 1000 * unit
	for i, c := range []struct {
		hit  bool
		u    int
		want int64
	}{
		{true, 0, 1},
		{true, 100, 2},
		{true, 100, 3}, // two events in the same millisecond both count
		{true, 500, 4},
		{false, 999, 4},
		{false, 1000, 3}, // (now-window, now]: the event at 0 has left
		{false, 1100, 1},
		{false, 600, 4}, // Hits looks back: it forgot nothing
		{true, 1600, 1},
		{false, 1600, 1},
		{false, 2599, 1},
		{false, 2600, 0},
	} {
		var n int64
		var err error
		if c.hit {
			n, err = kv.Hit(ctx, "w", at(c.u), w)
		} else {
			n, err = kv.Hits(ctx, "w", at(c.u), w)
		}
		if err != nil || n != c.want {
			t.Fatalf("step %d (hit=%v at %d units): %d, %v; want %d", i, c.hit, c.u, n, err, c.want)
		}
	}
}

// kvTestWindowExpiry: a window's key does not outlive the window.
func kvTestWindowExpiry(t *testing.T, kv store.KV) {
	ctx := t.Context()
	if _, err := kv.Hit(ctx, "long", time.Now(), kvLong); err != nil {
		t.Fatal(err)
	}
	kvTTLIn(t, kv, "long", 0, kvLong)
	if _, err := kv.Hit(ctx, "w", time.Now(), kvShort); err != nil {
		t.Fatal(err)
	}
	time.Sleep(kvWait)
	_, err := kv.TTL(ctx, "w")
	kvNotFound(t, "TTL(window after expiry)", err)
}

func kvTestSetAddRemove(t *testing.T, kv store.KV) {
	ctx := t.Context()
	kvMembersAre(t, kv, "s")
	kvNoErr(t, "SetAdd", kv.SetAdd(ctx, "s", 0, "a", "b"))
	kvMembersAre(t, kv, "s", "a", "b")
	kvNoErr(t, "SetAdd", kv.SetAdd(ctx, "s", 0, "b", "c"))
	kvNoErr(t, "SetAdd none", kv.SetAdd(ctx, "s", 0))
	kvMembersAre(t, kv, "s", "a", "b", "c")
	kvTTLNone(t, kv, "s")
	kvNoErr(t, "SetRemove", kv.SetRemove(ctx, "s", "a", "x"))
	kvMembersAre(t, kv, "s", "b", "c")
	kvNoErr(t, "SetRemove all", kv.SetRemove(ctx, "s", "b", "c"))
	kvMembersAre(t, kv, "s")
	_, err := kv.TTL(ctx, "s")
	kvNotFound(t, "TTL(emptied set)", err) // an emptied set is gone, as on Redis

	kvNoErr(t, "SetAdd short", kv.SetAdd(ctx, "short", kvShort, "a"))
	time.Sleep(kvWait)
	kvMembersAre(t, kv, "short")
}

// kvTestSetTTL: SetAdd extends a set's expiry, never shortens it.
func kvTestSetTTL(t *testing.T, kv store.KV) {
	ctx := t.Context()
	kvNoErr(t, "SetAdd", kv.SetAdd(ctx, "s", kvLong, "a"))
	kvNoErr(t, "SetAdd shorter", kv.SetAdd(ctx, "s", time.Second, "b"))
	kvTTLIn(t, kv, "s", kvLong/2, kvLong)
	kvNoErr(t, "SetAdd longer", kv.SetAdd(ctx, "s", 2*kvLong, "c"))
	kvTTLIn(t, kv, "s", kvLong, 2*kvLong)
	kvNoErr(t, "SetAdd no ttl", kv.SetAdd(ctx, "s", 0, "d"))
	kvTTLIn(t, kv, "s", kvLong, 2*kvLong)
	kvMembersAre(t, kv, "s", "a", "b", "c", "d")

	kvNoErr(t, "SetAdd without expiry", kv.SetAdd(ctx, "forever", 0, "a"))
	kvNoErr(t, "SetAdd with ttl", kv.SetAdd(ctx, "forever", time.Second, "b"))
	kvTTLNone(t, kv, "forever") // no expiry is the longest: a ttl would shorten it
}
