#!/usr/bin/env bash
# Regenerates docs/screenshots/*.png: the sign-in page (also at phone width), the account page,
# the admin console's users page and its dashboard, in English and in Chinese, at 1280×800,
# taken by the browser test TestBrowserScreenshots in Debian's headless chromium.
# Builds the front end first when its sources changed (scripts/web.sh; SKIP_WEB_BUILD=1 uses the
# web/dist already there).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v chromium >/dev/null || { echo "chromium is missing: bash scripts/services.sh installs it" >&2; exit 1; }
if [ "${SKIP_WEB_BUILD:-}" != 1 ]; then
	scripts/web.sh
fi
[ -f web/dist/index.html ] || { echo "web/dist/index.html is missing: build the front end" >&2; exit 1; }
# -count=1: a cached test result would write no files.
GATEHOUSE_SCREENSHOTS=docs/screenshots go test -count=1 -run '^TestBrowserScreenshots$' -v ./internal/e2e | grep -E 'wrote|^(ok|FAIL|---)'
