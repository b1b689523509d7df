-- One fixed request for wrk, set up from the environment by bench/run.sh (BENCH_METHOD, BENCH_HEADER as
-- "name: value", BENCH_BODY). No request()/response() hook: wrk then sends a pre-built request and does not copy
-- response bodies into Lua, so the load generator takes as little of the shared CPU as it can.
wrk.method = os.getenv("BENCH_METHOD") or "GET"
local header = os.getenv("BENCH_HEADER") or ""
local name, value = header:match("^([^:]+):%s*(.*)$")
if name then
  wrk.headers[name] = value
end
local body = os.getenv("BENCH_BODY") or ""
if body ~= "" then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end

-- One machine-readable line; errors.status counts responses with a status of 400 or more.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%.0f p99_us=%.0f status_errors=%d socket_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
