package kv

import (
	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/store"
)

// HashTag returns the part of key that Redis Cluster hashes to pick a slot: the text between
// the first '{' and the following '}' when that text is not empty, else the whole key.
func HashTag(key string) string {
	for i := 0; i < len(key); i++ {
		if key[i] != '{' {
			continue
		}
		for j := i + 1; j < len(key); j++ {
			if key[j] == '}' {
				if j == i+1 {
					return key
				}
				return key[i+1 : j]
			}
		}
		return key
	}
	return key
}

// CheckTxnKeys returns an invalid-input error unless every key of one Txn shares a hash tag, as
// store.Atomic requires. A single key (however often repeated) always passes. Checking this in
// every backend makes a Txn that would fail on a Redis Cluster fail in development as well.
func CheckTxnKeys(conds []store.Cond, ops []store.Op) error {
	first, tag := "", ""
	check := func(key string) error {
		switch {
		case first == "":
			first, tag = key, HashTag(key)
		case key != first && HashTag(key) != tag:
			return domain.Errorf(domain.CodeInvalidInput,
				"kv: the keys of one txn must share a hash tag: %q and %q do not", first, key)
		}
		return nil
	}
	for _, c := range conds {
		if err := check(c.Key); err != nil {
			return err
		}
	}
	for _, o := range ops {
		if err := check(o.Key); err != nil {
			return err
		}
	}
	return nil
}

// CheckTxn refuses what no backend may apply: unknown condition or op kinds, negative ttls and
// keys without a shared hash tag (see CheckTxnKeys). Backends call it before they touch data.
func CheckTxn(conds []store.Cond, ops []store.Op) error {
	for _, c := range conds {
		if c.Kind < store.CondEqual || c.Kind > store.CondPresent {
			return domain.Errorf(domain.CodeInvalidInput, "kv: unknown txn condition kind %d", c.Kind)
		}
	}
	for _, o := range ops {
		if o.Kind < store.OpPut || o.Kind > store.OpExpire {
			return domain.Errorf(domain.CodeInvalidInput, "kv: unknown txn op kind %d", o.Kind)
		}
		if o.TTL < 0 {
			return domain.Errorf(domain.CodeInvalidInput, "kv: txn op on %q has a negative ttl", o.Key)
		}
	}
	return CheckTxnKeys(conds, ops)
}
