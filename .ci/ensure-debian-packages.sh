#!/usr/bin/env bash
# Makes sure the programs and libraries CI needs are installed: each argument is <path>=<Debian package>; the packages of missing paths are installed with apt-get.
set -euo pipefail

missing=()
for pair in "$@"; do
  path=${pair%%=*}
  package=${pair#*=}
  [ -e "$path" ] || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo -n)
else
  echo "ensure-debian-packages: ${missing[*]} missing and installing them needs root (or sudo)" >&2
  exit 1
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
echo "ensure-debian-packages: installing ${missing[*]}"
if ! "${as_root[@]}" apt-get update -q >"$log" 2>&1 ||
  ! "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >>"$log" 2>&1; then
  cat "$log" >&2
  echo "ensure-debian-packages: FAILED to install ${missing[*]} with apt-get (output above)" >&2
  exit 1
fi

for pair in "$@"; do
  path=${pair%%=*}
  if [ ! -e "$path" ]; then
    tail -n 50 "$log" >&2
    echo "ensure-debian-packages: FAILED: apt-get installed ${pair#*=} but $path is not there" >&2
    exit 1
  fi
done
echo "ensure-debian-packages: ${missing[*]} installed"
