#!/usr/bin/env bash
# One node against three on the same machine: HTTP batch ingest (1000-reading JSON batches) into one PostgreSQL
# database through one server process, then through three (one cluster on a fresh database, each node fed by its own
# load tool with its own sensors), each after a warm-up, with the CPU seconds every process used in the measured run.
# The warm-up (default 60 s) lets the runtime's tiered JIT finish recompiling hot code, which on two busy cores takes
# well over 20 s.
# Usage: bash bench/run-pg-nodes.sh [duration-seconds] [warm-up-seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-15}"
warmup="${2:-60}"
key="load-admin-key-0123456789abcdef"
# shellcheck source=scripts/postgres-temp.sh
source scripts/postgres-temp.sh
dotnet build src/SmartMaintenance.Server -c Release -v q -nologo >/dev/null
dotnet build bench/SmartMaintenance.Benchmarks -c Release -v q -nologo >/dev/null
root="$(mktemp -d /tmp/smx-nodes-XXXXXX)"
nodes=()
stop_nodes() { for pid in "${nodes[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done; nodes=(); }
trap 'stop_nodes; rm -rf "$root"; postgres_temp_stop' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# start_node NAME HTTP-PORT DATABASE: a server process on the database, in the cluster of every node on it.
start_node() {
  mkdir -p "$root/$1"
  SMX_POSTGRES="$3" SMX_DATA_DIR="$root/$1" SMX_DEMO=0 SMX_ADMIN_API_KEY="$key" SMX_RATE_LIMIT=10000000 \
    SMX_SILO_PORT="$(free_port)" SMX_GATEWAY_PORT="$(free_port)" SMX_ADVERTISED_ADDRESS=127.0.0.1 Logging__LogLevel__Default=Warning \
    dotnet src/SmartMaintenance.Server/bin/Release/net10.0/SmartMaintenance.Server.dll --urls "http://127.0.0.1:$2" >"$root/$1.log" 2>&1 &
  nodes+=($!)
  for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$2/health/ready" >/dev/null && return; sleep 0.5; done
  echo "node $1 did not become ready:" >&2; tail -20 "$root/$1.log" >&2; exit 1
}

# load PORT PREFIX CONNECTIONS SECONDS [FIRST-BATCH]: batch ingest through one node, into its own sensors. The measured
# run starts at batch 50,000 (timestamps about six days after the warm-up's), so it sends new readings, not the warm-up's
# again as duplicates.
load() {
  dotnet bench/SmartMaintenance.Benchmarks/bin/Release/net10.0/SmartMaintenance.Benchmarks.dll load --url "http://127.0.0.1:$1" --key "$key" \
    --mode batch --sensor-prefix "$2" --connections "$3" --duration "$4" --first-batch "${5:-0}"
}

# CPU seconds (user + system) each process has used so far, and PostgreSQL's (every backend) after them.
cpu_seconds() {
  for pid in "$@"; do awk '{ printf "%.1f ", ($14 + $15) / 100 }' "/proc/$pid/stat"; done
  pgrep -u postgres postgres | while read -r pid; do awk '{ print ($14 + $15) / 100 }' "/proc/$pid/stat" 2>/dev/null; done | awk '{ s += $1 } END { printf "(postgres %.1f)", s }'
}

echo "== one node"
start_node one 5501 "$(postgres_temp_database)"
load 5501 one 16 "$warmup" >/dev/null
before="$(cpu_seconds "${nodes[@]}")"
load 5501 one 16 "$duration" 50000
echo "  CPU seconds used so far, before / after the measured run: $before / $(cpu_seconds "${nodes[@]}")"
stop_nodes

echo "== three nodes, one load tool each"
database="$(postgres_temp_database)"
start_node a 5511 "$database"
start_node b 5512 "$database"
start_node c 5513 "$database"
# all_load SECONDS: the three load tools at once, 16 connections in all.
all_load() {
  load 5511 a 6 "$1" "${2:-0}" >"$root/a.out" & local first=$!
  load 5512 b 5 "$1" "${2:-0}" >"$root/b.out" & local second=$!
  load 5513 c 5 "$1" "${2:-0}" >"$root/c.out" & local third=$!
  wait "$first" "$second" "$third"
}
all_load "$warmup"
before="$(cpu_seconds "${nodes[@]}")"
all_load "$duration" 50000
cat "$root/a.out" "$root/b.out" "$root/c.out"
echo "  together: $(grep -ho '[0-9]* readings/s' "$root/a.out" "$root/b.out" "$root/c.out" | awk '{ s += $1 } END { print s }') readings/s"
echo "  CPU seconds used so far per node, before / after the measured run: $before / $(cpu_seconds "${nodes[@]}")"
