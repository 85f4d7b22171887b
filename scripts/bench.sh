#!/usr/bin/env bash
# Micro-benchmarks behind BENCHMARKS.md. Each group runs with its baseline in the same process
# run, so figures read as ratios. Usage: scripts/bench.sh [count]  (default 3 runs each)
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-3}"
scripts/services.sh >/dev/null
echo "# $(date -u +%FT%TZ) $(uname -m) $(nproc) CPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "# go: $(go version)"
run() { echo; echo "## $*"; go test -run '^$' -count "$count" -benchmem "$@" | grep -E '^(Benchmark|ok|FAIL)'; }
run -bench 'Allows|EffectivePermissions' ./internal/domain
run -bench 'Argon2|Bcrypt|DummyVerify' -benchtime 20x ./internal/password
run -bench 'MemKV' ./internal/store/kv/memkv
run -bench 'RedisKV|RedisClusterKV' -benchtime 2000x ./internal/store/kv/rediskv
run -bench 'SQLite|Postgres' -benchtime 200x ./internal/store/sqlstore
run -bench . -benchtime 2000x ./internal/session ./internal/token ./internal/throttle ./internal/captcha 2>/dev/null || true
