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
# shellcheck source=bench/load-server.sh
source bench/load-server.sh

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
