#!/usr/bin/env bash
# Proxy overhead benchmark (not a test, not run by CI): throughput of the same request, GET /live on the API,
# straight to the API and through Releasy.Proxy, in one run on this machine. Reports proxied/direct.
# Needs wrk (apt-get install -y wrk). Usage: bash tests/Releasy.Proxy.Tests/bench/proxy-overhead.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/../../.."
DURATION=${1:-10}
ART=${BENCH_ARTIFACTS:-/tmp/releasy-bench-artifacts}
WORK=$(mktemp -d /tmp/releasy-bench.XXXXXX)
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { for _ in $(seq 1 300); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "no answer from $1" >&2; exit 1; }

echo "building (Release)…" >&2
dotnet build Releasy.Api -c Release -p:ArtifactsPath="$ART" -nologo -v:q -clp:ErrorsOnly >&2
dotnet build Releasy.Proxy -c Release -p:ArtifactsPath="$ART" -nologo -v:q -clp:ErrorsOnly >&2

API_PORT=$(free_port); PROXY_PORT=$(free_port)
RELEASY_DATABASE_URL="sqlite://$WORK/bench.db?mode=rwc" RELEASY_MIGRATE_ON_START=true \
RELEASY_BIND_ADDR="127.0.0.1:$API_PORT" Logging__LogLevel__Default=Warning \
  dotnet "$ART/bin/Releasy.Api/release/Releasy.Api.dll" >"$WORK/api.log" 2>&1 &
pids+=($!)
# The proxy normally routes only /v1/** and /openapi.json: add /live so both sides serve the same request.
(cd Releasy.Proxy && services__api__http__0="http://127.0.0.1:$API_PORT" RELEASY_BIND_ADDR="127.0.0.1:$PROXY_PORT" \
  ReverseProxy__Routes__bench__ClusterId=api ReverseProxy__Routes__bench__Match__Path=/live \
  Proxy__RateLimit__PermitLimit=2000000000 Logging__LogLevel__Default=Warning \
  exec dotnet "$ART/bin/Releasy.Proxy/release/Releasy.Proxy.dll" >"$WORK/proxy.log" 2>&1) &
pids+=($!)
wait_for "http://127.0.0.1:$API_PORT/live"
wait_for "http://127.0.0.1:$PROXY_PORT/live"

rps() { wrk -t1 -c32 -d"${DURATION}s" --latency "$1" | tee -a "$WORK/wrk.txt" | awk '/Requests\/sec/ {print $2}'; }
wrk -t1 -c32 -d3s "http://127.0.0.1:$API_PORT/live" >/dev/null   # warm-up (JIT, pools)
wrk -t1 -c32 -d3s "http://127.0.0.1:$PROXY_PORT/live" >/dev/null
direct=$(rps "http://127.0.0.1:$API_PORT/live")
proxied=$(rps "http://127.0.0.1:$PROXY_PORT/live")
ratio=$(python3 -c "print(f'{$proxied/$direct:.2f}')")
echo "GET /live, wrk -t1 -c32 -d${DURATION}s, same machine (load generator shares the cores)"
echo "direct:  $direct req/s"
echo "proxied: $proxied req/s"
echo "proxied/direct: $ratio"
