-- Sends the pushes of gen_pushes.py, each once: thread i of T sends lines
-- i, i+T, i+2T… and stops when its share is answered; prints the answers by
-- status.
-- How to: wrk -t2 -c32 -d20s -s scripts/bench_pushes/pushes.lua http://127.0.0.1:18080 -- /tmp/pushes.txt 2
-- (the last argument is wrk's -t; see scripts/bench_pushes/run.sh)

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock, bench_timespec *now);
]]

-- Monotonic seconds (wrk's own duration is always -d, even when every
-- thread stopped early).
local function now()
  local t = ffi.new("bench_timespec")
  ffi.C.clock_gettime(1, t)
  return tonumber(t.tv_sec) + tonumber(t.tv_nsec) * 1e-9
end

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  local file, count = args[1], tonumber(args[2] or "1")
  local headers = { ["Content-Type"] = "text/xml" }
  requests, sent, answered, statuses = {}, 0, 0, {}
  local n = 0
  for line in io.lines(file) do
    if n % count == id then
      local tab = line:find("\t", 1, true)
      requests[#requests + 1] =
        wrk.format("POST", line:sub(1, tab - 1), headers, line:sub(tab + 1))
    end
    n = n + 1
  end
end

function request()
  if sent == 0 then first = now() end
  sent = sent + 1
  -- Past the share (only the last in-flight requests): repeat the last one
  -- (a repeat is answered as a duplicate; `answered` stops the thread first).
  return requests[math.min(sent, #requests)]
end

function response(status, headers, body)
  answered = answered + 1
  statuses[status] = (statuses[status] or 0) + 1
  last = now()
  if answered >= #requests then
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local total, by_status, started, ended = 0, {}, math.huge, 0
  for _, thread in ipairs(threads) do
    started = math.min(started, thread:get("first") or math.huge)
    ended = math.max(ended, thread:get("last") or 0)
    for status, n in pairs(thread:get("statuses")) do
      by_status[status] = (by_status[status] or 0) + n
      total = total + n
    end
  end
  local ok = 0
  local line = ""
  for status, n in pairs(by_status) do
    if status >= 200 and status < 300 then ok = ok + n end
    line = line .. string.format(" %d: %d", status, n)
  end
  local seconds = ended - started
  io.write(string.format("answers:%s\n", line))
  io.write(string.format("2xx: %d of %d (%.2f %%), %.0f answers/s over %.2f s\n",
    ok, total, total > 0 and 100 * ok / total or 0, seconds > 0 and total / seconds or 0, seconds))
end
