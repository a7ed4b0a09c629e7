-- Walks distinct valid enterprise numbers (KBO/BCE: 8 digits, then 97 - (those mod 97)) spread
-- over the whole number space, so that every request addresses a company the sandbox has not
-- generated yet. Each thread stops after its share of BENCH_WORLD_REQUESTS and says so on
-- stderr; bench/compare.py then interrupts wrk, which reports the time taken (wrk itself would
-- wait out its -d).
--   BENCH_WORLD_PATH  the path, with {n} where the number goes
--   BENCH_THREADS     wrk's -t: thread k takes numbers k, k + BENCH_THREADS, k + 2 * BENCH_THREADS, ...

dofile(os.getenv("BENCH_WRK_DIR") .. "/report.lua")

local STRIDE = 7919     -- prime to SPACE, so FIRST + i * STRIDE differ mod SPACE for every i < SPACE
local SPACE = 20000000  -- enterprise numbers start with 0 or 1: bases below 2 * 10^7
local FIRST = 1000

local template = os.getenv("BENCH_WORLD_PATH")
local step = tonumber(os.getenv("BENCH_THREADS"))
local quota = math.ceil(tonumber(os.getenv("BENCH_WORLD_REQUESTS")) / step)
local started = 0

function setup(thread)
  thread:set("position", started)
  started = started + 1
end

function init(args)
  answered = 0
end

function request()
  local base = (FIRST + position * STRIDE) % SPACE
  position = position + step
  return wrk.format(nil, (template:gsub("{n}", string.format("%08d%02d", base, 97 - base % 97))))
end

function response(status, headers, body)
  answered = answered + 1
  if answered == quota then
    io.stderr:write("world thread done\n")
    wrk.thread:stop()
  end
end
