package rediskv

import (
	"context"
	"strconv"

	"github.com/gatehouse/gatehouse/internal/store"
	"github.com/gatehouse/gatehouse/internal/store/kv"
)

// Txn checks the conditions and applies the ops in one run of txnScript. The keys must share a
// hash tag; that is checked here, before Redis, and a Cluster would refuse the script anyway
// (CROSSSLOT) rather than run it on part of the keys.
func (s *Store) Txn(ctx context.Context, conds []store.Cond, ops []store.Op) (bool, error) {
	if err := kv.CheckTxn(conds, ops); err != nil {
		return false, err
	}
	if len(conds) == 0 && len(ops) == 0 {
		return true, nil
	}
	keys, args := txnArgs(s.prefix, conds, ops)
	n, err := txnScript.Run(ctx, s.c, keys, args...).Int()
	if err != nil {
		return false, s.fail("txn", err)
	}
	return n == 1, nil
}

// txnArgs encodes a Txn for txnScript: the distinct prefixed keys, and ARGV as the script
// describes it, with keys referred to by their 1-based index in KEYS.
func txnArgs(prefix string, conds []store.Cond, ops []store.Op) ([]string, []any) {
	var keys []string
	index := func(k string) string {
		for i, have := range keys {
			if have == prefix+k {
				return strconv.Itoa(i + 1)
			}
		}
		keys = append(keys, prefix+k)
		return strconv.Itoa(len(keys))
	}
	args := make([]any, 0, 2+3*len(conds)+4*len(ops))
	args = append(args, len(conds))
	for _, c := range conds {
		args = append(args, int(c.Kind), index(c.Key), c.Value)
	}
	args = append(args, len(ops))
	for _, o := range ops {
		var value any = o.Value
		if o.Kind == store.OpSetAdd || o.Kind == store.OpSetRemove {
			value = o.Member
		}
		args = append(args, int(o.Kind), index(o.Key), value, ms(o.TTL))
	}
	return keys, args
}
