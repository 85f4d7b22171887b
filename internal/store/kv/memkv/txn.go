package memkv

import (
	"bytes"
	"context"

	"github.com/gatehouse/gatehouse/internal/store"
	"github.com/gatehouse/gatehouse/internal/store/kv"
)

// Txn checks the conditions and applies the ops under the lock of the one shard that holds
// every key of the call (they share a hash tag, which picks the shard). Ops are checked before
// any is applied, so a Txn either applies entirely or not at all.
func (s *Store) Txn(_ context.Context, conds []store.Cond, ops []store.Op) (bool, error) {
	if err := s.check(0); err != nil {
		return false, err
	}
	if err := kv.CheckTxn(conds, ops); err != nil {
		return false, err
	}
	if len(conds) == 0 && len(ops) == 0 {
		return true, nil
	}
	key := ""
	if len(conds) > 0 {
		key = conds[0].Key
	} else {
		key = ops[0].Key
	}
	sh, now := s.shard(key), s.nowNano()
	sh.mu.Lock()
	defer sh.mu.Unlock()

	for _, c := range conds {
		e, ok := sh.live(c.Key, now)
		switch c.Kind {
		case store.CondEqual:
			if ok && e.kind != kindValue {
				return false, errWrongType
			}
			if !ok || !bytes.Equal(e.value, c.Value) {
				return false, nil
			}
		case store.CondAbsent:
			if ok {
				return false, nil
			}
		case store.CondPresent:
			if !ok {
				return false, nil
			}
		}
	}
	if err := sh.checkOpKinds(ops, now); err != nil {
		return false, err
	}
	for _, o := range ops {
		switch o.Kind {
		case store.OpPut:
			v := bytes.Clone(o.Value)
			if v == nil {
				v = []byte{}
			}
			sh.m[o.Key] = entry{kind: kindValue, value: v, exp: expiry(now, o.TTL)}
		case store.OpDelete:
			delete(sh.m, o.Key)
		case store.OpSetAdd:
			_ = sh.setAdd(o.Key, now, o.TTL, o.Member) // kinds were checked above
		case store.OpSetRemove:
			_ = sh.setRemove(o.Key, now, o.Member)
		case store.OpExpire:
			sh.expire(o.Key, now, o.TTL)
		}
	}
	return true, nil
}

// checkOpKinds follows what each key will hold as the ops apply in order and fails when a set
// op would meet a key that is not a set, so that no op is applied when a later one would fail.
func (sh *shard) checkOpKinds(ops []store.Op, now int64) error {
	type keyKind struct {
		key  string
		kind kind // 0 = absent
	}
	var buf [8]keyKind // a Txn touches a handful of keys: no map, no allocation
	will := buf[:0]
	for _, o := range ops {
		i := 0
		for i < len(will) && will[i].key != o.Key {
			i++
		}
		if i == len(will) {
			kk := keyKind{key: o.Key}
			if e, ok := sh.live(o.Key, now); ok {
				kk.kind = e.kind
			}
			will = append(will, kk)
		}
		switch o.Kind {
		case store.OpPut:
			will[i].kind = kindValue
		case store.OpDelete:
			will[i].kind = 0
		case store.OpSetAdd, store.OpSetRemove:
			if k := will[i].kind; k != 0 && k != kindSet {
				return errWrongType
			}
			if o.Kind == store.OpSetAdd {
				will[i].kind = kindSet
			}
		}
	}
	return nil
}
