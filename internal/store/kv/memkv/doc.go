// Package memkv is the in-process session store, Gatehouse's default store.KV: values, counters,
// sliding windows, sets, conditional multi-key updates and the delivery queue, all in memory.
//
// Keys live in 64 shards, each behind its own read-write lock; the shard is picked by the key's
// hash tag, so the keys of one Txn (which must share a tag) sit in one shard and a Txn takes a
// single lock. Expiry follows the injected clock: an expired key reads as absent at once, and a
// janitor goroutine, stopped by Close, deletes expired keys every second. Values are copied in
// and out, so callers may reuse their buffers.
//
// It must not be used where more than one Gatehouse node serves the same users: its state lives
// and dies with the process. It must not do I/O or log.
package memkv
