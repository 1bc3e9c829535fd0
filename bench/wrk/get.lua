-- wrk script of the booking benchmark's bare view: GET PATH with the bookings' headers.
-- wrk -s get.lua URL -- PATH ; prints one line "WRKJSON {...}" like bookings.lua.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  counts = {}
  req = wrk.format("GET", args[1], {
    ["Accept"] = "application/json",
    ["Accept-Language"] = "en",
    ["Host"] = "127.0.0.1",
  })
end

function request()
  return req
end

function response(status, headers, body)
  local key = tostring(status)
  counts[key] = (counts[key] or 0) + 1
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    for key, value in pairs(thread:get("counts")) do
      totals[key] = (totals[key] or 0) + value
    end
  end
  local parts = {}
  for key, value in pairs(totals) do
    table.insert(parts, string.format('"%s": %d', key, value))
  end
  io.write(string.format(
    'WRKJSON {"statuses": {%s}, "requests": %d, "duration_s": %.6f, "p50_ms": %.3f, "p95_ms": %.3f, ' ..
    '"socket_errors": %d, "jobs_used": 0, "sample": ""}\n',
    table.concat(parts, ", "), summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
