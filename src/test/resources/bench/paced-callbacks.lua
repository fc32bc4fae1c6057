-- unique-callbacks.lua with a pause before each request on a connection: a steady rate
-- below the server's limit, as OpenIM's own rate is, to measure latency without queueing.
-- Usage: wrk -s paced-callbacks.lua URL -- RUN_ID PAUSE_MS (run from this directory)
dofile("unique-callbacks.lua")

local unpaced_init = init

function init(args)
  unpaced_init(args)
  pause = tonumber(args[2])
end

function delay()
  return pause
end
