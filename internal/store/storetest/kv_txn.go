package storetest

import (
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/store"
)

// kvTxn runs a Txn and fails on error or when applied is not want.
func kvTxn(t *testing.T, kv store.KV, want bool, conds []store.Cond, ops ...store.Op) {
	t.Helper()
	applied, err := kv.Txn(t.Context(), conds, ops)
	if err != nil {
		t.Fatalf("Txn(%v, %v): %v", conds, ops, err)
	}
	if applied != want {
		t.Fatalf("Txn(%v, %v) applied = %v, want %v", conds, ops, applied, want)
	}
}

func kvPut(key, value string, ttl time.Duration) store.Op {
	return store.Op{Kind: store.OpPut, Key: key, Value: []byte(value), TTL: ttl}
}

func kvTestTxnConds(t *testing.T, kv store.KV) {
	ctx := t.Context()
	absent := []store.Cond{{Kind: store.CondAbsent, Key: "k"}}
	present := []store.Cond{{Kind: store.CondPresent, Key: "k"}}
	equal := func(v string) []store.Cond { return []store.Cond{{Kind: store.CondEqual, Key: "k", Value: []byte(v)}} }

	kvTxn(t, kv, false, present, kvPut("k", "present", 0))
	kvTxn(t, kv, false, equal(""), kvPut("k", "equal", 0)) // absent is not equal to empty
	kvAbsent(t, kv, "k")
	kvTxn(t, kv, true, absent, kvPut("k", "v1", 0))
	kvGetIs(t, kv, "k", "v1")
	kvTxn(t, kv, false, absent, kvPut("k", "v2", 0))
	kvGetIs(t, kv, "k", "v1")
	kvTxn(t, kv, true, present, kvPut("k", "v2", 0))
	kvGetIs(t, kv, "k", "v2")
	kvTxn(t, kv, false, equal("v1"), kvPut("k", "v3", 0))
	kvTxn(t, kv, false, equal("v2 "), kvPut("k", "v3", 0))
	kvGetIs(t, kv, "k", "v2")
	kvTxn(t, kv, true, equal("v2"), kvPut("k", "v3", 0))
	kvGetIs(t, kv, "k", "v3")
	kvTxn(t, kv, true, nil, kvPut("k", "v4", 0)) // no condition: always applied
	kvGetIs(t, kv, "k", "v4")
	kvTxn(t, kv, true, equal("v4")) // conditions only: reports, changes nothing
	kvTxn(t, kv, false, equal("v3"))

	// Every condition must hold, not just one.
	kvNoErr(t, "Set", kv.Set(ctx, "{c}j", []byte("x"), 0))
	kvNoErr(t, "Set", kv.Set(ctx, "{c}k", []byte("x"), 0))
	both := []store.Cond{{Kind: store.CondPresent, Key: "{c}j"}, {Kind: store.CondAbsent, Key: "{c}k"}}
	kvTxn(t, kv, false, both, kvPut("{c}j", "y", 0))
	kvGetIs(t, kv, "{c}j", "x")

	// An expired key is absent.
	kvNoErr(t, "Set short", kv.Set(ctx, "short", []byte("v"), kvShort))
	time.Sleep(kvWait)
	kvTxn(t, kv, true, []store.Cond{{Kind: store.CondAbsent, Key: "short"}}, kvPut("short", "new", 0))
	kvGetIs(t, kv, "short", "new")
}

func kvTestTxnOps(t *testing.T, kv store.KV) {
	ctx := t.Context()
	kvNoErr(t, "Set", kv.Set(ctx, "{o}del", []byte("v"), 0))
	kvNoErr(t, "Set", kv.Set(ctx, "{o}exp", []byte("v"), 0))
	kvNoErr(t, "Set", kv.Set(ctx, "{o}persist", []byte("v"), kvLong))
	kvNoErr(t, "SetAdd", kv.SetAdd(ctx, "{o}set", 0, "a", "b"))
	kvTxn(t, kv, true, nil,
		kvPut("{o}put", "v", kvLong),
		kvPut("{o}forever", "v", 0),
		store.Op{Kind: store.OpDelete, Key: "{o}del"},
		store.Op{Kind: store.OpSetAdd, Key: "{o}set", Member: "c"},
		store.Op{Kind: store.OpSetRemove, Key: "{o}set", Member: "a"},
		store.Op{Kind: store.OpSetAdd, Key: "{o}newset", Member: "m", TTL: kvLong},
		store.Op{Kind: store.OpSetRemove, Key: "{o}absentset", Member: "m"},
		store.Op{Kind: store.OpExpire, Key: "{o}exp", TTL: kvLong},
		store.Op{Kind: store.OpExpire, Key: "{o}persist", TTL: 0},
		store.Op{Kind: store.OpExpire, Key: "{o}absent", TTL: kvLong},
	)
	kvGetIs(t, kv, "{o}put", "v")
	kvTTLIn(t, kv, "{o}put", 0, kvLong)
	kvTTLNone(t, kv, "{o}forever")
	kvAbsent(t, kv, "{o}del")
	kvMembersAre(t, kv, "{o}set", "b", "c")
	kvTTLNone(t, kv, "{o}set")
	kvMembersAre(t, kv, "{o}newset", "m")
	kvTTLIn(t, kv, "{o}newset", 0, kvLong)
	kvTTLIn(t, kv, "{o}exp", 0, kvLong)
	kvTTLNone(t, kv, "{o}persist")
	_, err := kv.TTL(ctx, "{o}absent")
	kvNotFound(t, "OpExpire must not create a key", err)

	// OpSetAdd never shortens a set's expiry, like SetAdd.
	kvTxn(t, kv, true, nil, store.Op{Kind: store.OpSetAdd, Key: "{o}newset", Member: "n", TTL: time.Second})
	kvTTLIn(t, kv, "{o}newset", kvLong/2, kvLong)

	// Ops apply in order: a put then an expire of the same key.
	kvTxn(t, kv, true, nil, kvPut("{o}seq", "v", 0), store.Op{Kind: store.OpExpire, Key: "{o}seq", TTL: kvShort})
	time.Sleep(kvWait)
	kvAbsent(t, kv, "{o}seq")
}

func kvTestTxnFailedCond(t *testing.T, kv store.KV) {
	ctx := t.Context()
	kvNoErr(t, "Set", kv.Set(ctx, "{f}a", []byte("1"), 0))
	kvNoErr(t, "SetAdd", kv.SetAdd(ctx, "{f}s", 0, "m"))
	conds := []store.Cond{
		{Kind: store.CondEqual, Key: "{f}a", Value: []byte("1")}, // holds
		{Kind: store.CondAbsent, Key: "{f}s"},                    // does not
	}
	kvTxn(t, kv, false, conds,
		kvPut("{f}a", "2", 0),
		kvPut("{f}b", "2", 0),
		store.Op{Kind: store.OpDelete, Key: "{f}s"},
		store.Op{Kind: store.OpSetAdd, Key: "{f}s", Member: "x"},
		store.Op{Kind: store.OpExpire, Key: "{f}a", TTL: kvShort},
	)
	kvGetIs(t, kv, "{f}a", "1")
	kvTTLNone(t, kv, "{f}a")
	kvAbsent(t, kv, "{f}b")
	kvMembersAre(t, kv, "{f}s", "m")
}

// kvTestTxnHashTag: the keys of one session share a hash tag and update together.
func kvTestTxnHashTag(t *testing.T, kv store.KV) {
	sess, rt, idx := "sess:{abc}", "rt:{abc}:x", "sessions:{abc}"
	kvTxn(t, kv, true, []store.Cond{{Kind: store.CondAbsent, Key: sess}},
		kvPut(sess, "session", kvLong),
		kvPut(rt, "family", kvLong),
		store.Op{Kind: store.OpSetAdd, Key: idx, Member: "x", TTL: kvLong},
	)
	kvGetIs(t, kv, sess, "session")
	kvGetIs(t, kv, rt, "family")
	kvMembersAre(t, kv, idx, "x")
	// Rotate the refresh token only while the session still holds.
	kvTxn(t, kv, true,
		[]store.Cond{{Kind: store.CondPresent, Key: sess}, {Kind: store.CondEqual, Key: rt, Value: []byte("family")}},
		kvPut(rt, "family2", kvLong))
	kvGetIs(t, kv, rt, "family2")
	kvTxn(t, kv, true, nil, store.Op{Kind: store.OpDelete, Key: sess}, store.Op{Kind: store.OpDelete, Key: rt})
	kvTxn(t, kv, false, []store.Cond{{Kind: store.CondPresent, Key: sess}}, kvPut(rt, "revived", 0))
	kvAbsent(t, kv, rt)
}

// kvTestTxnCrossTag: keys without a shared hash tag are refused on every backend, so that what
// would fail on a Redis Cluster fails in development too; nothing is applied.
func kvTestTxnCrossTag(t *testing.T, kv store.KV) {
	applied, err := kv.Txn(t.Context(), []store.Cond{{Kind: store.CondAbsent, Key: "sess:{a}"}},
		[]store.Op{kvPut("sess:{a}", "v", 0), kvPut("sess:{b}", "v", 0)})
	if err == nil || applied {
		t.Fatalf("Txn across hash tags = %v, %v; want an error", applied, err)
	}
	kvAbsent(t, kv, "sess:{a}")
	kvAbsent(t, kv, "sess:{b}")
}

// kvTestTxnWrongType: an op that cannot apply fails the whole Txn before any op applies.
func kvTestTxnWrongType(t *testing.T, kv store.KV) {
	ctx := t.Context()
	kvNoErr(t, "Set", kv.Set(ctx, "{t}str", []byte("v"), 0))
	applied, err := kv.Txn(ctx, nil, []store.Op{
		kvPut("{t}a", "1", 0),
		store.Op{Kind: store.OpSetAdd, Key: "{t}str", Member: "m"}, // a string is not a set
	})
	if err == nil || applied {
		t.Fatalf("Txn with a set op on a string = %v, %v; want an error", applied, err)
	}
	kvAbsent(t, kv, "{t}a")
	// The same when the wrong kind arises within the Txn itself.
	applied, err = kv.Txn(ctx, nil, []store.Op{
		kvPut("{t}b", "1", 0),
		kvPut("{t}c", "1", 0),
		store.Op{Kind: store.OpSetAdd, Key: "{t}c", Member: "m"},
	})
	if err == nil || applied {
		t.Fatalf("Txn with a set op after a put = %v, %v; want an error", applied, err)
	}
	kvAbsent(t, kv, "{t}b")
	kvAbsent(t, kv, "{t}c")
	if _, err := kv.Txn(ctx, nil, []store.Op{{Kind: store.OpKind(99), Key: "{t}x"}}); !errors.Is(err, domain.ErrInvalid) {
		t.Fatalf("unknown op kind: %v, want invalid input", err)
	}
}

// kvTestTxnConcurrent: 200 optimistic read-modify-write loops end with exactly 200 increments.
func kvTestTxnConcurrent(t *testing.T, kv store.KV) {
	ctx := t.Context()
	const n = 200
	kvNoErr(t, "Set", kv.Set(ctx, "ctr", []byte("0"), 0))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range n {
		wg.Go(func() {
			<-start
			for {
				old, err := kv.Get(ctx, "ctr")
				if err != nil {
					t.Errorf("Get: %v", err)
					return
				}
				v, err := strconv.Atoi(string(old))
				if err != nil {
					t.Errorf("counter %q: %v", old, err)
					return
				}
				applied, err := kv.Txn(ctx,
					[]store.Cond{{Kind: store.CondEqual, Key: "ctr", Value: old}},
					[]store.Op{kvPut("ctr", strconv.Itoa(v+1), 0)})
				if err != nil {
					t.Errorf("Txn: %v", err)
					return
				}
				if applied {
					return
				}
			}
		})
	}
	close(start)
	wg.Wait()
	kvGetIs(t, kv, "ctr", strconv.Itoa(n))
}
