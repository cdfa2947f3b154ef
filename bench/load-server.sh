# Sourced by the load scripts: builds the server and the load tool, starts the server on a fresh data folder at
# 127.0.0.1:$port with the admin key $key, stops it and removes the folder on exit, and defines `load ARGS…`
# (the load tool against it for $duration seconds). Sets $data to the server's data folder.
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
