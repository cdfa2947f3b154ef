#!/usr/bin/env bash
# Slow export readers (issue 12, item 5): CLIENTS clients read one sensor's CSV export of READINGS rows at a crawl,
# then all disconnect at once, while a probe asks /health/live and a single-reading ingest every 100 ms. Prints the
# probes' worst latency and how many took over a second; with nothing stalling the thread pool both stay small.
# Usage: bash bench/export-stall.sh [clients=50] [readings=1400000] [read-seconds=15]
set -euo pipefail
cd "$(dirname "$0")/.."
clients="${1:-50}"
readings="${2:-1400000}"
seconds="${3:-15}"
port=5391
key="stall-admin-key-0123456789abcdef"
# shellcheck source=bench/load-server.sh
source bench/load-server.sh

python3 - "$port" "$key" "$clients" "$readings" "$seconds" <<'PY'
import datetime, json, subprocess, sys, threading, time, urllib.request
port, key, clients, readings, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
base = f"http://127.0.0.1:{port}"

def call(method, path, body=None, content_type="application/json", timeout=60):
    request = urllib.request.Request(base + path, data=body, method=method, headers={"X-API-Key": key, "Content-Type": content_type})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status, response.read()

call("PUT", "/api/v1/sites/stall", json.dumps({"name": "Stall"}).encode())
call("PUT", "/api/v1/assets/stall-pump", json.dumps({"site_id": "stall", "name": "Pump", "kind": "pump"}).encode())
for sensor in ("stall-export", "stall-probe"):
    call("PUT", f"/api/v1/sensors/{sensor}", json.dumps({"asset_id": "stall-pump", "type": "temperature", "unit": "°C", "sample_interval_seconds": 1}).encode())
start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=20)
for first in range(0, readings, 50_000):
    rows = ["sensor_id,timestamp,value"] + [
        f"stall-export,{(start + datetime.timedelta(seconds=i)).isoformat()},{20 + i % 17 * 0.1:.1f}" for i in range(first, min(readings, first + 50_000))]
    call("POST", "/api/v1/readings", ("\n".join(rows) + "\n").encode(), "text/csv", timeout=300)
print(f"seeded {readings} readings", flush=True)

latencies, slow_at, stop, n, t0 = [], [], threading.Event(), [0], [time.monotonic()]
def probe():
    while not stop.is_set():
        for path, body in (("/health/live", None), ("/api/v1/readings", None)):
            began = time.monotonic()
            try:
                if body is None and path == "/health/live":
                    call("GET", path, timeout=60)
                else:
                    n[0] += 1
                    at = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=1, microseconds=n[0])).isoformat()
                    call("POST", path, json.dumps([{"sensor_id": "stall-probe", "timestamp": at, "value": 1.0}]).encode(), timeout=60)
                latencies.append(time.monotonic() - began)
            except Exception:
                latencies.append(60.0)
            if latencies[-1] > 1:
                slow_at.append(f"{path} at {began - t0[0]:+.1f} s took {latencies[-1]:.1f} s")
        time.sleep(0.1)

thread = threading.Thread(target=probe); thread.start()
time.sleep(2)
t0[0] = time.monotonic()
readers = [subprocess.Popen(["curl", "-s", "--limit-rate", "100k", "-o", "/dev/null", "-H", f"X-API-Key: {key}",
    f"{base}/api/v1/sensors/stall-export/readings/export?from={(start - datetime.timedelta(days=1)).isoformat().replace('+', '%2B')}"]) for _ in range(clients)]
time.sleep(seconds)
print(f"readers disconnect at {time.monotonic() - t0[0]:+.1f} s", flush=True)
for reader in readers: reader.kill()
for reader in readers: reader.wait()
time.sleep(10)
stop.set(); thread.join()
slow = sum(1 for l in latencies if l > 1)
print(f"{clients} slow export readers over {readings} rows: {len(latencies)} probes, worst {max(latencies)*1000:.0f} ms, "
      f"p99 {sorted(latencies)[int(len(latencies)*0.99)]*1000:.0f} ms, {slow} over 1 s")
for line in slow_at: print("  slow: " + line)
PY
echo "thread-pool starvation warnings in the server log: $(grep -c 'Thread Pool' "$data/server.log" || true)"
