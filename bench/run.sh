#!/usr/bin/env bash
# The performance benchmark (issue 11), one command and not part of CI:
#   bash bench/run.sh [REPO_DIR]        (default: this checkout; REPO_DIR lets one script measure another commit)
# In one run it publishes REPO_DIR's Releasy.Api, Releasy.Proxy and Releasy.MigrationService in Release (into a
# private directory: nothing is written to REPO_DIR) and this checkout's bench/Hello; starts a private PostgreSQL
# (fsync=off), migrates with the worker, starts the API on loopback (timing process start to /ready 200), the
# proxy in front of it, the hello app, and a second proxy whose only destination is hello (the proxy's ceiling);
# seeds through the HTTP API (bench/seed.py); then measures with wrk -t2 each request directly and through the
# proxy at 32 and 4 connections, next to hello measured at the start and at the end of the run. It prints a
# table (req/s, p50, p99, ratio to hello, proxied / direct, error counts), the API's RSS over the run and over a
# long run of the customer list, and the cold-start time; everything, raw outputs included, goes to a results
# directory named at the end. Every process it starts is stopped on exit, also on failure.
# Settings (environment): BENCH_SECONDS (10) per measurement after BENCH_WARMUP_SECONDS (3) of warm-up,
# BENCH_CONNECTIONS ("32 4"), BENCH_RSS_REQUESTS (200000; 0 skips the long run), BENCH_RESULTS (a new directory
# under /tmp). The services inherit the caller's environment, e.g. RELEASY_DATABASE_MAX_CONNECTIONS=20.
# Needs dotnet, curl, python3, wrk, hey and the PostgreSQL server binaries; as root it installs the last three.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
repo=$(cd "${1:-$here/..}" && pwd)
DURATION=${BENCH_SECONDS:-10}
WARMUP=${BENCH_WARMUP_SECONDS:-3}
CONNECTIONS=${BENCH_CONNECTIONS:-32 4}
RSS_REQUESTS=${BENCH_RSS_REQUESTS:-200000}
WORK=$(mktemp -d /tmp/releasy-bench.XXXXXX)
RESULTS=${BENCH_RESULTS:-$(mktemp -d "/tmp/releasy-bench-results.$(date +%Y%m%d-%H%M%S).XXXXXX")}
mkdir -p "$RESULTS/raw"
ADMIN=bench-admin-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')

log() { printf '[bench] %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }
apt_install() {
  if [ -z "${APT_UPDATED:-}" ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}
rss_mib() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
elapsed() { echo "$(date +%s.%N) - $1" | bc; }

PIDS=()
cleanup() {
  local status=$? pid
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    pid=${PIDS[i]}
    kill -TERM "$pid" 2>/dev/null || continue
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [ -n "${PG_STOP+x}" ]; then "${PG_STOP[@]}" >/dev/null 2>&1 || true; fi
  for f in "$WORK"/*.log "$WORK/pg/postgres.log"; do [ -f "$f" ] && tail -c 1000000 "$f" >"$RESULTS/raw/$(basename "$f")"; done
  rm -rf "$WORK"
  [ "$status" -eq 0 ] || log "failed (exit $status); logs in $RESULTS/raw"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Tools.
command -v wrk >/dev/null || { log "installing wrk"; apt_install wrk; }
command -v hey >/dev/null || { log "installing hey"; apt_install hey; }
[ -x "$(pg_bin)/initdb" ] || { log "installing PostgreSQL"; apt_install postgresql; }

# Build: Release, into $WORK only (ArtifactsPath as a global property overrides the repository's own).
log "building $repo in Release"
publish() {
  if ! dotnet publish "$1" -c Release -o "$WORK/app/$2" -p:ArtifactsPath="$WORK/build" --nologo -v quiet \
    >>"$RESULTS/raw/build.txt" 2>&1; then
    grep -E ': error ' "$RESULTS/raw/build.txt" | sort -u >&2 || tail -30 "$RESULTS/raw/build.txt" >&2
    exit 1
  fi
}
publish "$repo/Releasy.Api/Releasy.Api.csproj" api
publish "$repo/Releasy.Proxy/Releasy.Proxy.csproj" proxy
publish "$repo/Releasy.MigrationService/Releasy.MigrationService.csproj" migrations
publish "$here/Hello/Hello.csproj" hello

# PostgreSQL, private to this run.
start_postgres "$WORK/pg"
export ConnectionStrings__releasydb="$PG_CONNECTION"
export ASPNETCORE_ENVIRONMENT=Production DOTNET_NOLOGO=1

log "migrating"
start=$(date +%s.%N)
env -C "$WORK/app/migrations" dotnet Releasy.MigrationService.dll >"$WORK/migrations.log" 2>&1 \
  || { tail -20 "$WORK/migrations.log" >&2; exit 1; }
migrate_seconds=$(elapsed "$start")

# wait_ready URL PID: until URL answers 200, or fail when the process exits or after 120 s.
wait_ready() {
  local deadline=$((SECONDS + 120))
  until [ "$(curl -s -m 2 -o /dev/null -w '%{http_code}' "$1" || true)" = 200 ]; do
    kill -0 "$2" 2>/dev/null || { log "process $2 exited before $1 answered"; exit 1; }
    [ $SECONDS -lt $deadline ] || { log "$1 did not answer 200 within 120 s"; exit 1; }
    sleep 0.02
  done
}

api_port=$(free_port); API=http://127.0.0.1:$api_port
mkdir -p "$WORK/artifacts"
start=$(date +%s.%N)
env -C "$WORK/app/api" RELEASY_BIND_ADDR=127.0.0.1:$api_port RELEASY_ADMIN_API_KEY="$ADMIN" \
  RELEASY_API_KEY_PEPPER="pepper-$ADMIN" RELEASY_PUBLIC_BASE_URL="$API" RELEASY_ARTIFACT_DIR="$WORK/artifacts" \
  RELEASY_DOWNLOAD_TOKEN_TTL_SECONDS=86400 dotnet Releasy.Api.dll >"$WORK/api.log" 2>&1 &
API_PID=$!; PIDS+=("$API_PID")
wait_ready "$API/ready" "$API_PID"
cold_start=$(elapsed "$start")
rss_ready=$(rss_mib "$API_PID")

hello_port=$(free_port); HELLO=http://127.0.0.1:$hello_port
env -C "$WORK/app/hello" ASPNETCORE_URLS="$HELLO" dotnet Hello.dll >"$WORK/hello.log" 2>&1 &
HELLO_PID=$!; PIDS+=("$HELLO_PID")

# start_proxy PORT DESTINATION (its pid in STARTED). The rate limit is lifted (600 per 10 s and caller would refuse
# almost every measured request), but its per-request work stays in the path.
start_proxy() {
  env -C "$WORK/app/proxy" RELEASY_BIND_ADDR=127.0.0.1:$1 services__api__http__0="$2" \
    Proxy__RateLimit__PermitLimit=2000000000 dotnet Releasy.Proxy.dll >>"$WORK/proxy-$1.log" 2>&1 &
  STARTED=$!; PIDS+=("$STARTED")
}
proxy_port=$(free_port); PROXY=http://127.0.0.1:$proxy_port
start=$(date +%s.%N)
start_proxy "$proxy_port" "$API"; PROXY_PID=$STARTED
wait_ready "$PROXY/ready" "$PROXY_PID"
proxy_cold_start=$(elapsed "$start")
hello_proxy_port=$(free_port); HELLO_PROXY=http://127.0.0.1:$hello_proxy_port
start_proxy "$hello_proxy_port" "$HELLO"; HELLO_PROXY_PID=$STARTED
wait_ready "$HELLO/v1/hello" "$HELLO_PID"
wait_ready "$HELLO_PROXY/v1/hello" "$HELLO_PROXY_PID"

log "seeding"
python3 "$here/seed.py" "$API" "$ADMIN" "$WORK/seed.env" | tee "$RESULTS/seed.txt" >&2
# shellcheck disable=SC1091
. "$WORK/seed.env"
rss_seeded=$(rss_mib "$API_PID")

# The measured requests: name|method|path|header|body
CASES=(
  "GET /v1/releases?include_artifacts=true|GET|/v1/releases?include_artifacts=true|x-releasy-api-key: $BENCH_API_KEY|"
  "POST /v1/downloads/token|POST|/v1/downloads/token|x-releasy-api-key: $BENCH_API_KEY|{\"artifact_id\":\"$BENCH_ARTIFACT_ID\"}"
  "GET /v1/downloads/{token} (302)|GET|/v1/downloads/$BENCH_DOWNLOAD_TOKEN||"
  "POST /v1/auth/introspect|POST|/v1/auth/introspect|x-releasy-api-key: $BENCH_API_KEY|"
  "GET /v1/admin/customers?limit=50|GET|/v1/admin/customers?limit=50|x-releasy-admin-key: $ADMIN|"
)

# Every request once on each target first: a wrong answer stops the run instead of being measured.
for entry in "${CASES[@]}"; do
  IFS='|' read -r name method path header body <<<"$entry"
  for base in "$API" "$PROXY"; do
    args=(-s -o "$WORK/preflight.body" -w '%{http_code}' -X "$method")
    [ -z "$header" ] || args+=(-H "$header")
    [ -z "$body" ] || args+=(-H 'content-type: application/json' -d "$body")
    code=$(curl "${args[@]}" "$base$path")
    case $code in
      200|302) ;;
      *) log "$name on $base answered $code: $(head -c 300 "$WORK/preflight.body")"; exit 1 ;;
    esac
  done
done

printf 'request\ttarget\tconnections\trequests\tduration_us\tp50_us\tp99_us\tstatus_errors\tsocket_errors\n' \
  >"$RESULTS/measurements.tsv"
# measure NAME TARGET CONNECTIONS URL METHOD HEADER BODY
measure() {
  local file="$RESULTS/raw/wrk-$(echo "$1 $2 c$3" | tr -c 'A-Za-z0-9\n' '_').txt" line
  BENCH_METHOD=$5 BENCH_HEADER=$6 BENCH_BODY=$7 \
    wrk -t2 -c"$3" -d"${WARMUP}s" --timeout 10s -s "$here/request.lua" "$4" >/dev/null
  BENCH_METHOD=$5 BENCH_HEADER=$6 BENCH_BODY=$7 \
    wrk -t2 -c"$3" -d"${DURATION}s" --timeout 10s --latency -s "$here/request.lua" "$4" >"$file" 2>&1
  line=$(grep '^BENCH ' "$file") || { log "wrk failed: $(cat "$file")"; exit 1; }
  printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$(echo "$line" | sed -E 's/^BENCH //; s/[a-z0-9_]+=//g; s/ /\t/g')" \
    >>"$RESULTS/measurements.tsv"
  log "$(printf '%-36s %-11s c%-3s %s' "$1" "$2" "$3" "${line#BENCH }")"
}

log "measuring: ${DURATION} s per run after ${WARMUP} s of warm-up, connections: $CONNECTIONS"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
for c in $CONNECTIONS; do measure hello direct "$c" "$HELLO/v1/hello" GET "" ""; done
for c in $CONNECTIONS; do measure hello proxy "$c" "$HELLO_PROXY/v1/hello" GET "" ""; done
for entry in "${CASES[@]}"; do
  IFS='|' read -r name method path header body <<<"$entry"
  for c in $CONNECTIONS; do
    measure "$name" direct "$c" "$API$path" "$method" "$header" "$body"
    measure "$name" proxy "$c" "$PROXY$path" "$method" "$header" "$body"
  done
done
for c in $CONNECTIONS; do measure hello "direct, end" "$c" "$HELLO/v1/hello" GET "" ""; done
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
rss_measured=$(rss_mib "$API_PID")
proxy_rss=$(rss_mib "$PROXY_PID")

long_run="skipped (BENCH_RSS_REQUESTS=0)"
if [ "$RSS_REQUESTS" -gt 0 ]; then
  # hey gives each of its 32 workers RSS_REQUESTS / 32 requests (integer division).
  log "long run: $RSS_REQUESTS customer list requests (hey, 32 connections, direct)"
  rss_before=$(rss_mib "$API_PID")
  hey -n "$RSS_REQUESTS" -c 32 -H "x-releasy-api-key: $BENCH_API_KEY" "$API/v1/releases?include_artifacts=true" \
    >"$RESULTS/raw/hey-long-run.txt" 2>&1
  sleep 2
  rss_after=$(rss_mib "$API_PID")
  # hey's summary: "[200] N responses" under "Status code distribution", "[N] <error>" under "Error distribution".
  answers=$(awk '/distribution:/ {on = /Status/ ? 1 : 2; next} !/\[/ {on = 0} on {gsub(/[\[\]]/, ""); printf "%s×%s ", on == 1 ? $2 : $1, on == 1 ? $1 : "error"}' \
    "$RESULTS/raw/hey-long-run.txt")
  rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' "$RESULTS/raw/hey-long-run.txt")
  long_run="$rss_before MiB -> $rss_after MiB ($(echo "scale=1; 100 * ($rss_after - $rss_before) / $rss_before" | bc)%) at $rps req/s; answers: ${answers:-none}"
fi

{
  echo "# Releasy benchmark"
  echo
  echo "- repository: $repo ($(git -C "$repo" log -1 --format='%h %s' 2>/dev/null | cut -c1-100 || echo 'not a git checkout')$(git -C "$repo" diff --quiet HEAD 2>/dev/null || echo ', with uncommitted changes'))"
  echo "- machine: $(nproc) cores, $(uname -r); load average (1, 5, 15 min) $load_start at the start of the measurements, $load_end at the end; wrk and the services share these cores"
  echo "- $(date -u '+%Y-%m-%d %H:%M UTC'); wrk -t2, ${WARMUP} s warm-up then ${DURATION} s per row; PostgreSQL $("$(pg_bin)/postgres" --version | awk '{print $3}') with fsync=off; services in Release, ASPNETCORE_ENVIRONMENT=Production, the API's own logging defaults; the proxy's rate limit lifted"
  echo "- data: $(cat "$RESULTS/seed.txt")"
  echo
  python3 "$here/report.py" "$RESULTS/measurements.tsv"
  echo
  echo "hello through the proxy is a second proxy instance whose only destination is hello: the proxy's own ceiling here."
  echo
  echo "- cold start, process start to /ready 200: API $(printf '%.2f' "$cold_start") s, proxy $(printf '%.2f' "$proxy_cold_start") s (migrations beforehand: $(printf '%.1f' "$migrate_seconds") s)"
  echo "- API RSS: $rss_ready MiB ready (empty), $rss_seeded MiB after seeding, $rss_measured MiB after the measurements; proxy RSS $proxy_rss MiB"
  echo "- API RSS over the long run of the customer list: $long_run"
} >"$RESULTS/summary.md"
cat "$RESULTS/summary.md"
echo
echo "results: $RESULTS"
