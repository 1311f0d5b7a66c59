-- wrk script: walk a list of request paths instead of hammering one URL.
--
--   wrk -t T -c C -d SECONDS -s bench/walk.lua http://127.0.0.1:PORT -- PATHS_FILE T once|cycle
--
-- Thread k of T takes the paths k, k+T, k+2T... of PATHS_FILE (one path a line), so that no two
-- threads ask for the same path and a server's per-resource cache cannot answer for the other.
-- With `once` a thread stops after as many responses as it has paths (each asked once, but for
-- the few its connections have in flight when it stops); with `cycle` it goes round its paths
-- until wrk's -d duration ends. `done` prints one
-- line, SCALE-RESULT followed by JSON, for bench/scale.py to read.
--
-- wrk's own duration is always the -d it was given, even when every thread stopped early, so the
-- threads keep their own clock: walk_us spans the first request to the last counted response.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } walk_timespec;
int clock_gettime(int clock, walk_timespec *now);
]]
local CLOCK_MONOTONIC = 1

local function now_us()
  local now = ffi.new("walk_timespec")
  ffi.C.clock_gettime(CLOCK_MONOTONIC, now)
  return tonumber(now.tv_sec) * 1000000 + tonumber(now.tv_nsec) / 1000
end

local threads = {}

function setup(thread)
  thread:set("thread_index", #threads)
  threads[#threads + 1] = thread
end

-- Globals, not locals: done() reads them from each thread with thread:get().
started_us = nil
finished_us = nil

local requests = {}
local sent = 0
local received = 0
local once = false

function init(args)
  -- args[0] is the URL; the arguments after "--" start at args[1].
  local threads = tonumber(args[2])
  once = args[3] == "once"
  local all = {}
  for line in io.lines(args[1]) do
    if line ~= "" then all[#all + 1] = line end
  end
  for i, path in ipairs(all) do
    if (i - 1) % threads == thread_index then requests[#requests + 1] = wrk.format("GET", path) end
  end
  if #requests == 0 then
    -- Fewer paths than threads: this thread repeats the first one rather than sending nothing.
    requests[1] = wrk.format("GET", all[1])
  end
end

function request()
  if sent == 0 then started_us = now_us() end
  sent = sent + 1
  return requests[((sent - 1) % #requests) + 1]
end

function response(status, headers, body)
  received = received + 1
  if once and received >= #requests then
    finished_us = now_us()
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local first, last = nil, nil
  for _, thread in ipairs(threads) do
    local started = thread:get("started_us")
    local finished = thread:get("finished_us") or now_us() -- stopped by -d, not by its walk's end
    if started and (first == nil or started < first) then first = started end
    if last == nil or finished > last then last = finished end
  end
  local errors = summary.errors
  io.write(string.format(
    'SCALE-RESULT {"requests": %d, "duration_us": %d, "walk_us": %d, "p50_us": %d, "p99_us": %d, '
      .. '"max_us": %d, "status_errors": %d, "socket_errors": %d, "timeouts": %d}\n',
    summary.requests, summary.duration, (first and last) and (last - first) or summary.duration,
    latency:percentile(50), latency:percentile(99), latency.max,
    errors.status, errors.connect + errors.read + errors.write, errors.timeout))
end
