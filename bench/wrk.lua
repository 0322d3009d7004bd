-- wrk script for bench/benchmark.py: sets the method, headers and body from environment
-- variables and prints one machine-readable summary line when the run ends.
--
--   BENCH_METHOD         GET (default) or POST
--   BENCH_AUTHORIZATION  value of the Authorization header, if any
--   BENCH_BODY           request body of a POST
--   BENCH_EMAIL_PREFIX   if set, every POST body is {"email": "<prefix>-<thread>-<n>@example.com"}

local method = os.getenv("BENCH_METHOD") or "GET"
local authorization = os.getenv("BENCH_AUTHORIZATION")
local body = os.getenv("BENCH_BODY")
local email_prefix = os.getenv("BENCH_EMAIL_PREFIX")

wrk.method = method
if authorization then
  wrk.headers["Authorization"] = authorization
end
if method == "POST" then
  wrk.headers["Content-Type"] = "application/json"
  wrk.body = body
end

local threads = {}
local next_thread_number = 0

function setup(thread)
  next_thread_number = next_thread_number + 1
  thread:set("thread_number", next_thread_number)
  table.insert(threads, thread)
end

if email_prefix then
  local sent = 0
  request = function()
    sent = sent + 1
    local email = string.format("%s-%d-%d@example.com", email_prefix, thread_number, sent)
    return wrk.format(nil, nil, nil, '{"email": "' .. email .. '"}')
  end
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"connect_errors": %d, "read_errors": %d, "write_errors": %d, ' ..
    '"status_errors": %d, "timeouts": %d, ' ..
    '"p50_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
