#!/usr/bin/env bash
# The browser for the end-to-end tests: Debian's chromium at /usr/bin/chromium, driven by
# playwright-core (which never downloads a browser of its own). Installs it with apt-get when
# it is missing and we are root; otherwise says what to run. The e2e tests skip, saying why,
# when no browser is there.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo present)"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "chromium is missing: run as root: apt-get install -y --no-install-recommends chromium" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo installed)"
