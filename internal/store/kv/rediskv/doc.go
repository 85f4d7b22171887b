// Package rediskv is the Redis session store: store.KV on Redis standalone, Sentinel or Cluster,
// all through one go-redis client type (redis.UniversalClient). Open parses a URL, connects and
// pings; ParseURL only parses, for configuration checks.
//
// # URLs
//
// The scheme picks the topology; the "rediss" variants of each use TLS (1.2 or later, the
// certificate checked against the host dialled).
//
//	redis://[user:password@]host[:port][/db]
//	rediss://[user:password@]host[:port][/db]
//	redis-sentinel://[user:password@]host1[:port],host2[:port],…/MASTERNAME[?db=N]
//	rediss-sentinel://…  (same form)
//	redis-cluster://[user:password@]host1[:port],host2[:port],…
//	rediss-cluster://…   (same form)
//
// Examples:
//
//	redis://127.0.0.1:6379/0
//	rediss://gatehouse:s3cr%40t@cache.example.com:6380/2
//	redis-sentinel://:s3cret@10.0.0.1:26379,10.0.0.2:26379,10.0.0.3:26379/mymaster?db=1
//	redis-cluster://10.0.1.1:7000,10.0.1.2:7000,10.0.1.3:7000?pool_size=50
//
// The port defaults to 6379, and to 26379 for sentinels; the database to 0. A cluster has only
// database 0 and takes no path. Write an IPv6 address in brackets ([::1]:6379). The user name
// and password authenticate with Redis itself (with the master and replicas behind sentinels);
// percent-encode '@', ':', '/', '?', '#' and '%' in them (%40, %3A, %2F, %3F, %23, %25). For a
// cluster, list a few nodes: the others are discovered.
//
// Query options, all optional:
//
//	db=N                      database number (standalone and sentinel; or use the path)
//	dial_timeout=5s           connecting; a bare number means seconds
//	read_timeout=3s           waiting for a reply
//	write_timeout=3s          sending a command
//	pool_timeout=4s           waiting for a free connection
//	pool_size=N               connections per node (default 10 per CPU)
//	min_idle_conns=N          idle connections kept open
//	max_idle_conns=N          idle connections at most
//	conn_max_idle_time=30m    close connections idle this long
//	conn_max_lifetime=1h      close connections this old
//	max_retries=N             retries of a failed command (default 3; -1 for none)
//	client_name=NAME          CLIENT SETNAME, shown by CLIENT LIST
//	sentinel_username=NAME    for sentinels that require their own credentials
//	sentinel_password=SECRET  (sentinel schemes only)
//	skip_verify=true          do not check the TLS certificate (TLS schemes only; tests only)
//
// An unknown option, a bad value or a malformed URL is an invalid-input error that says what is
// wrong and never repeats the URL, since it may hold a password.
//
// # Keys and scripts
//
// Options.Prefix goes in front of every key; it must not contain braces, so it never moves a
// hash tag. Every operation of more than one step is one Lua script (EVALSHA, loaded on first
// use), so it is atomic on the server; the scripts are in scripts.go with the layout of their
// keys. Times that decide queue visibility come from the injected clock (Options.Now) and are
// passed to the scripts, never read from the server, so that this backend and memkv agree.
// Key expiry itself is Redis's, on the server's clock.
//
// A Txn's keys must share a hash tag: Txn refuses other calls before sending anything, and a
// Cluster would refuse the script whole (CROSSSLOT) rather than run part of it. Each queue lives
// in keys under the hash tag {q:NAME}.
//
// # Errors
//
// redis.Nil is domain.ErrNotFound; a connection failure, a timeout, a cancelled context or a
// cluster or server that cannot serve now is a *domain.Error of code unavailable; anything else
// (a wrong type, a script error) is internal. The messages name the hosts, never the password.
//
// This package must not hold business rules (what a session is, how long it lives), must not log
// and must not read the server's clock for anything the caller's clock decides.
package rediskv
