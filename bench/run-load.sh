#!/usr/bin/env bash
# Measures the HTTP targets of the foundation on this machine: the two ceilings, batch ingest, single-reading
# POSTs, then (after seeding SMX_LOAD_READINGS readings, default 10 million) raw-reading pages and 24-hour series.
# Usage: bash bench/run-load.sh [duration-seconds]. Starts its own server on a fresh data folder and stops it.
# Uses wrk (Debian package) for a second single-reading figure when it is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-20}"
readings="${SMX_LOAD_READINGS:-10000000}"
port=5390
key="load-admin-key-0123456789abcdef"
data="$(mktemp -d /tmp/smx-load-XXXXXX)"

dotnet build src/SmartMaintenance.Server -c Release -v q -nologo >/dev/null
dotnet build bench/SmartMaintenance.Benchmarks -c Release -v q -nologo >/dev/null

SMX_DATA_DIR="$data" SMX_DEMO=0 SMX_ADMIN_API_KEY="$key" SMX_RATE_LIMIT=10000000 Logging__LogLevel__Default=Warning \
  dotnet src/SmartMaintenance.Server/bin/Release/net10.0/SmartMaintenance.Server.dll --urls "http://127.0.0.1:$port" >"$data/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 60); do curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.5; done

load() { dotnet bench/SmartMaintenance.Benchmarks/bin/Release/net10.0/SmartMaintenance.Benchmarks.dll load \
  --url "http://127.0.0.1:$port" --key "$key" --duration "$duration" "$@"; }

load --mode ceilings --connections 16 --warmup 5
load --mode batch --connections 16 --warmup 10
load --mode single --connections 64 --warmup 5
if command -v wrk >/dev/null; then
  # The same single-reading load from a C client, which leaves more of the two cores to the server.
  SMX_LOAD_KEY="$key" wrk -t2 -c64 -d"${duration}s" -s bench/single.lua "http://127.0.0.1:$port" | tail -1
fi
load --mode seed --connections 16 --readings "$readings"
echo "readings stored: $(sqlite3 "$data/smartmaintenance.db" 'select count(*) from readings' 2>/dev/null || echo '(sqlite3 not installed)')"
for connections in 1 16; do
  load --mode query --connections "$connections"
  load --mode series --connections "$connections"
done
