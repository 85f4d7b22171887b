package kv_test

import (
	"errors"
	"testing"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/store"
	"github.com/gatehouse/gatehouse/internal/store/kv"
)

func TestHashTag(t *testing.T) {
	for _, c := range []struct{ key, want string }{
		{"plain", "plain"},
		{"sess:{abc}", "abc"},
		{"rt:{abc}:x", "abc"},
		{"{q:mail}:z", "q:mail"},
		{"a{}b{c}", "a{}b{c}"}, // an empty tag means the whole key, as in Redis
		{"a{b", "a{b"},
		{"a}b{c}d{e}", "c"},
		{"{{x}}", "{x"},
	} {
		if got := kv.HashTag(c.key); got != c.want {
			t.Errorf("HashTag(%q) = %q, want %q", c.key, got, c.want)
		}
	}
}

func TestCheckTxnKeys(t *testing.T) {
	ok := [][]string{
		{"one"},
		{"one", "one"},
		{"sess:{abc}", "rt:{abc}:x", "{abc}"},
	}
	for _, keys := range ok {
		var ops []store.Op
		for _, k := range keys {
			ops = append(ops, store.Op{Kind: store.OpDelete, Key: k})
		}
		if err := kv.CheckTxnKeys(nil, ops); err != nil {
			t.Errorf("%v: %v", keys, err)
		}
	}
	err := kv.CheckTxnKeys([]store.Cond{{Kind: store.CondAbsent, Key: "sess:{a}"}},
		[]store.Op{{Kind: store.OpDelete, Key: "sess:{b}"}})
	if !errors.Is(err, domain.ErrInvalid) {
		t.Errorf("cross-tag keys: got %v, want invalid input", err)
	}
	if err := kv.CheckTxnKeys(nil, []store.Op{{Key: "a"}, {Key: "b"}}); err == nil {
		t.Error("untagged distinct keys: want an error")
	}
}

func TestCheckTxn(t *testing.T) {
	for name, c := range map[string]struct {
		conds []store.Cond
		ops   []store.Op
	}{
		"unknown cond": {conds: []store.Cond{{Kind: 0, Key: "k"}}},
		"unknown op":   {ops: []store.Op{{Kind: store.OpExpire + 1, Key: "k"}}},
		"negative ttl": {ops: []store.Op{{Kind: store.OpPut, Key: "k", TTL: -1}}},
		"cross tag":    {ops: []store.Op{{Kind: store.OpPut, Key: "{a}"}, {Kind: store.OpPut, Key: "{b}"}}},
	} {
		if err := kv.CheckTxn(c.conds, c.ops); !errors.Is(err, domain.ErrInvalid) {
			t.Errorf("%s: %v, want invalid input", name, err)
		}
	}
	if err := kv.CheckTxn([]store.Cond{{Kind: store.CondEqual, Key: "{a}x"}},
		[]store.Op{{Kind: store.OpSetAdd, Key: "{a}y", TTL: 1}}); err != nil {
		t.Errorf("valid txn: %v", err)
	}
}
