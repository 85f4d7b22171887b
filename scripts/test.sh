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

echo "== fuzz (${fuzztime} each)"
# Every Fuzz function in the tree, found by name, one at a time (go test -fuzz takes one).
git grep -l '^func Fuzz' -- '*_test.go' | while read -r file; do
	pkg="./$(dirname "$file")"
	for target in $(grep -o '^func Fuzz[A-Za-z0-9_]*' "$file" | sed 's/^func //'); do
		echo "-- $pkg $target"
		go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg"
	done
done
echo "== all tests passed"
