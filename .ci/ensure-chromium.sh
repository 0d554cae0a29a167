#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium for the Playground browser test: installs the chromium package when missing, else does nothing.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo -n)
else
  echo "ensure-chromium: $CHROMIUM is missing and installing it needs root (or sudo)" >&2
  exit 1
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
echo "ensure-chromium: installing Debian's chromium package"
if ! "${as_root[@]}" apt-get update -q >"$log" 2>&1 ||
  ! "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >>"$log" 2>&1; then
  cat "$log" >&2
  echo "ensure-chromium: FAILED to install chromium with apt-get (output above)" >&2
  exit 1
fi

if [ ! -x "$CHROMIUM" ]; then
  tail -n 50 "$log" >&2
  echo "ensure-chromium: FAILED: apt-get installed chromium but $CHROMIUM is not there" >&2
  exit 1
fi
echo "ensure-chromium: $("$CHROMIUM" --version 2>/dev/null || echo chromium) installed"
