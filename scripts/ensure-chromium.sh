#!/usr/bin/env bash
# Browser tests drive Debian's Chromium at /usr/bin/chromium, never a browser
# that a tool downloads, and the HTTPS door test installs a test CA with NSS's
# certutil (Debian's libnss3-tools). Installs what is missing when we may
# (root, apt-get). The sealed charter's test reads poppler's pdfsig
# (poppler-utils).
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v certutil >/dev/null || missing+=(libnss3-tools)
command -v pdfsig >/dev/null || missing+=(poppler-utils)
# The several-instances tests start a private PostgreSQL 15 and nginx of their own.
[ -x /usr/lib/postgresql/15/bin/initdb ] || missing+=(postgresql)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || missing+=(nginx)
# The badge printing test starts a private CUPS (cupsd, lp) with the cups-pdf
# virtual printer as a real IPP queue.
[ -x /usr/sbin/cupsd ] || missing+=(cups)
command -v lp >/dev/null || missing+=(cups-client)
[ -x /usr/lib/cups/backend/cups-pdf ] || missing+=(printer-driver-cups-pdf)
if [ "${#missing[@]}" -eq 0 ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's ${missing[*]} for the browser tests..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "Browser tests need ${missing[*]}: run 'sudo apt-get install -y ${missing[*]}' first." >&2
  exit 1
fi
