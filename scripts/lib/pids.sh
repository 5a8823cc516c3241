# Shared helpers for scripts that start background processes: record each by pid, stop each by that pid.
PID_DIR=${STACK_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/.data}/pids

start_bg() { # name, logfile, command...
  local name=$1 log=$2; shift 2
  mkdir -p "$PID_DIR" "$(dirname "$log")"
  nohup "$@" >"$log" 2>&1 </dev/null &
  echo $! >"$PID_DIR/$name.pid"
}

stop_bg() { # name
  local file=$PID_DIR/$1.pid pid
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$file"
}
