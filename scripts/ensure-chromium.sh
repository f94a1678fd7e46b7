#!/usr/bin/env bash
# Browser tests drive Debian's Chromium at /usr/bin/chromium, never a browser
# that a tool downloads. Installs it when missing and we may (root, apt-get).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the browser tests..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
else
  echo "Browser tests need /usr/bin/chromium: run 'sudo apt-get install -y chromium' first." >&2
  exit 1
fi
