#!/usr/bin/env bash
# The browser for the end-to-end tests: Debian's chromium at /usr/bin/chromium (or the executable
# UPRATE_CHROMIUM names), driven by playwright-core (which never downloads a browser of its own).
# Installs Debian's chromium with apt-get when it is missing and we are root; otherwise says what
# to run. Without a browser the e2e tests skip, saying why — except under CI=true, where they
# fail (test/e2e/harness.ts).
set -euo pipefail
browser="${UPRATE_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$browser" ] && [ -f "$browser" ]; then
  echo "chromium: $("$browser" --version 2>/dev/null || echo present) ($browser)"
  exit 0
fi
if [ "$browser" != /usr/bin/chromium ]; then
  echo "Chromium not found at $browser (UPRATE_CHROMIUM): point it at an executable, or unset it to use Debian's /usr/bin/chromium" >&2
  exit 1
fi
if [ "$(id -u)" != 0 ]; then
  echo "Chromium not found at $browser: run as root: apt-get install -y --no-install-recommends chromium" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo installed)"
