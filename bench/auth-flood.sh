#!/usr/bin/env bash
# Measures what unauthenticated API-key guessing costs the API, on loopback only, bounded in time.
#   bench/auth-flood.sh [path/to/Releasy.Api.dll]   (default: this checkout's Debug build)
# Starts a private PostgreSQL and one API instance, creates a customer and two keys, then prints:
#   * median answer time of an unknown prefix and of a known prefix with a wrong secret (sequential, fresh secrets);
#   * a 16-connection flood of fresh wrong secrets on one known prefix for 10 s (then one on random prefixes),
#     with the flood's throughput and answers, a valid key's p50/p99 measured during each, and the API's RSS.
# Needs wrk, hey, curl, python3 and the PostgreSQL server binaries (apt-get install -y wrk hey postgresql).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
DLL=${1:-artifacts/bin/Releasy.Api/debug/Releasy.Api.dll}
DURATION=${DURATION:-10}
WORK=$(mktemp -d /tmp/releasy-bench.XXXXXX)
ADMIN=bench-admin-$RANDOM$RANDOM

API_PID=
cleanup() {
  if [ -n "$API_PID" ]; then kill "$API_PID" 2>/dev/null || true; wait "$API_PID" 2>/dev/null || true; fi
  if [ -n "${PG_STOP+x}" ]; then "${PG_STOP[@]}" >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

start_postgres "$WORK/pg"   # private to this run

api_port=$(free_port)
BASE=http://127.0.0.1:$api_port
ConnectionStrings__releasydb="$PG_CONNECTION" \
RELEASY_BIND_ADDR=127.0.0.1:$api_port RELEASY_ADMIN_API_KEY=$ADMIN RELEASY_MIGRATE_ON_START=true \
ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
  dotnet "$DLL" >"$WORK/api.log" 2>&1 &
API_PID=$!
for _ in $(seq 1 120); do curl -fs "$BASE/health" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fs "$BASE/health" >/dev/null || { cat "$WORK/api.log" >&2; exit 1; }

rss() { awk '/VmRSS/ {printf "%d MiB", $2 / 1024}' "/proc/$API_PID/status"; }
json() { python3 -c "import json,sys; print(json.load(sys.stdin)[sys.argv[1]])" "$1"; }
customer=$(curl -fs -X POST "$BASE/v1/admin/customers" -H "x-releasy-admin-key: $ADMIN" -H 'content-type: application/json' \
  -d '{"name":"bench"}' | json id)
new_key() {
  curl -fs -X POST "$BASE/v1/admin/keys" -H "x-releasy-admin-key: $ADMIN" -H 'content-type: application/json' \
    -d "{\"customer_id\":\"$customer\"}" | json api_key
}
FLOOD_KEY=$(new_key)
TIMING_KEY=$(new_key)
introspect() { curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -X POST "$BASE/v1/auth/introspect" -H "x-releasy-api-key: $1"; }
rand() { head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 39; }
introspect "$FLOOD_KEY" >/dev/null   # warm-up: the valid key is verified once, as in steady use

# Sequential timing, interleaved, a fresh secret each time (within the per-prefix allowance of the guard).
: >"$WORK/unknown"; : >"$WORK/known"
for _ in $(seq 1 9); do
  introspect "releasy_$(rand)" >>"$WORK/unknown"
  introspect "${TIMING_KEY:0:12}$(rand)" >>"$WORK/known"
done
median() { awk '{print $2 * 1000}' "$1" | sort -n | awk '{a[NR]=$1} END {printf "%.1f ms", a[int((NR + 1) / 2)]}'; }
codes() { awk '{print $1}' "$1" | sort | uniq -c | awk '{printf "%s×%s ", $1, $2}'; }
echo "timing: unknown prefix median $(median "$WORK/unknown") ($(codes "$WORK/unknown")); known prefix, wrong secret median $(median "$WORK/known") ($(codes "$WORK/known"))"

cat >"$WORK/flood.lua" <<LUA
wrk.method = "POST"
local prefix = os.getenv("FLOOD_PREFIX")
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
local chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
local function rand(n)
  local t = {}
  for i = 1, n do local k = math.random(1, #chars); t[i] = chars:sub(k, k) end
  return table.concat(t)
end
local threads = {}
setup = function(thread) table.insert(threads, thread) end
init = function() statuses = {} end
response = function(status) statuses[status] = (statuses[status] or 0) + 1 end
done = function()
  local total = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do total[status] = (total[status] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(total) do table.insert(parts, n .. "x" .. status) end
  table.sort(parts)
  io.write("statuses: " .. table.concat(parts, ", ") .. "\n")
end
request = function()
  local key = prefix ~= "" and (prefix .. rand(39)) or ("releasy_" .. rand(43))
  return wrk.format(nil, "/v1/auth/introspect", { ["x-releasy-api-key"] = key })
end
LUA

flood() {
  local name=$1 prefix=$2
  local before; before=$(rss)
  FLOOD_PREFIX=$prefix wrk -t2 -c16 -d"${DURATION}s" --timeout 5s -s "$WORK/flood.lua" "$BASE" >"$WORK/wrk-$name" 2>&1 &
  local wrk_pid=$!
  sleep 1
  hey -z "$((DURATION - 2))s" -c 1 -o csv -m POST -H "x-releasy-api-key: $FLOOD_KEY" "$BASE/v1/auth/introspect" >"$WORK/hey-$name" 2>&1
  wait "$wrk_pid"
  local rps statuses valid
  rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk-$name")
  statuses=$(sed -n 's/^statuses: //p' "$WORK/wrk-$name")
  # hey's CSV: response-time (s) first, status code seventh.
  valid=$(python3 - "$WORK/hey-$name" <<'PY'
import csv, sys
rows = [r for r in csv.reader(open(sys.argv[1])) if r and r[0][:1].isdigit()]
times = sorted(float(r[0]) * 1000 for r in rows)
pct = lambda p: times[min(len(times) - 1, int(round(p / 100 * (len(times) - 1))))]
codes = {}
for r in rows: codes[r[6]] = codes.get(r[6], 0) + 1
print(f"p50 {pct(50):.1f} ms, p99 {pct(99):.1f} ms over {len(times)} requests ({', '.join(f'{n}x{c}' for c, n in sorted(codes.items()))})")
PY
)
  echo "flood ($name): ${rps} req/s (${statuses}); valid key during flood ${valid}; RSS ${before} -> $(rss)"
}

echo "idle RSS $(rss)"
flood known-prefix "${FLOOD_KEY:0:12}"
flood random-prefixes ""
echo "final RSS $(rss)"
