#!/usr/bin/env bash
# Launch-to-ready time and memory of the whole topology: starts `dotnet run --no-build --project Releasy.AppHost`
# twice on one new state directory (the first start creates the PostgreSQL cluster, the second finds it), times
# each until the proxy answers a /v1 request, prints the RSS of every process of the topology, then stops it with
# SIGTERM and times the stop. Run `dotnet build Releasy.AppHost` first.
#   bash bench/startup.sh [REPO_DIR]
set -euo pipefail
repo=$(cd "${1:-$(dirname "$0")/..}" && pwd)
state=$(mktemp -d /tmp/releasy-startup.XXXXXX)
chmod 755 "$state"   # an older AppHost cannot make it reachable for the postgres account itself
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
tree() { echo "$1"; for child in $(pgrep -P "$1"); do tree "$child"; done; }

run_once() {
  local label=$1 start ready runner apphost pids total=0 rss stop
  cd "$state"
  start=$(date +%s.%N)
  RELEASY_BIND_ADDR=127.0.0.1:$port AppHost__StateDirectory="$state/.releasy" \
    dotnet run --no-build --project "$repo/Releasy.AppHost" >>"$state/apphost.log" 2>&1 &
  runner=$!
  until [ "$(curl -s -m1 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v1/releases" || true)" = 401 ]; do
    kill -0 "$runner" 2>/dev/null || { echo "the AppHost exited:"; tail -20 "$state/apphost.log"; exit 1; }
    sleep 0.1
  done
  ready=$(date +%s.%N)
  printf '%s: launch to proxy answering: %.1f s\n' "$label" "$(echo "$ready - $start" | bc)"
  sleep 3   # let start-up work settle before reading memory
  apphost=$(pgrep -P "$runner" | head -1)
  pids=$(for root in "$runner" $(pgrep -f -- "--monitor $apphost"); do tree "$root"; done | sort -un)
  printf '%8s  %s\n' RSS_MiB PROCESS
  for pid in $pids; do
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    [ -n "$rss" ] || continue
    total=$((total + rss))
    printf '%8d  %s\n' $((rss / 1024)) "$(tr '\0' ' ' < "/proc/$pid/cmdline" | cut -c1-100)"
  done
  printf '%8d  total\n' $((total / 1024))
  stop=$(date +%s.%N)
  kill -TERM "$runner"
  for pid in $pids; do while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done; done
  printf '%s: stop (SIGTERM to dotnet run) until every process is gone: %.1f s\n\n' "$label" "$(echo "$(date +%s.%N) - $stop" | bc)"
}

run_once "first start (new cluster)"
run_once "second start (existing data)"
rm -rf "$state"
