-- wrk script of LoadBenchmark: POSTs OpenIM's callbackAfterSendSingleMsgCommand, every
-- request a message of its own (serverMsgID, clientMsgID, operationID), from 10,000
-- senders to 10,000 receivers, and prints one RESULT line that LoadBenchmark reads.
-- Usage: wrk -s unique-callbacks.lua URL -- RUN_ID

local threads = {}
local next_thread = 0

function setup(thread)
  thread:set("tid", next_thread)
  next_thread = next_thread + 1
  table.insert(threads, thread)
end

function init(args)
  run = args[1] or "run"
  counter = 0
  headers = { ["Content-Type"] = "application/json", ["operationID"] = "" }
end

function request()
  counter = counter + 1
  local id = string.format("%s-%d-%d", run, tid, counter)
  local user = (tid * 7919 + counter) % 10000
  headers["operationID"] = id
  -- now, to the second: the statistics count every message on today's date
  local now = os.time() * 1000
  local body = '{"sendID":"' .. user .. '","callbackCommand":"callbackAfterSendSingleMsgCommand",'
    .. '"serverMsgID":"s' .. id .. '","clientMsgID":"c' .. id .. '","operationID":"' .. id .. '",'
    .. '"senderPlatformID":5,"senderNickname":"user ' .. user .. '","sessionType":1,"msgFrom":100,'
    .. '"contentType":101,"status":1,"sendTime":' .. now .. ',"createTime":' .. now .. ','
    .. '"content":"{\\"content\\":\\"hello, message ' .. counter .. '\\"}","seq":0,"atUserList":null,'
    .. '"faceURL":"https://cdn.example.com/face/' .. user .. '.png","ex":"","recvID":"' .. ((user + 1) % 10000) .. '"}'
  return wrk.format("POST", nil, headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d p999_us=%d max_us=%d "
      .. "connect=%d read=%d write=%d status=%d timeout=%d\n",
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
      latency:percentile(99.9), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
