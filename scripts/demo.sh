#!/usr/bin/env bash
# The main job: sets up and starts what is missing, runs the demo against a real worker, and stops what it started.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
node --import tsx src/config/check.ts
bash scripts/setup.sh
source scripts/lib/pids.sh

started_stack=0
cleanup() {
  stop_bg demo-worker
  [ "$started_stack" = 0 ] || bash scripts/stack.sh stop
}
trap cleanup EXIT
case "$(bash scripts/stack.sh status)" in *running*) ;; *) started_stack=1 ;; esac
bash scripts/stack.sh start
source scripts/lib/stack-env.sh
start_bg demo-worker .data/logs/demo-worker.log node --import tsx src/worker/main.ts
node --import tsx src/client/run-smoke.ts
