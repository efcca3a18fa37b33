-- wrk script: POST /v1/chat/completions with the body in chat-body.json ("stream":false).
-- MODEL picks the Tollgate model (nginx upstreams ignore it); KEY is the bearer token.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local file = assert(io.open(dir .. "chat-body.json", "rb"))
local body = file:read("*a")
file:close()

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("KEY") or "sk-bench")
wrk.body = body:gsub("__MODEL__", os.getenv("MODEL") or "bench-json"):gsub("__STREAM__", "false")

-- One machine-readable line for run.sh; latencies in microseconds.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d errors=%d status_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
