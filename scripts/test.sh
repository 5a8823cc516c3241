#!/usr/bin/env bash
# The whole check, from a fresh clone: installs and builds what is missing, starts the local stack, type-checks,
# lints, runs every jest project, and stops what it started — also when something fails.
# `--load N` keeps N cores busy with spinning processes for the whole run, to show the tests hold on a shared machine;
# other arguments go to jest.
set -uo pipefail
cd "$(dirname "$0")/.."

load=0
if [ "${1:-}" = "--load" ]; then
  case "${2:-}" in
    '' | *[!0-9]*) echo "test: --load: \"${2:-}\" must be a whole number of cores" >&2; exit 2 ;;
  esac
  load=$2
  shift 2
fi
bash scripts/setup.sh || exit 1

started_stack=0
case "$(bash scripts/stack.sh status)" in *stopped*) started_stack=1 ;; esac
burners=()
cleanup() {
  for pid in "${burners[@]}"; do kill "$pid" 2>/dev/null; done
  [ "$started_stack" = 0 ] || bash scripts/stack.sh stop
}
trap cleanup EXIT
trap 'exit 130' INT TERM
for ((i = 0; i < load; i++)); do
  node -e 'for (;;) {}' &
  burners+=($!)
done
[ "$load" = 0 ] || echo "test: $load core(s) kept busy (pids ${burners[*]})"
bash scripts/stack.sh start || exit 1
source scripts/lib/stack-env.sh

status=0
echo "test: type-check"; npx --no-install tsc --noEmit -p tsconfig.json || status=1
echo "test: lint"; npx --no-install eslint . || status=1
echo "test: jest"; npx --no-install jest --ci "$@" || status=1
exit $status
