-- wrk script of the booking benchmark (bench/booking_bench.py): every request a different booking.
-- wrk -s bookings.lua URL -- JOBS_FILE THREADS
-- JOBS_FILE: one job a line, "<token>\t<JSON body>"; thread n of THREADS takes every n-th line.
-- Prints one line "WRKJSON {...}" with the answers by status and the latency percentiles.

local threads = {}

function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

function init(args)
  jobs, next_job = {}, 0
  counts = {}
  local every, i = tonumber(args[2]), 0
  for line in io.lines(args[1]) do
    if i % every == thread_index then
      table.insert(jobs, line)
    end
    i = i + 1
  end
end

function request()
  next_job = next_job + 1
  local line = jobs[next_job]
  if line == nil then
    -- Out of distinct jobs: the benchmark sizes the file so that this never happens in time; if
    -- it does, the repeated booking is refused (409) and counted apart.
    line = jobs[1]
  end
  local token, body = line:match("^([^\t]+)\t(.*)$")
  return wrk.format("POST", "/api/v1/bookings/", {
    ["Authorization"] = "Token " .. token,
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json",
    ["Accept-Language"] = "en",
    ["Host"] = "127.0.0.1",
  }, body)
end

function response(status, headers, body)
  local key = tostring(status)
  counts[key] = (counts[key] or 0) + 1
  if status ~= 201 and sample == nil then
    sample = body:sub(1, 200):gsub('[^%w _:,.{}-]', '')
  end
end

function done(summary, latency, requests)
  local totals, used, sample_body = {}, 0, ""
  for _, thread in ipairs(threads) do
    local counts = thread:get("counts")
    for key, value in pairs(counts) do
      totals[key] = (totals[key] or 0) + value
    end
    used = used + thread:get("next_job")
    sample_body = sample_body .. (thread:get("sample") or "")
  end
  local parts = {}
  for key, value in pairs(totals) do
    table.insert(parts, string.format('"%s": %d', key, value))
  end
  io.write(string.format(
    'WRKJSON {"statuses": {%s}, "requests": %d, "duration_s": %.6f, "p50_ms": %.3f, "p95_ms": %.3f, ' ..
    '"socket_errors": %d, "jobs_used": %d, "sample": "%s"}\n',
    table.concat(parts, ", "), summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    used, sample_body))
end
