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
