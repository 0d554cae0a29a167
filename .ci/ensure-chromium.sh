#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium for the Playground browser test (installs the chromium package when missing).
exec bash "$(dirname "$0")/ensure-debian-packages.sh" /usr/bin/chromium=chromium
