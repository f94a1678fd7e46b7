#!/usr/bin/env bash
# Time from a crash to the door being served again (issue 20), under a
# restart loop like systemd's Restart=always with RestartSec=1: the built
# server runs in the loop below, is killed (kill -9, as a crash would end
# it), and /health/ready is polled every 20 ms until it answers 200 again.
#   npm run build:server && bash scripts/measure-restart.sh [rounds] [restart delay, s]
set -euo pipefail
rounds=${1:-5}
delay=${2:-1}
port=${PORT:-3917}
data=$(mktemp -d)
export DATA_DIR=$data PORT=$port EVENT_STORE=sqlite LOG_LEVEL=warn LOG_FORMAT=json
export ADMIN_TOKEN=measure-restart-token-0123456789
pidfile=$data/server.pid
ready() { [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health/ready")" = 200 ]; }
# The supervisor: start, wait for the end, wait RestartSec, start again.
(
  while true; do
    node dist/apps/server/src/main.js >>"$data/server.log" 2>&1 &
    echo $! >"$pidfile"
    wait $! || true
    sleep "$delay"
  done
) &
loop=$!
trap 'kill $loop 2>/dev/null; kill -9 $(cat "$pidfile") 2>/dev/null; rm -rf "$data"' EXIT
until ready; do sleep 0.05; done
for i in $(seq 1 "$rounds"); do
  start=$(date +%s%N)
  kill -9 "$(cat "$pidfile")"
  while ready; do sleep 0.005; done
  until ready; do sleep 0.02; done
  echo "round $i: served again after $(( ($(date +%s%N) - start) / 1000000 )) ms"
done
