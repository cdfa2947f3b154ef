-- wrk script for single-reading POSTs: every request a new (sensor, timestamp), so none is a duplicate.
-- Usage: wrk -t2 -c64 -d15s -s bench/single.lua http://127.0.0.1:PORT  (with SMX_LOAD_KEY set to an ingest key)
local threads = {}
local counter = 0


-- A random start per run keeps runs against the same server from colliding.
math.randomseed(os.time())
local start = math.random(0, 999) * 1000000

function setup(thread)
  thread:set("offset", start + #threads * 100000000)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["X-API-Key"] = os.getenv("SMX_LOAD_KEY")
end

function request()
  counter = counter + 1
  local n = (offset or 0) + counter
  local seconds = 1400000000 + math.floor(n / 100)
  local body = string.format('{"sensor_id":"single-%d","timestamp":"%s","value":%d}',
    n % 100, os.date("!%Y-%m-%dT%H:%M:%SZ", seconds), n % 50)
  return wrk.format("POST", "/api/v1/data/ingest", nil, body)
end

function done(summary, latency, requests)
  io.write(string.format("wrk single: %d requests, %.0f req/s, non-2xx %d, p50 %.2f ms, p99 %.2f ms\n",
    summary.requests, summary.requests / (summary.duration / 1e6), summary.errors.status,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
