#!/usr/bin/env bash
# The model registry's read path under load: registers 50 models x 20 versions on a fresh server, then times
# GET /api/v1/ml/models and one model's version list. Usage: bash bench/run-models-load.sh [duration-seconds].
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-15}"
port=5391
key="load-admin-key-0123456789abcdef"
data="$(mktemp -d /tmp/smx-models-load-XXXXXX)"

dotnet build src/SmartMaintenance.Server -c Release -v q -nologo >/dev/null
dotnet build bench/SmartMaintenance.Benchmarks -c Release -v q -nologo >/dev/null

SMX_DATA_DIR="$data" SMX_DEMO=0 SMX_ADMIN_API_KEY="$key" SMX_RATE_LIMIT=10000000 Logging__LogLevel__Default=Warning \
  dotnet src/SmartMaintenance.Server/bin/Release/net10.0/SmartMaintenance.Server.dll --urls "http://127.0.0.1:$port" >"$data/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 60); do curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.5; done

for connections in 1 16; do
  dotnet bench/SmartMaintenance.Benchmarks/bin/Release/net10.0/SmartMaintenance.Benchmarks.dll load \
    --url "http://127.0.0.1:$port" --key "$key" --duration "$duration" --warmup 3 --connections "$connections" --mode models
done
