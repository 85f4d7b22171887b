#!/usr/bin/env bash
# The whole Gatehouse test suite, as CI runs it (.ci/run calls this script):
# starts the servers the tests need, checks formatting and vet, runs every test with the race
# detector against real PostgreSQL, Redis and a Redis Cluster, then each fuzz target briefly.
set -euo pipefail
cd "$(dirname "$0")/.."

export GOFLAGS="${GOFLAGS:-}"
fuzztime="${FUZZTIME:-10s}"

echo "== services"
scripts/services.sh

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go') 2>/dev/null || true)
if [ -n "$unformatted" ]; then
	echo "gofmt would change:"; echo "$unformatted"; exit 1
fi

echo "== web (npm ci when needed, build, Vitest)"
# Before the Go steps: the build in web/dist is what go:embed puts in the binary under test.
scripts/web.sh --test

echo "== go vet"
go vet ./...

echo "== go test -race"
go test -race -count=1 -timeout 30m ./...

# fuzz_one runs one target. Go 1.26's fuzz coordinator can report a bare "context deadline
# exceeded" when -fuzztime ends while a worker is mid-call (go.dev/issue/75804, fixed in 1.27):
# no input failed and none is written. Such a run is retried once; anything else fails at once,
# and a real finding always prints "Failing input written to".
fuzz_one() {
	local log
	log=$(mktemp)
	for attempt in 1 2; do
		if go test -run '^$' -fuzz "^${2}\$" -fuzztime "$fuzztime" "$1" 2>&1 | tee "$log"; then
			rm -f "$log"; return 0
		fi
		if [ "$attempt" = 1 ] && grep -q 'context deadline exceeded' "$log" &&
			! grep -qE 'Failing input written|panic:|_test\.go:[0-9]+:' "$log"; then
			echo "-- $2: the fuzz coordinator's deadline race (go.dev/issue/75804), no failing input; once more"
			continue
		fi
		rm -f "$log"; return 1
	done
}

echo "== fuzz (${fuzztime} each)"
# Every Fuzz function in the tree, found by name, one at a time (go test -fuzz takes one).
git grep -l '^func Fuzz' -- '*_test.go' | while read -r file; do
	pkg="./$(dirname "$file")"
	for target in $(grep -o '^func Fuzz[A-Za-z0-9_]*' "$file" | sed 's/^func //'); do
		echo "-- $pkg $target"
		fuzz_one "$pkg" "$target"
	done
done
echo "== all tests passed"
