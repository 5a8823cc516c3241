#!/usr/bin/env bash
# Installs everything modelship needs that is missing: npm packages and the Temporal CLI and FerretDB binaries
# under .tools/. Idempotent and quiet about what is already present.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TOOLS=$ROOT/.tools
TEMPORAL_VERSION=v1.5.1
FERRETDB_VERSION=v1.24.2

say() { echo "setup: $*"; }
fail() { echo "setup: FAILED at step '$1' ($2)" >&2; exit 1; }

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages"
  # onnxruntime-node's install script would fetch optional GPU libraries from the internet; the CPU runtime is in
  # the package itself.
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error >/dev/null || fail "npm ci" "npm packages"
fi

need_go() { command -v go >/dev/null || fail "$1" "Go is not installed; install Go 1.22 or newer and rerun"; }

if [ ! -x "$TOOLS/bin/temporal" ]; then
  need_go "build temporal"
  say "building the Temporal CLI $TEMPORAL_VERSION (first time: several minutes)"
  mkdir -p "$TOOLS/bin"
  GOBIN=$TOOLS/bin go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_VERSION" \
    >"$TOOLS/temporal-build.log" 2>&1 || { tail -20 "$TOOLS/temporal-build.log" >&2; fail "build temporal" "go install github.com/temporalio/cli/cmd/temporal@$TEMPORAL_VERSION"; }
fi

# FerretDB is built with the patches in scripts/patches (each says why); a change to them rebuilds it.
FERRETDB_PATCHES=$(cat "$ROOT"/scripts/patches/ferretdb-*.patch | sha256sum | cut -c1-16)
if [ ! -x "$TOOLS/bin/ferretdb" ] || [ "$(cat "$TOOLS/ferretdb.patches" 2>/dev/null)" != "$FERRETDB_PATCHES" ]; then
  need_go "build ferretdb"
  say "building FerretDB $FERRETDB_VERSION (first time: a few minutes)"
  # The module zip lacks the generated version file FerretDB panics without, and `go install` trips over the
  # proxy's refusal to list versions, so the source is fetched explicitly and built from a writable copy.
  mkdir -p "$TOOLS/bin" "$TOOLS/src"
  log=$TOOLS/ferretdb-build.log
  src=$(cd "$TOOLS" && go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" 2>"$log" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p') \
    || true
  [ -n "$src" ] && [ -d "$src" ] || { cat "$log" >&2; fail "download ferretdb" "go mod download github.com/FerretDB/FerretDB@$FERRETDB_VERSION"; }
  rm -rf "$TOOLS/src/ferretdb"
  cp -r "$src" "$TOOLS/src/ferretdb" && chmod -R u+w "$TOOLS/src/ferretdb"
  echo "$FERRETDB_VERSION" >"$TOOLS/src/ferretdb/build/version/version.txt"
  for p in "$ROOT"/scripts/patches/ferretdb-*.patch; do
    patch -s -p1 -d "$TOOLS/src/ferretdb" <"$p" >>"$log" 2>&1 || { tail -20 "$log" >&2; fail "patch ferretdb" "$(basename "$p")"; }
  done
  (cd "$TOOLS/src/ferretdb" && go build -o "$TOOLS/bin/ferretdb" ./cmd/ferretdb) >>"$log" 2>&1 \
    || { tail -20 "$log" >&2; fail "build ferretdb" "go build ./cmd/ferretdb"; }
  echo "$FERRETDB_PATCHES" >"$TOOLS/ferretdb.patches"
fi

# Checkpoints and proofs are also checked by the Go transparency-log libraries others verify with (tools/tlog-check).
if [ ! -x "$TOOLS/bin/tlog-check" ] || [ -n "$(find "$ROOT/tools/tlog-check" -newer "$TOOLS/bin/tlog-check" -type f)" ]; then
  need_go "build tlog-check"
  say "building tlog-check"
  mkdir -p "$TOOLS/bin"
  (cd "$ROOT/tools/tlog-check" && go build -o "$TOOLS/bin/tlog-check" .) >"$TOOLS/tlog-check-build.log" 2>&1 \
    || { tail -20 "$TOOLS/tlog-check-build.log" >&2; fail "build tlog-check" "go build ./tools/tlog-check"; }
fi

# The report is checked in a real browser by the test suite: Debian's chromium.
bash "$ROOT/scripts/install-browser.sh" || fail "install chromium" "scripts/install-browser.sh"
