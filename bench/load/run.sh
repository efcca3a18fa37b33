#!/usr/bin/env bash
# Load test: Tollgate against a plain nginx reverse proxy, both in front of the same fake upstreams.
#
#   bench/load/run.sh                      # about 6 minutes with the defaults
#   DURATION=10 WARMUP=20 bench/load/run.sh
#
# Ports (127.0.0.1 only): 18081 fake upstream JSON (nginx), 18082 fake upstream SSE (nginx),
# 18083 DelayedUpstream (C#: /delay = answer after 200 ms, /slow = a slow stream), 18090 nginx proxy, 18100 Tollgate.
# Pinning: Tollgate and the nginx proxy on core 1 (never at the same time); wrk, curl and the upstreams on core 0.
# Everything this script starts is stopped by PID when it exits.
set -euo pipefail

DURATION=${DURATION:-15}          # seconds per throughput / latency run
SLICES=${SLICES:-5}               # throughput runs are interleaved in this many slices (see Step 5)
SETTLE=${SETTLE:-10}              # idle seconds between the saturating runs and the 200 ms upstream runs
WARMUP=${WARMUP:-30}              # seconds of wrk against Tollgate before measuring (half JSON, half SSE)
CONNECTIONS=${CONNECTIONS:-64}    # connections for the throughput runs
DELAY_CONNECTIONS=${DELAY_CONNECTIONS:-32}
TTFT_N=${TTFT_N:-200}             # sequential curl requests per target for time to first byte
STREAMS=${STREAMS:-1000}          # concurrent open streams for the memory test
HOLD=${HOLD:-15}                  # seconds the streams are held open
PROXY_CORE=${PROXY_CORE:-1}
LOAD_CORE=${LOAD_CORE:-0}
METERING_AB=${METERING_AB:-1}     # 1: also measure a second Tollgate with storage.ledger: false (what metering costs)

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
RESULTS=${RESULTS:-$HERE/results/latest.txt}
WORK=$(mktemp -d /tmp/tollgate-load.XXXXXX)
PIDS=()

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# Step 1: tools, limits, builds.
if ! command -v nginx >/dev/null || ! command -v wrk >/dev/null; then
  log "installing nginx-light and wrk"
  apt-get update -qq && apt-get install -y -qq nginx-light wrk >/dev/null
fi
command -v taskset >/dev/null || { echo "taskset (util-linux) is required" >&2; exit 1; }
ulimit -n "$(ulimit -Hn)"  # the streams test needs over 2,000 descriptors per process
CLK_TCK=$(getconf CLK_TCK)

log "publishing Tollgate and DelayedUpstream (Release) to $WORK"
dotnet publish "$ROOT/src/Tollgate.Server" -c Release -o "$WORK/tollgate" -v quiet -nologo >"$WORK/publish.log" 2>&1
dotnet publish "$HERE/DelayedUpstream" -c Release -o "$WORK/delayed" -v quiet -nologo >>"$WORK/publish.log" 2>&1

# Step 2: the fake upstreams. JSON: `return` answers any method. SSE: the body is over nginx's 4 KB limit for one
# config parameter, so it is a static file; nginx refuses POST on static files with 405, and `error_page 405 =200 $uri`
# serves the file anyway (the internal redirect is a GET).
CHUNK_HEAD='{"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion.chunk","created":1741569952,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_06737a9306","choices":'
JSON_BODY='{"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion","created":1741570283,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"The earliest flight leaves Lisbon at 06:05 and lands in Berlin at 10:20; a later one leaves at 09:40.","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":612,"completion_tokens":28,"total_tokens":640,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"service_tier":"default","system_fingerprint":"fp_06737a9306"}'
SSE_BODY="data: ${CHUNK_HEAD}[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}],\"usage\":null}\n\n"
for i in $(seq 1 20); do
  SSE_BODY+="data: ${CHUNK_HEAD}[{\"index\":0,\"delta\":{\"content\":\" token$i\"},\"finish_reason\":null}],\"usage\":null}\n\n"
done
SSE_BODY+="data: ${CHUNK_HEAD}[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}\n\n"
SSE_BODY+="data: ${CHUNK_HEAD}[],\"usage\":{\"prompt_tokens\":612,\"completion_tokens\":21,\"total_tokens\":633}}\n\n"
SSE_BODY+="data: [DONE]\n\n"

nginx_common() {
  cat <<EOF
daemon off;
master_process off;
worker_processes 1;
error_log $1/error.log warn;
pid $1/nginx.pid;
events { worker_connections 8192; }
http {
  access_log off;
  keepalive_requests 10000000;
  keepalive_timeout 300s;
  client_body_temp_path $1/body;
  proxy_temp_path $1/proxy;
EOF
}

mkdir -p "$WORK/upstream" "$WORK/proxy"
printf '%b' "$SSE_BODY" >"$WORK/upstream/stream.sse"
{
  nginx_common "$WORK/upstream"
  cat <<EOF
  server {
    listen 127.0.0.1:18081;
    location = /v1/chat/completions { default_type application/json; return 200 '$JSON_BODY'; }
  }
  server {
    listen 127.0.0.1:18082;
    location = /v1/chat/completions {
      default_type text/event-stream;
      alias $WORK/upstream/stream.sse;
      error_page 405 =200 \$uri;
    }
  }
}
EOF
} >"$WORK/upstream/nginx.conf"

# Step 3: the floor, a plain nginx reverse proxy with keepalive upstream connections.
{
  nginx_common "$WORK/proxy"
  cat <<EOF
  upstream json_up { server 127.0.0.1:18081; keepalive 256; }
  upstream sse_up { server 127.0.0.1:18082; keepalive 256; }
  upstream delayed_up { server 127.0.0.1:18083; keepalive 256; }
  server {
    listen 127.0.0.1:18090;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    location /json/ { proxy_pass http://json_up/; }
    location /sse/ { proxy_pass http://sse_up/; proxy_buffering off; }
    location /delay/ { proxy_pass http://delayed_up; }
    location /slow/ { proxy_pass http://delayed_up; proxy_buffering off; proxy_read_timeout 300s; }
  }
}
EOF
} >"$WORK/proxy/nginx.conf"

cat >"$WORK/tollgate.yaml" <<'EOF'
server: { master_key: sk-bench }
providers:
  json: { type: openai, base_url: http://127.0.0.1:18081/v1, api_key: sk-upstream }
  sse: { type: openai, base_url: http://127.0.0.1:18082/v1, api_key: sk-upstream }
  delay: { type: openai, base_url: http://127.0.0.1:18083/delay/v1, api_key: sk-upstream }
  slow: { type: openai, base_url: http://127.0.0.1:18083/slow/v1, api_key: sk-upstream }
models:
  bench-json: { deployments: [ { provider: json, model: gpt-4o-mini } ] }
  bench-sse: { deployments: [ { provider: sse, model: gpt-4o-mini } ] }
  bench-delay: { deployments: [ { provider: delay, model: gpt-4o-mini } ] }
  bench-slow: { deployments: [ { provider: slow, model: gpt-4o-mini } ] }
EOF
# The A/B twin: the same binary and config with no ledger, in its own data directory.
sed -e "s|^server: { master_key: sk-bench }|server: { master_key: sk-bench, data_dir: $WORK/noledger }\nstorage: { ledger: false }|" \
  "$WORK/tollgate.yaml" >"$WORK/tollgate-noledger.yaml"

wait_ready() { # url
  local i
  for i in $(seq 1 300); do
    if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "not ready: $1" >&2
  return 1
}

log "starting upstreams (core $LOAD_CORE), nginx proxy and Tollgate (core $PROXY_CORE)"
taskset -c "$LOAD_CORE" nginx -p "$WORK/upstream/" -c "$WORK/upstream/nginx.conf" &
UPSTREAM_PID=$!; PIDS+=("$UPSTREAM_PID")
(cd "$WORK" && DELAY_MS=200 SLOW_INTERVAL_MS=1000 SLOW_CHUNKS=600 exec taskset -c "$LOAD_CORE" \
  dotnet "$WORK/delayed/DelayedUpstream.dll" --urls http://127.0.0.1:18083) >"$WORK/delayed.log" 2>&1 &
DELAYED_PID=$!; PIDS+=("$DELAYED_PID")
taskset -c "$PROXY_CORE" nginx -p "$WORK/proxy/" -c "$WORK/proxy/nginx.conf" &
PROXY_PID=$!; PIDS+=("$PROXY_PID")
# Pinned to one core, the runtime multiplies its tier-up delay by 10 (TC_DelaySingleProcMultiplier): call counting
# waits for 1 s without new tier-0 code, which a busy server rarely has, so reaching full speed took 60-90 s here
# instead of the 30 s warm-up. DOTNET_TC_CallCountingDelayMs=0 is the setting docs/PERFORMANCE.md recommends for
# single-CPU deployments; TOLLGATE_LOAD_RUNTIME_DEFAULTS=1 measures without it.
TOLLGATE_ENV=(DOTNET_TC_CallCountingDelayMs=0)
[[ "${TOLLGATE_LOAD_RUNTIME_DEFAULTS:-0}" == 1 ]] && TOLLGATE_ENV=(DOTNET_TC_CallCountingDelayMs=100)
(cd "$WORK" && exec env "${TOLLGATE_ENV[@]}" taskset -c "$PROXY_CORE" dotnet "$WORK/tollgate/tollgate.dll" serve \
  --config "$WORK/tollgate.yaml" --urls http://127.0.0.1:18100) >"$WORK/tollgate.log" 2>&1 &
TOLLGATE_PID=$!; PIDS+=("$TOLLGATE_PID")
if [[ "$METERING_AB" == 1 ]]; then
  (cd "$WORK" && exec env "${TOLLGATE_ENV[@]}" taskset -c "$PROXY_CORE" dotnet "$WORK/tollgate/tollgate.dll" serve \
    --config "$WORK/tollgate-noledger.yaml" --urls http://127.0.0.1:18101) >"$WORK/tollgate-noledger.log" 2>&1 &
  NOLEDGER_PID=$!; PIDS+=("$NOLEDGER_PID")
fi

wait_ready http://127.0.0.1:18083/healthz
wait_ready http://127.0.0.1:18100/readyz
[[ "$METERING_AB" == 1 ]] && wait_ready http://127.0.0.1:18101/readyz
sleep 0.5

TOLLGATE="http://127.0.0.1:18100/v1/chat/completions"
NOLEDGER="http://127.0.0.1:18101/v1/chat/completions"
curl -fsS -o "$WORK/check.json" -H 'Authorization: Bearer sk-bench' -H 'Content-Type: application/json' \
  --data-binary "$(sed -e 's/__MODEL__/bench-json/' -e 's/__STREAM__/false/' "$HERE/chat-body.json")" "$TOLLGATE" \
  || { echo "Tollgate did not answer the check request; see $WORK/tollgate.log" >&2; exit 1; }

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
field() { sed -n "s/.*[[:space:]]$2=\([0-9]*\).*/\1/p" "$1"; }

# run_wrk NAME LUA MODEL URL CONNECTIONS SECONDS [PID whose CPU is measured]
run_wrk() {
  local name=$1 lua=$2 model=$3 url=$4 conns=$5 secs=$6 pid=${7:-} before=0 after=0
  [[ -n $pid ]] && before=$(cpu_ticks "$pid")
  MODEL=$model taskset -c "$LOAD_CORE" wrk -t1 -c"$conns" -d"${secs}s" --timeout 10s --latency \
    -s "$HERE/$lua" "$url" >"$WORK/$name.wrk" 2>&1
  [[ -n $pid ]] && after=$(cpu_ticks "$pid")
  local requests
  requests=$(field "$WORK/$name.wrk" requests)
  local cpu_ms_per_req="-"
  if [[ -n $pid && ${requests:-0} -gt 0 ]]; then
    cpu_ms_per_req=$(awk -v t=$((after - before)) -v hz="$CLK_TCK" -v n="$requests" 'BEGIN { printf "%.4f", t * 1000 / hz / n }')
  fi
  local rps
  rps=$(awk -v n="$requests" -v d="$(field "$WORK/$name.wrk" duration_us)" 'BEGIN { printf "%.0f", n / (d / 1e6) }')
  printf '%s rps=%s p50_us=%s p99_us=%s cpu_ms_per_req=%s errors=%s status_errors=%s\n' "$name" "$rps" \
    "$(field "$WORK/$name.wrk" p50_us)" "$(field "$WORK/$name.wrk" p99_us)" "$cpu_ms_per_req" \
    "$(field "$WORK/$name.wrk" errors)" "$(field "$WORK/$name.wrk" status_errors)" | tee -a "$WORK/metrics.txt" >&2
}

# slice NAME LUA MODEL URL CONNECTIONS SECONDS PID INDEX: one slice of a throughput run, appended to $WORK/NAME.slices
# as "requests duration_us cpu_ticks p50_us p99_us errors status_errors".
slice() {
  local name=$1 lua=$2 model=$3 url=$4 conns=$5 secs=$6 pid=$7 index=$8 before after out
  out="$WORK/$name.$index.wrk"
  before=$(cpu_ticks "$pid")
  MODEL=$model taskset -c "$LOAD_CORE" wrk -t1 -c"$conns" -d"${secs}s" --timeout 10s --latency -s "$HERE/$lua" "$url" >"$out" 2>&1
  after=$(cpu_ticks "$pid")
  echo "$(field "$out" requests) $(field "$out" duration_us) $((after - before)) $(field "$out" p50_us) $(field "$out" p99_us)" \
    "$(field "$out" errors) $(field "$out" status_errors)" >>"$WORK/$name.slices"
}

# aggregate NAME: the metrics line of a sliced run: req/s and CPU over all slices, p50 and p99 the median of the slices'.
aggregate() {
  local name=$1
  sort -n -k4 "$WORK/$name.slices" | awk -v n="$name" -v hz="$CLK_TCK" '
    { req += $1; dur += $2; ticks += $3; err += $6; st += $7; p50[NR] = $4 }
    END { printf "%s rps=%.0f p50_us=%d ", n, req / (dur / 1e6), p50[int((NR + 1) / 2)]
          printf "cpu_ms_per_req=%.4f errors=%d status_errors=%d\n", ticks * 1000 / hz / req, err, st }' >"$WORK/$name.agg"
  local p99
  p99=$(sort -n -k5 "$WORK/$name.slices" | awk '{ v[NR] = $5 } END { print v[int((NR + 1) / 2)] }')
  sed "s/ cpu_ms_per_req/ p99_us=$p99 cpu_ms_per_req/" "$WORK/$name.agg" | tee -a "$WORK/metrics.txt" >&2
}

metric() { # NAME KEY
  awk -v n="$1" -v k="$2" '$1 == n { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) print kv[2] } }' "$WORK/metrics.txt"
}

# Step 4: warm-up (JIT tiering, connection pools).
log "warming up Tollgate for ${WARMUP}s"
half=$(( (WARMUP + 1) / 2 ))
MODEL=bench-json taskset -c "$LOAD_CORE" wrk -t1 -c"$CONNECTIONS" -d"${half}s" -s "$HERE/chat.lua" "$TOLLGATE" >/dev/null
MODEL=bench-sse taskset -c "$LOAD_CORE" wrk -t1 -c"$CONNECTIONS" -d"${half}s" -s "$HERE/chat-stream.lua" "$TOLLGATE" >/dev/null
if [[ "$METERING_AB" == 1 ]]; then
  log "warming up the no-ledger twin for ${WARMUP}s"
  MODEL=bench-json taskset -c "$LOAD_CORE" wrk -t1 -c"$CONNECTIONS" -d"${half}s" -s "$HERE/chat.lua" "$NOLEDGER" >/dev/null
  MODEL=bench-sse taskset -c "$LOAD_CORE" wrk -t1 -c"$CONNECTIONS" -d"${half}s" -s "$HERE/chat-stream.lua" "$NOLEDGER" >/dev/null
  MODEL=bench-delay taskset -c "$LOAD_CORE" wrk -t1 -c"$DELAY_CONNECTIONS" -d3s -s "$HERE/chat.lua" "$NOLEDGER" >/dev/null
fi
# Both proxies also open their connections to every upstream before measuring (else the 200 ms test's p99 is the
# first requests' connection setup to the delayed upstream).
for url in http://127.0.0.1:18090/json/v1/chat/completions http://127.0.0.1:18090/sse/v1/chat/completions; do
  MODEL=bench-json taskset -c "$LOAD_CORE" wrk -t1 -c"$CONNECTIONS" -d2s -s "$HERE/chat.lua" "$url" >/dev/null
done
for url in http://127.0.0.1:18090/delay/v1/chat/completions "$TOLLGATE"; do
  MODEL=bench-delay taskset -c "$LOAD_CORE" wrk -t1 -c"$DELAY_CONNECTIONS" -d3s -s "$HERE/chat.lua" "$url" >/dev/null
done
RSS_IDLE=$(rss_kb "$TOLLGATE_PID")

# Step 5: measurements.
: >"$WORK/metrics.txt"
# Throughput runs are interleaved: SLICES rounds of (direct, nginx, Tollgate) for JSON, then for SSE, each slice
# DURATION/SLICES seconds. The VM's host makes speed drift over tens of seconds; interleaving puts the same drift
# into all three, so the ratios compare like with like.
slice_secs=$(( DURATION / SLICES > 2 ? DURATION / SLICES : 2 ))
log "throughput and latency, ${CONNECTIONS} connections, ${SLICES} interleaved slices of ${slice_secs}s each"
for i in $(seq 1 "$SLICES"); do
  slice json_direct chat.lua bench-json http://127.0.0.1:18081/v1/chat/completions "$CONNECTIONS" "$slice_secs" "$UPSTREAM_PID" "$i"
  slice json_nginx chat.lua bench-json http://127.0.0.1:18090/json/v1/chat/completions "$CONNECTIONS" "$slice_secs" "$PROXY_PID" "$i"
  slice json_tollgate chat.lua bench-json "$TOLLGATE" "$CONNECTIONS" "$slice_secs" "$TOLLGATE_PID" "$i"
  if [[ "$METERING_AB" == 1 ]]; then slice json_noledger chat.lua bench-json "$NOLEDGER" "$CONNECTIONS" "$slice_secs" "$NOLEDGER_PID" "$i"; fi
done
for n in json_direct json_nginx json_tollgate; do aggregate "$n"; done
if [[ "$METERING_AB" == 1 ]]; then aggregate json_noledger; fi
for i in $(seq 1 "$SLICES"); do
  slice sse_direct chat-stream.lua bench-sse http://127.0.0.1:18082/v1/chat/completions "$CONNECTIONS" "$slice_secs" "$UPSTREAM_PID" "$i"
  slice sse_nginx chat-stream.lua bench-sse http://127.0.0.1:18090/sse/v1/chat/completions "$CONNECTIONS" "$slice_secs" "$PROXY_PID" "$i"
  slice sse_tollgate chat-stream.lua bench-sse "$TOLLGATE" "$CONNECTIONS" "$slice_secs" "$TOLLGATE_PID" "$i"
  if [[ "$METERING_AB" == 1 ]]; then slice sse_noledger chat-stream.lua bench-sse "$NOLEDGER" "$CONNECTIONS" "$slice_secs" "$NOLEDGER_PID" "$i"; fi
done
for n in sse_direct sse_nginx sse_tollgate; do aggregate "$n"; done
if [[ "$METERING_AB" == 1 ]]; then aggregate sse_noledger; fi

# The 200 ms runs measure what a proxy adds when it is NOT busy. Straight after minutes at saturation, Tollgate spends
# a few seconds catching up (tiered JIT work deferred while the core was full, thread pool back to its idle size), which
# showed as +2 to +3 ms at p50 in the first seconds only; so both proxies idle SETTLE seconds and take 3 s of the same
# load, discarded, before the measured runs.
log "settling ${SETTLE}s, then 3s of 200 ms upstream load per proxy, discarded"
sleep "$SETTLE"
DELAY_URLS=(http://127.0.0.1:18090/delay/v1/chat/completions "$TOLLGATE")
if [[ "$METERING_AB" == 1 ]]; then DELAY_URLS+=("$NOLEDGER"); fi
for url in "${DELAY_URLS[@]}"; do
  MODEL=bench-delay taskset -c "$LOAD_CORE" wrk -t1 -c"$DELAY_CONNECTIONS" -d3s -s "$HERE/chat.lua" "$url" >/dev/null
done
log "200 ms upstream, ${DELAY_CONNECTIONS} connections"
run_wrk delay_nginx chat.lua bench-delay http://127.0.0.1:18090/delay/v1/chat/completions "$DELAY_CONNECTIONS" "$DURATION" "$PROXY_PID"
run_wrk delay_tollgate chat.lua bench-delay "$TOLLGATE" "$DELAY_CONNECTIONS" "$DURATION" "$TOLLGATE_PID"
if [[ "$METERING_AB" == 1 ]]; then
  run_wrk delay_noledger chat.lua bench-delay "$NOLEDGER" "$DELAY_CONNECTIONS" "$DURATION" "$NOLEDGER_PID"
fi

log "time to first byte of a stream, ${TTFT_N} sequential requests each"
sed -e 's/__MODEL__/bench-sse/' -e 's/__STREAM__/true/' "$HERE/chat-body.json" >"$WORK/stream-body.json"
ttft_p50_us() { # URL
  local i
  for i in $(seq 1 "$TTFT_N"); do
    taskset -c "$LOAD_CORE" curl -s -o /dev/null -w '%{time_starttransfer}\n' -H 'Authorization: Bearer sk-bench' \
      -H 'Content-Type: application/json' --data-binary @"$WORK/stream-body.json" "$1"
  done | sort -n | awk '{ v[NR] = $1 } END { printf "%.0f", v[int((NR + 1) / 2)] * 1e6 }'
}
TTFT_DIRECT=$(ttft_p50_us http://127.0.0.1:18082/v1/chat/completions)
TTFT_NGINX=$(ttft_p50_us http://127.0.0.1:18090/sse/v1/chat/completions)
TTFT_TOLLGATE=$(ttft_p50_us "$TOLLGATE")
TTFT_NOLEDGER=-
if [[ "$METERING_AB" == 1 ]]; then TTFT_NOLEDGER=$(ttft_p50_us "$NOLEDGER"); fi
log "TTFT p50 us: direct=$TTFT_DIRECT nginx=$TTFT_NGINX tollgate=$TTFT_TOLLGATE noledger=$TTFT_NOLEDGER"

# hold_streams NAME URL PID: opens $STREAMS slow streams, samples RSS and established connections near the end.
hold_streams() {
  local name=$1 url=$2 pid=$3 port=$4
  MODEL=bench-slow taskset -c "$LOAD_CORE" wrk -t1 -c"$STREAMS" -d"${HOLD}s" --timeout 300s \
    -s "$HERE/chat-stream.lua" "$url" >"$WORK/$name.wrk" 2>&1 &
  local wrk_pid=$!
  PIDS+=("$wrk_pid")
  sleep $(( HOLD > 4 ? HOLD - 3 : 1 ))
  local open
  open=$(ss -Htn state established "( sport = :$port )" | wc -l)
  printf '%s rss_kb=%s open=%s\n' "$name" "$(rss_kb "$pid")" "$open" | tee -a "$WORK/metrics.txt" >&2
  wait "$wrk_pid" || true
}
log "memory with ${STREAMS} open streams, ${HOLD}s"
RSS_NGINX_IDLE=$(rss_kb "$PROXY_PID")
hold_streams hold_nginx http://127.0.0.1:18090/slow/v1/chat/completions "$PROXY_PID" 18090
sleep 2
hold_streams hold_tollgate "$TOLLGATE" "$TOLLGATE_PID" 18100
RSS_AFTER=$(rss_kb "$TOLLGATE_PID")

# Step 6: summary.
mkdir -p "$(dirname "$RESULTS")"
pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0f%%", 100 * a / b; else print "-" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }'; }
delta_ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.2f ms", (a - b) / 1000 }'; }
ms() { awk -v a="$1" 'BEGIN { printf "%.2f", a / 1000 }'; }
verdict() { if awk "BEGIN { exit !($1) }"; then echo PASS; else echo MISS; fi; }
{
  echo "Tollgate load test, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "duration=${DURATION}s (throughput: ${SLICES} interleaved slices of ${slice_secs}s) warmup=${WARMUP}s connections=${CONNECTIONS} delay_connections=${DELAY_CONNECTIONS} ttft_n=${TTFT_N} streams=${STREAMS}"
  echo "proxies on core ${PROXY_CORE}; wrk, curl and upstreams on core ${LOAD_CORE}"
  echo
  printf '%-16s %10s %10s %10s %14s %8s\n' scenario req/s p50_ms p99_ms cpu_ms/req errors
  for n in json_direct json_nginx json_tollgate json_noledger sse_direct sse_nginx sse_tollgate sse_noledger delay_nginx delay_tollgate delay_noledger; do
    [[ -z "$(metric "$n" rps)" ]] && continue
    printf '%-16s %10s %10s %10s %14s %8s\n' "$n" "$(metric "$n" rps)" "$(ms "$(metric "$n" p50_us)")" \
      "$(ms "$(metric "$n" p99_us)")" "$(metric "$n" cpu_ms_per_req)" \
      "$(( $(metric "$n" errors) + $(metric "$n" status_errors) ))"
  done
  echo
  printf 'TTFT p50 (us): direct %s, nginx %s, tollgate %s, tollgate without ledger %s\n' "$TTFT_DIRECT" "$TTFT_NGINX" "$TTFT_TOLLGATE" "$TTFT_NOLEDGER"
  printf 'RSS (MB): tollgate idle after warm-up %.1f, with %s streams %.1f (%s open), after %.1f; nginx idle %.1f, with streams %.1f (%s open)\n' \
    "$(awk -v k="$RSS_IDLE" 'BEGIN { print k / 1024 }')" "$STREAMS" \
    "$(awk -v k="$(metric hold_tollgate rss_kb)" 'BEGIN { print k / 1024 }')" "$(metric hold_tollgate open)" \
    "$(awk -v k="$RSS_AFTER" 'BEGIN { print k / 1024 }')" \
    "$(awk -v k="$RSS_NGINX_IDLE" 'BEGIN { print k / 1024 }')" \
    "$(awk -v k="$(metric hold_nginx rss_kb)" 'BEGIN { print k / 1024 }')" "$(metric hold_nginx open)"
  echo
  echo "target                                   measured                 verdict"
  j=$(metric json_tollgate rps); jn=$(metric json_nginx rps)
  s=$(metric sse_tollgate rps); sn=$(metric sse_nginx rps)
  jc=$(metric json_tollgate cpu_ms_per_req); jcn=$(metric json_nginx cpu_ms_per_req)
  sc=$(metric sse_tollgate cpu_ms_per_req); scn=$(metric sse_nginx cpu_ms_per_req)
  d50=$(( $(metric delay_tollgate p50_us) - $(metric delay_nginx p50_us) ))
  d99=$(( $(metric delay_tollgate p99_us) - $(metric delay_nginx p99_us) ))
  tt=$(( TTFT_TOLLGATE - TTFT_NGINX ))
  rss=$(metric hold_tollgate rss_kb)
  printf '%-40s %-24s %s\n' "JSON throughput >= 50% of nginx" "$(pct "$j" "$jn")" "$(verdict "$j >= 0.5 * $jn")"
  printf '%-40s %-24s %s\n' "SSE throughput >= 70% of nginx" "$(pct "$s" "$sn")" "$(verdict "$s >= 0.7 * $sn")"
  printf '%-40s %-24s %s\n' "JSON CPU/request <= 3x nginx" "$(ratio "$jc" "$jcn")" "$(verdict "$jc <= 3 * $jcn")"
  printf '%-40s %-24s %s\n' "SSE CPU/request <= 3x nginx" "$(ratio "$sc" "$scn")" "$(verdict "$sc <= 3 * $scn")"
  printf '%-40s %-24s %s\n' "200 ms upstream p50 within 1 ms" "$(delta_ms "$d50" 0)" "$(verdict "$d50 <= 1000")"
  printf '%-40s %-24s %s\n' "200 ms upstream p99 within 5 ms" "$(delta_ms "$d99" 0)" "$(verdict "$d99 <= 5000")"
  printf '%-40s %-24s %s\n' "SSE TTFT p50 within 1 ms of nginx" "$(delta_ms "$tt" 0)" "$(verdict "$tt <= 1000")"
  printf '%-40s %-24s %s\n' "RSS < 200 MB with ${STREAMS} streams" "$(awk -v k="$rss" 'BEGIN { printf "%.1f MB", k / 1024 }')" "$(verdict "$rss < 200 * 1024")"
  if [[ "$METERING_AB" == 1 ]]; then
    echo
    echo "metering: ledger on vs storage.ledger: false (same binary, same interleaved slices)"
    printf '%-40s %s\n' "JSON CPU/request (ms)" "$(metric json_tollgate cpu_ms_per_req) vs $(metric json_noledger cpu_ms_per_req) ($(ratio "$(metric json_tollgate cpu_ms_per_req)" "$(metric json_noledger cpu_ms_per_req)"))"
    printf '%-40s %s\n' "SSE CPU/request (ms)" "$(metric sse_tollgate cpu_ms_per_req) vs $(metric sse_noledger cpu_ms_per_req) ($(ratio "$(metric sse_tollgate cpu_ms_per_req)" "$(metric sse_noledger cpu_ms_per_req)"))"
    printf '%-40s %s\n' "200 ms upstream p50, ledger adds" "$(delta_ms "$(metric delay_tollgate p50_us)" "$(metric delay_noledger p50_us)")"
    printf '%-40s %s\n' "200 ms upstream p99, ledger adds" "$(delta_ms "$(metric delay_tollgate p99_us)" "$(metric delay_noledger p99_us)")"
    printf '%-40s %s\n' "SSE TTFT p50, ledger adds" "$(delta_ms "$TTFT_TOLLGATE" "$TTFT_NOLEDGER")"
  fi
} | tee "$RESULTS"
cp "$WORK"/*.wrk "$WORK/metrics.txt" "$(dirname "$RESULTS")/" 2>/dev/null || true
log "results: $RESULTS (raw wrk output alongside; work dir $WORK)"
