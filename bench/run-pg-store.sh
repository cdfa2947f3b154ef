#!/usr/bin/env bash
# The PostgreSQL reading store alone, without HTTP, against the same machine's ceiling measured in the same run (a bare
# binary COPY loop of the same batches): starts a throw-away PostgreSQL server (scripts/postgres-temp.sh, default
# durability), runs both for the given seconds each with 16 concurrent appenders of 1000-reading batches, stops it.
# Usage: bash bench/run-pg-store.sh [duration-seconds] [connections] [writers]
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-15}"
connections="${2:-16}"
writers="${3:-2}"
# shellcheck source=scripts/postgres-temp.sh
source scripts/postgres-temp.sh
dotnet build -c Release bench/SmartMaintenance.Benchmarks -v q -nologo >/dev/null
dotnet bench/SmartMaintenance.Benchmarks/bin/Release/net10.0/SmartMaintenance.Benchmarks.dll load --mode pg-store \
  --postgres "$(postgres_temp_database)" --connections "$connections" --duration "$duration" --writers "$writers"
