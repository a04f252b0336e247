#!/usr/bin/env bash
# End to end with a real Prometheus server: the service example serves its workload's
# metrics on an ephemeral loopback port, Prometheus (on loopback too) scrapes it, and the
# value read back through Prometheus' HTTP API must equal what the workload emitted.
# Installs the Debian package `prometheus` where it is missing. Every wait is bounded;
# everything started here is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v prometheus >/dev/null 2>&1; then
  echo "== installing prometheus"
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y prometheus
fi

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

# Polls `$1` (a command) once a second, at most `$2` times.
wait_for() {
  local tries=0
  until eval "$1"; do
    tries=$((tries + 1))
    if [ "$tries" -ge "$2" ]; then return 1; fi
    sleep 1
  done
}

# A port nothing listens on: the kernel's pick where python3 is at hand, otherwise a
# random high port that `ss` does not list.
free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
    return
  fi
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    if ! ss -ltn 2>/dev/null | grep -q ":$port "; then echo "$port"; return; fi
  done
  return 1
}

echo "== building the service example"
cargo build --quiet -p service-like --example prometheus
example="target/debug/examples/prometheus"

echo "== serving the workload's metrics"
"$example" 127.0.0.1:0 180 >"$work/example.out" &
pids+=($!)
wait_for 'grep -q "^ready=1" "$work/example.out"' 120 || { cat "$work/example.out"; echo "the example did not get ready"; exit 1; }
target="$(sed -n 's|^listening=http://\(.*\)/metrics$|\1|p' "$work/example.out")"
expected="$(sed -n 's/^full_sessions=//p' "$work/example.out")"
echo "   metrics at http://$target/metrics; full sessions created: $expected"

port="$(free_port)"
cat >"$work/prometheus.yml" <<YML
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: service
    static_configs:
      - targets: ["$target"]
YML

echo "== starting prometheus on 127.0.0.1:$port"
prometheus \
  --config.file="$work/prometheus.yml" \
  --storage.tsdb.path="$work/data" \
  --web.listen-address="127.0.0.1:$port" \
  >"$work/prometheus.log" 2>&1 &
pids+=($!)

query='charon_session_create_count{job="service",session_type="full"}'
value=""
read_value() {
  value="$(curl -fsS -G "http://127.0.0.1:$port/api/v1/query" --data-urlencode "query=$query" 2>/dev/null \
    | sed -n 's/.*"value":\[[^,]*,"\([^"]*\)"\].*/\1/p')"
  [ -n "$value" ]
}
echo "== waiting for a scrape"
wait_for read_value 90 || { tail -20 "$work/prometheus.log"; echo "prometheus never returned $query"; exit 1; }

echo "   prometheus says $query = $value"
if [ "$value" != "$expected" ]; then
  echo "FAIL: expected $expected"
  exit 1
fi
echo "== prometheus end to end: ok"
