#!/usr/bin/env bash
# Starts, stops and reports the local stack: Temporal dev server (with Web UI), FerretDB and MailDev.
# A service whose address is given from outside (TEMPORAL_ADDRESS, MONGODB_URI, SMTP_URL) is used as is and not started,
# but start-up still waits for it to answer and fails, naming it, when it does not.
# Every process is recorded by pid under $STACK_DIR/pids and stopped by that pid.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=$ROOT/.tools/bin
STACK_DIR=${STACK_DIR:-$ROOT/.data}
PIDS=$STACK_DIR/pids
LOGS=$STACK_DIR/logs
TEMPORAL_PORT=${STACK_TEMPORAL_PORT:-7233}
TEMPORAL_UI_PORT=${STACK_TEMPORAL_UI_PORT:-8233}
MONGO_PORT=${STACK_MONGO_PORT:-27017}
MONGO_DEBUG_PORT=${STACK_MONGO_DEBUG_PORT:-27018}
SMTP_PORT=${STACK_SMTP_PORT:-1025}
INBOX_PORT=${STACK_INBOX_PORT:-1080}
READY_TIMEOUT=${STACK_READY_TIMEOUT:-120}

SEARCH_ATTRIBUTES=(ModelName=Keyword ModelVersion=Keyword PipelineStage=Keyword TrafficPercent=Int Outcome=Keyword)

say() { echo "stack: $*"; }

alive() { [ -f "$PIDS/$1.pid" ] && kill -0 "$(cat "$PIDS/$1.pid")" 2>/dev/null; }

launch() { # name, command...
  local name=$1; shift
  if alive "$name"; then return 0; fi
  mkdir -p "$PIDS" "$LOGS"
  nohup "$@" >"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$PIDS/$name.pid"
  say "started $name (pid $!)"
}

wait_for() { # name, probe command...
  local name=$1; shift
  local deadline=$((SECONDS + READY_TIMEOUT))
  until "$@" >/dev/null 2>&1; do
    if ! alive "$name"; then say "$name exited during start-up; last log lines:"; tail -20 "$LOGS/$name.log" >&2; return 1; fi
    if [ $SECONDS -ge $deadline ]; then say "$name not ready after ${READY_TIMEOUT}s" >&2; return 1; fi
    sleep 0.2
  done
}

# A given service has no process here to watch: only the deadline ends the wait.
wait_for_given() { # variable name, probe command...
  local var=$1; shift
  local deadline=$((SECONDS + READY_TIMEOUT))
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then say "$var was given ($(redact "${!var}")) but does not answer after ${READY_TIMEOUT}s; nothing is started in its place" >&2; return 1; fi
    sleep 0.2
  done
}

# Shows a given address without a password it may carry.
redact() { sed -E 's#(://[^:/@]*):[^@/]*@#\1:***@#' <<<"$1"; }

temporal_healthy() { "$BIN/temporal" operator cluster health --address "127.0.0.1:$TEMPORAL_PORT" | grep -q SERVING; }
mongo_ready() { node "$ROOT/scripts/lib/mongo-ping.js" "mongodb://127.0.0.1:$MONGO_PORT/"; }
inbox_ready() { curl -fsS "http://127.0.0.1:$INBOX_PORT/email" >/dev/null; }

start() {
  [ -x "$BIN/temporal" ] && [ -x "$BIN/ferretdb" ] || bash "$ROOT/scripts/setup.sh"
  mkdir -p "$STACK_DIR/ferretdb"
  if [ -z "${TEMPORAL_ADDRESS:-}" ]; then
    local attrs=()
    for a in "${SEARCH_ATTRIBUTES[@]}"; do attrs+=(--search-attribute "$a"); done
    # One worker fleet polls each task queue, so one partition spares the forwarding between partitions, and eager
    # activity dispatch hands an activity to the worker that scheduled it without a trip through matching.
    launch temporal "$BIN/temporal" server start-dev --db-filename "$STACK_DIR/temporal.db" \
      --ip 127.0.0.1 --port "$TEMPORAL_PORT" --ui-port "$TEMPORAL_UI_PORT" --log-level warn \
      --sqlite-pragma journal_mode=wal --sqlite-pragma synchronous=normal "${attrs[@]}" \
      --dynamic-config-value matching.numTaskqueueReadPartitions=1 \
      --dynamic-config-value matching.numTaskqueueWritePartitions=1 \
      --dynamic-config-value system.enableActivityEagerExecution=true
  else say "using Temporal at $TEMPORAL_ADDRESS"; fi
  if [ -z "${MONGODB_URI:-}" ]; then
    # WAL with synchronous=normal: a commit survives a crash of any process, and skips an fsync per write.
    launch ferretdb "$BIN/ferretdb" --handler=sqlite --sqlite-url="file:$STACK_DIR/ferretdb/?_pragma=synchronous(normal)" \
      --listen-addr="127.0.0.1:$MONGO_PORT" --debug-addr="127.0.0.1:$MONGO_DEBUG_PORT" \
      --state-dir="$STACK_DIR/ferretdb" --telemetry=disable --log-level=warn
  else say "using MongoDB at the given MONGODB_URI"; fi
  if [ -z "${SMTP_URL:-}" ]; then
    launch maildev node "$ROOT/node_modules/maildev/bin/maildev" --ip 127.0.0.1 \
      --smtp "$SMTP_PORT" --web "$INBOX_PORT" --silent
  else say "using SMTP at the given SMTP_URL"; fi

  # Every wait runs, so one failed start names every service that does not answer, not only the first.
  local failed=0 ready=()
  if [ -z "${TEMPORAL_ADDRESS:-}" ]; then
    wait_for temporal temporal_healthy || failed=1
    ready+=("Temporal 127.0.0.1:$TEMPORAL_PORT, Web UI http://127.0.0.1:$TEMPORAL_UI_PORT")
  else
    # The given cluster may want TLS or a key this script does not hold: that it accepts connections is what is checked.
    wait_for_given TEMPORAL_ADDRESS node "$ROOT/scripts/lib/tcp-probe.js" "$TEMPORAL_ADDRESS" || failed=1
    ready+=("Temporal $TEMPORAL_ADDRESS (given, accepts connections)")
  fi
  if [ -z "${MONGODB_URI:-}" ]; then
    wait_for ferretdb mongo_ready || failed=1
    ready+=("MongoDB 127.0.0.1:$MONGO_PORT")
  else
    wait_for_given MONGODB_URI node "$ROOT/scripts/lib/mongo-ping.js" "$MONGODB_URI" || failed=1
    ready+=("MongoDB $(redact "$MONGODB_URI") (given, answers a ping)")
  fi
  if [ -z "${SMTP_URL:-}" ]; then
    wait_for maildev inbox_ready || failed=1
    ready+=("SMTP 127.0.0.1:$SMTP_PORT, inbox http://127.0.0.1:$INBOX_PORT")
  else
    wait_for_given SMTP_URL node "$ROOT/scripts/lib/tcp-probe.js" "$SMTP_URL" || failed=1
    ready+=("SMTP $(redact "$SMTP_URL") (given, accepts connections)")
  fi
  if [ "$failed" -ne 0 ]; then say "not ready" >&2; return 1; fi
  say "ready — $(printf '%s; ' "${ready[@]}" | sed 's/; $//')"
}

stop_one() {
  local name=$1 file=$PIDS/$1.pid
  [ -f "$file" ] || return 0
  local pid; pid=$(cat "$file")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
    say "stopped $name (pid $pid)"
  fi
  rm -f "$file"
}

stop() { for name in maildev ferretdb temporal; do stop_one "$name"; done; }

status() {
  for name in temporal ferretdb maildev; do
    if alive "$name"; then echo "$name running (pid $(cat "$PIDS/$name.pid"))"; else echo "$name stopped"; fi
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status) status ;;
  *) echo "usage: scripts/stack.sh start|stop|restart|status" >&2; exit 2 ;;
esac
