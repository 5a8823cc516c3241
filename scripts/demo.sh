#!/usr/bin/env bash
# The main job: sets up and starts what is missing (stack, two gateway replicas, a worker) and runs the demo. Run from
# a terminal, it then keeps all of it running so the Web UI, the inbox and the reports can be explored, until Ctrl-C;
# with --exit, or without a terminal (CI, tests), it stops at once. Either way it stops what it started.
set -euo pipefail
keep_open=1
for arg in "$@"; do
  case "$arg" in
    --exit) keep_open=0 ;;
    *) echo "demo: unknown option '$arg' (the only option is --exit)" >&2; exit 2 ;;
  esac
done
[ -t 0 ] && [ -t 1 ] || keep_open=0
cd "$(dirname "$0")/.."
[ -d node_modules ] || ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error
node --import tsx src/config/check.ts
bash scripts/setup.sh
source scripts/lib/pids.sh

started_stack=0
sleeper=
demo=
cleanup() {
  # Nothing may cut the cleanup short: not a second signal, nor a reader of the output that has gone away.
  trap '' INT TERM PIPE
  set +e
  [ -z "$sleeper" ] || kill "$sleeper" 2>/dev/null
  if [ -n "$demo" ] && kill -0 "$demo" 2>/dev/null; then
    kill -TERM "$demo" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$demo" 2>/dev/null || break; sleep 0.1; done
  fi
  stop_bg demo-worker
  stop_bg demo-gateway-a
  stop_bg demo-gateway-b
  [ "$started_stack" = 0 ] || bash scripts/stack.sh stop
}
trap cleanup EXIT
trap 'echo; echo "demo: stopping everything it started"; exit 0' INT TERM
case "$(bash scripts/stack.sh status)" in *stopped*) started_stack=1 ;; esac
bash scripts/stack.sh start
source scripts/lib/stack-env.sh

LOGS=${STACK_DIR:-.data}/logs
GATEWAY_A=${DEMO_GATEWAY_PORT_A:-8080}
GATEWAY_B=${DEMO_GATEWAY_PORT_B:-8081}
export GATEWAY_URLS="http://127.0.0.1:$GATEWAY_A,http://127.0.0.1:$GATEWAY_B"
GATEWAY_PORT=$GATEWAY_A GATEWAY_REPLICA_ID=demo-a start_bg demo-gateway-a "$LOGS/demo-gateway-a.log" node --import tsx src/gateway/main.ts
GATEWAY_PORT=$GATEWAY_B GATEWAY_REPLICA_ID=demo-b start_bg demo-gateway-b "$LOGS/demo-gateway-b.log" node --import tsx src/gateway/main.ts
start_bg demo-worker "$LOGS/demo-worker.log" node --import tsx src/worker/main.ts
for port in $GATEWAY_A $GATEWAY_B; do
  for _ in $(seq 1 150); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
done
# In the background and waited for, so that a signal sent to this script alone is acted on at once: bash runs a trap
# only after the foreground command ends, and the demo would otherwise go on deploying until it was done.
node --import tsx scripts/demo.ts &
demo=$!
wait "$demo"
demo=
if [ "$keep_open" = 1 ]; then
  echo
  echo "The stack, the worker and the gateways keep running: explore the Web UI, the inbox and the reports above."
  echo "Ctrl-C stops everything."
  while :; do
    sleep 3600 &
    sleeper=$!
    wait "$sleeper"
  done
fi
