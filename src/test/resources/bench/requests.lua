-- wrk script of the bench (issue 18): every request is a line of the file named by REQUESTS_FILE,
-- "<path>\t<bearer secret>\t<JSON body>", sent as a POST, each line once (a fresh pass per scan);
-- wrk's threads take every n-th line (REQUESTS_THREADS = wrk's -t). A thread that runs out starts its
-- lines again (those answer as duplicates, not counted as accepted). Answers with status OK_STATUS
-- are counted; done() prints ACCEPTED, OTHER and the p99 in µs for the Java bench to read.
local counter = 0
local threads = {}

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local n = tonumber(os.getenv("REQUESTS_THREADS"))
  ok_status = tonumber(os.getenv("OK_STATUS"))
  reqs = {}
  local i = 0
  for line in io.lines(os.getenv("REQUESTS_FILE")) do
    if i % n == id then
      local path, bearer, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
      reqs[#reqs + 1] = wrk.format("POST", path, {
        ["Content-Type"] = "application/json",
        ["Authorization"] = "Bearer " .. bearer,
      }, body)
    end
    i = i + 1
  end
  next_req = 1
  accepted = 0
  other = 0
end

function request()
  local r = reqs[next_req]
  next_req = next_req + 1
  if next_req > #reqs then
    next_req = 1
  end
  return r
end

function response(status, headers, body)
  if status == ok_status then
    accepted = accepted + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local a, o = 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("accepted")
    o = o + t:get("other")
  end
  local e = summary.errors
  io.write(string.format("ACCEPTED %d\nOTHER %d\nP99US %d\nERRORS %d\n", a, o, latency:percentile(99),
    e.connect + e.read + e.write + e.timeout))
end
