-- wrk script for bench/load_mixed.py: a newsroom's mix of reads and writes, every answer counted.
--
-- Arguments (after `--`): API token, session cookie value, comma-separated request ids.
-- Mix per 100 requests: 35 API list, 15 API detail, 10 changes feed, 10 dashboard, 10 request
-- list page, 5 counties page, 15 responses logged through the API (POST, 201 expected).
-- done() prints one JSON line (prefixed "LOAD_RESULT ") with the status counts of every thread,
-- the ids of the responses answered 201 and the latency percentiles, for load_mixed.py to check.

local threads = {}
local token, session, ids

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  token, session = args[1], args[2]
  ids = {}
  for id in string.gmatch(args[3], "%d+") do
    table.insert(ids, id)
  end
  statuses = {}
  created = {}
  written = 0
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
end

local function api(path)
  return wrk.format("GET", path, {
    ["Authorization"] = "Token " .. token,
    ["Accept"] = "application/json",
  })
end

local function page(path)
  return wrk.format("GET", path, { ["Cookie"] = "sessionid=" .. session })
end

function request()
  local pick = math.random(100)
  local id = ids[math.random(#ids)]
  if pick <= 35 then
    return api("/api/v1/requests/?state=CA&page_size=50")
  elseif pick <= 50 then
    return api("/api/v1/requests/" .. id .. "/")
  elseif pick <= 60 then
    return api("/api/v1/activity/?page_size=50")
  elseif pick <= 70 then
    return page("/")
  elseif pick <= 80 then
    return page("/requests/")
  elseif pick <= 85 then
    return page("/counties/")
  end
  written = written + 1
  local body = string.format(
    '{"request": %s, "kind": "public_statement", "received_on": "2025-08-20", ' ..
    '"quotation": "Load run statement %d"}', id, written)
  return wrk.format("POST", "/api/v1/responses/", {
    ["Authorization"] = "Token " .. token,
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json",
  }, body)
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  if status == 201 then
    table.insert(created, body:match('"id":%s*(%d+)') or "0")
  end
end

function done(summary, latency, requests)
  local totals, ids = {}, {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    for status, count in pairs(counts) do
      totals[status] = (totals[status] or 0) + count
    end
    for _, id in ipairs(thread:get("created")) do
      table.insert(ids, id)
    end
  end
  local parts = {}
  for status, count in pairs(totals) do
    table.insert(parts, string.format('"%s": %d', status, count))
  end
  local errors = summary.errors
  io.write(string.format(
    'LOAD_RESULT {"statuses": {%s}, "created": [%s], "requests": %d, "duration_us": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_ms": {"p50": %.1f, "p90": %.1f, "p99": %.1f, "max": %.1f, "mean": %.1f}}\n',
    table.concat(parts, ", "), table.concat(ids, ", "), summary.requests, summary.duration,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, latency.mean / 1000))
end
