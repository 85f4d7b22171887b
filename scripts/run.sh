#!/usr/bin/env bash
# Runs Gatehouse with its two demo sub-systems, with the real front end: builds web/ first when
# it is missing or older than its sources (scripts/web.sh), then runs the demo. Arguments go to
# `gatehouse demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/web.sh
exec go run ./cmd/gatehouse demo "$@"
