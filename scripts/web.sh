#!/usr/bin/env bash
# Builds the front end in web/ when it is stale, quietly and idempotently:
#   scripts/web.sh          install dependencies when needed (npm ci), build when sources changed
#   scripts/web.sh --test   the same, always build, then run the unit tests (Vitest), as CI does;
#                           installs Debian's nodejs and npm with apt-get when npm is missing
# Dependencies are installed again only when web/node_modules is missing or package-lock.json
# changed since the last install. The build lands in web/dist, embedded by `go build`.
set -euo pipefail
cd "$(dirname "$0")/../web"

mode="${1:-}"

if ! command -v npm >/dev/null 2>&1; then
	if [ "$mode" != "--test" ]; then
		echo "web: npm is missing; the server will serve its minimal sign-in page (install Node.js to build the front end)" >&2
		exit 0
	fi
	echo "web: installing nodejs and npm"
	sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq nodejs npm >/dev/null
fi

stamp=node_modules/.gatehouse-lock.sha256
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -d node_modules ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
	echo "web: npm ci"
	npm ci --no-audit --no-fund --loglevel=error >/dev/null
	echo "$want" >"$stamp"
	# A go.mod makes node_modules a module of its own, which `go build ./...` and `go vet ./...`
	# then skip, whatever Go files a package ships.
	printf 'module gatehouse.invalid/node_modules\n' >node_modules/go.mod
fi

stale=yes
if [ "$mode" != "--test" ] && [ -f dist/index.html ]; then
	newer="$(find src index.html package.json package-lock.json vite.config.ts tsconfig*.json scripts \
		-newer dist/index.html -print -quit 2>/dev/null)"
	[ -n "$newer" ] || stale=no
fi
if [ "$stale" = yes ]; then
	echo "web: npm run build"
	npm run --silent build
fi

if [ "$mode" = "--test" ]; then
	echo "web: npm test"
	npm test --silent
fi
