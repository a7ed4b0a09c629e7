-- Shared by every run of bench/compare.py: fixed headers from the environment, and a summary
-- printed as one JSON line (latency in microseconds) that compare.py reads.

local key = os.getenv("BENCH_KEY_HEADER")
if key then
  local name, value = key:match("^([^:]+):%s*(.*)$")
  wrk.headers[name] = value
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "p50_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"non_2xx_3xx": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(99),
    latency.max, errors.status, errors.connect + errors.read + errors.write + errors.timeout))
end
