#!/usr/bin/env bash
# The whole check, from a fresh clone: installs and builds what is missing, starts the local stack, type-checks,
# lints, runs every jest project, and stops what it started — also when something fails.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1

started_stack=0
case "$(bash scripts/stack.sh status)" in *stopped*) started_stack=1 ;; esac
cleanup() { [ "$started_stack" = 0 ] || bash scripts/stack.sh stop; }
trap cleanup EXIT
bash scripts/stack.sh start || exit 1
source scripts/lib/stack-env.sh

status=0
echo "test: type-check"; npx --no-install tsc --noEmit -p tsconfig.json || status=1
echo "test: lint"; npx --no-install eslint . || status=1
echo "test: jest"; npx --no-install jest --ci "$@" || status=1
exit $status
