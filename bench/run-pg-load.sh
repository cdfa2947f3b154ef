#!/usr/bin/env bash
# HTTP batch ingest with PostgreSQL as the store, against the same run's ceilings: starts a throw-away PostgreSQL
# server (scripts/postgres-temp.sh, default durability) and the platform on it (SMX_POSTGRES), measures the HTTP
# ceilings of the host and the store-alone ceiling (bare binary COPY), then 1000-reading batches from 16 connections
# after a warm-up (default 60 s: with both cores busy the runtime's tiered JIT is still recompiling hot code 20 s in).
# Usage: bash bench/run-pg-load.sh [duration-seconds] [batch-warm-up-seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-15}"
warmup="${2:-60}"
port=5391
key="load-admin-key-0123456789abcdef"
# shellcheck source=scripts/postgres-temp.sh
source scripts/postgres-temp.sh
SMX_POSTGRES="$(postgres_temp_database)"
export SMX_POSTGRES
# shellcheck source=bench/load-server.sh
source bench/load-server.sh
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"; postgres_temp_stop' EXIT

load --mode ceilings --connections 16 --warmup 5
dotnet bench/SmartMaintenance.Benchmarks/bin/Release/net10.0/SmartMaintenance.Benchmarks.dll load --mode pg-store \
  --postgres "$(postgres_temp_database)" --connections 16 --duration "$duration" | head -1
load --mode batch --connections 16 --warmup "$warmup"
# A week of a reading a minute from 1,000 sensors (10.08 M readings), then a sensor's 7-day hourly series (168 points
# from the hour roll-ups), from 1 and 16 connections.
load --mode seed-fleet --connections 16
server_db="$(sed 's/.*Database=\([^;]*\).*/\1/' <<<"$SMX_POSTGRES")"
echo "readings stored: $("$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U smx -d "$server_db" -tAc 'select count(*) from readings')"
for connections in 1 16; do
  load --mode series-week --connections "$connections"
done
