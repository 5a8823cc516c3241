#!/usr/bin/env bash
# Installs Debian's Chromium for the browser test of the performance report (test/integration/pipeline), which
# drives it with playwright-core. Idempotent and silent when it is already there; never uses `npx playwright install`.
set -euo pipefail

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"

if [ -x "$CHROMIUM" ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-browser: $CHROMIUM is missing and installing it needs root." >&2
  echo "install-browser: run 'sudo apt-get update && sudo apt-get install -y chromium' (or set CHROMIUM_PATH to a Chromium binary)." >&2
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-browser: $CHROMIUM is missing and apt-get is not available; install Chromium by hand or set CHROMIUM_PATH." >&2
  exit 1
fi

echo "install-browser: installing chromium with apt-get" >&2
if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }; then
  echo "install-browser: apt-get could not install chromium" >&2
  exit 1
fi

if [ ! -x "$CHROMIUM" ]; then
  echo "install-browser: chromium was installed but $CHROMIUM does not exist; set CHROMIUM_PATH" >&2
  exit 1
fi
