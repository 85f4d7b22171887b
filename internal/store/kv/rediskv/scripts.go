package rediskv

import "github.com/redis/go-redis/v9"

// The Lua scripts behind every operation of more than one step. Each runs atomically on the
// server; each touches only the keys passed in KEYS, which share a hash tag. Times are passed in
// ARGV as whole milliseconds computed from the injected clock, never read from the server.
// Redis does not roll a script back when it fails half-way, so each script checks everything
// that could fail before its first write.

// incrScript: KEYS[1] counter; ARGV delta, ttl ms (0 = none). The ttl is set only when the
// counter is created: a fixed window.
var incrScript = redis.NewScript(`
local existed = redis.call('EXISTS', KEYS[1])
local n = redis.call('INCRBY', KEYS[1], ARGV[1])
if existed == 0 and tonumber(ARGV[2]) > 0 then
	redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return n
`)

// persistScript: KEYS[1]; removes the expiry and reports whether the key exists (PERSIST alone
// answers 0 for a key that exists without expiry).
var persistScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('PERSIST', KEYS[1])
return 1
`)

// hitScript: KEYS[1] sorted set of events; ARGV now ms, window ms, now-window ms, unique member.
// Forgets events at or before now-window, records this one and counts (now-window, now].
var hitScript = redis.NewScript(`
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return redis.call('ZCOUNT', KEYS[1], '(' .. ARGV[3], ARGV[1])
`)

// luaSetAdd adds a member and extends, never shortens, the set's expiry; shared by SetAdd and
// the Txn script.
const luaSetAdd = `
local function setadd(key, ttl, first, last)
	local existed = redis.call('EXISTS', key)
	for i = first, last do redis.call('SADD', key, ARGV[i]) end
	if ttl > 0 then
		local left = redis.call('PTTL', key)
		if existed == 0 or (left >= 0 and left < ttl) then
			redis.call('PEXPIRE', key, ttl)
		end
	end
end
`

// setAddScript: KEYS[1] set; ARGV ttl ms, members….
var setAddScript = redis.NewScript(luaSetAdd + `
setadd(KEYS[1], tonumber(ARGV[1]), 2, #ARGV)
return 1
`)

// txnScript: KEYS the distinct keys of the call. ARGV: the number of conditions, then per
// condition kind, key index, value; then the number of ops, then per op kind, key index,
// value or member, ttl ms. Kinds are the numbers of store.CondKind and store.OpKind. Returns 1
// when applied, 0 when a condition failed. A set op on a key that is (or by then will be)
// something else than a set fails the script before anything is written.
var txnScript = redis.NewScript(luaSetAdd + `
local a = 1
local nconds = tonumber(ARGV[a]); a = a + 1
for i = 1, nconds do
	local kind, key, value = ARGV[a], KEYS[tonumber(ARGV[a + 1])], ARGV[a + 2]
	a = a + 3
	if kind == '1' then
		if redis.call('GET', key) ~= value then return 0 end
	elseif kind == '2' then
		if redis.call('EXISTS', key) == 1 then return 0 end
	elseif redis.call('EXISTS', key) == 0 then
		return 0
	end
end
local nops = tonumber(ARGV[a]); a = a + 1
local will, b = {}, a
for i = 1, nops do
	local kind, key = ARGV[b], KEYS[tonumber(ARGV[b + 1])]
	b = b + 4
	local t = will[key]
	if t == nil then t = redis.call('TYPE', key)['ok'] end
	if kind == '1' then
		t = 'string'
	elseif kind == '2' then
		t = 'none'
	elseif kind == '3' or kind == '4' then
		if t ~= 'none' and t ~= 'set' then
			return redis.error_reply('WRONGTYPE gatehouse txn: a set op on a key that holds a ' .. t)
		end
		if kind == '3' then t = 'set' end
	end
	will[key] = t
end
for i = 1, nops do
	local kind, key, ttl = ARGV[a], KEYS[tonumber(ARGV[a + 1])], tonumber(ARGV[a + 3])
	if kind == '1' then
		if ttl > 0 then
			redis.call('SET', key, ARGV[a + 2], 'PX', ttl)
		else
			redis.call('SET', key, ARGV[a + 2])
		end
	elseif kind == '2' then
		redis.call('DEL', key)
	elseif kind == '3' then
		setadd(key, ttl, a + 2, a + 2)
	elseif kind == '4' then
		redis.call('SREM', key, ARGV[a + 2])
	elseif redis.call('EXISTS', key) == 1 then
		if ttl > 0 then redis.call('PEXPIRE', key, ttl) else redis.call('PERSIST', key) end
	end
	a = a + 4
end
return 1
`)

// The queue NAME lives in keys that share the hash tag {q:NAME}: a sorted set Z of live ids
// scored by the millisecond they become visible, a hash H of per-message fields (ID:b body,
// ID:a attempts, ID:t enqueued ms, ID:e last error) plus the id sequence "seq", and a list D of
// buried ids, oldest first. An id is the 16-hex-digit sequence number and a random suffix, so
// ids of equal score leave in the order they came.

// enqueueScript: KEYS Z, H; ARGV enqueued ms, visible-at ms, random suffix, body.
var enqueueScript = redis.NewScript(`
local id = string.format('%016x', redis.call('HINCRBY', KEYS[2], 'seq', 1)) .. ARGV[3]
redis.call('HSET', KEYS[2], id .. ':b', ARGV[4], id .. ':a', 0, id .. ':t', ARGV[1])
redis.call('ZADD', KEYS[1], ARGV[2], id)
return id
`)

// dequeueScript: KEYS Z, H; ARGV now ms, hidden-until ms. Returns {id, body, attempts,
// enqueued ms, last error} or nil.
var dequeueScript = redis.NewScript(`
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 1)
if #ids == 0 then return false end
local id = ids[1]
redis.call('ZADD', KEYS[1], ARGV[2], id)
local n = redis.call('HINCRBY', KEYS[2], id .. ':a', 1)
local f = redis.call('HMGET', KEYS[2], id .. ':b', id .. ':t', id .. ':e')
return {id, f[1], n, f[2], f[3]}
`)

// ackScript: KEYS Z, H; ARGV id. Forgets a live message; a buried one stays buried.
var ackScript = redis.NewScript(`
if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then
	local id = ARGV[1]
	redis.call('HDEL', KEYS[2], id .. ':b', id .. ':a', id .. ':t', id .. ':e')
end
return 1
`)

// nackScript: KEYS Z, H; ARGV id, visible-at ms, reason. Returns 0 for an unknown id.
var nackScript = redis.NewScript(`
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1] .. ':e', ARGV[3])
return 1
`)

// buryScript: KEYS Z, H, D; ARGV id, reason. Returns 0 for an unknown id.
var buryScript = redis.NewScript(`
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[2], ARGV[1] .. ':e', ARGV[2])
redis.call('RPUSH', KEYS[3], ARGV[1])
return 1
`)

// deadScript: KEYS H, D; ARGV limit. Returns id, body, attempts, enqueued ms, last error for
// each of the oldest limit buried messages, flattened.
var deadScript = redis.NewScript(`
local out = {}
for _, id in ipairs(redis.call('LRANGE', KEYS[2], 0, tonumber(ARGV[1]) - 1)) do
	local f = redis.call('HMGET', KEYS[1], id .. ':b', id .. ':a', id .. ':t', id .. ':e')
	out[#out + 1] = id
	for j = 1, 4 do out[#out + 1] = f[j] end
end
return out
`)

// statsScript: KEYS Z, D; ARGV now ms. Returns {ready, scheduled, dead} from one snapshot.
var statsScript = redis.NewScript(`
return {
	redis.call('ZCOUNT', KEYS[1], '-inf', ARGV[1]),
	redis.call('ZCOUNT', KEYS[1], '(' .. ARGV[1], '+inf'),
	redis.call('LLEN', KEYS[2]),
}
`)
