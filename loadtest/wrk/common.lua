-- Shared code of the wrk scripts in this folder (loaded by each of them with dofile).
--
-- Parameters: `key=value` arguments after `--` on the wrk command line, else environment
-- variables, else defaults (see each script and loadtest/README.md, "Light client (wrk)").
--
-- State is global on purpose: wrk runs the script once in the main Lua state (setup, done) and
-- once per thread (init, request, response). thread:set(name, v) writes a *global* of that
-- thread's state; a `local` of the same name at the top of the script would shadow it.

bench_threads = bench_threads or {}
bench_thread_count = bench_thread_count or 0

-- The value of a parameter: `name=value` among wrk's script arguments, else $ENV, else default.
function bench_param(args, name, env, default)
  for _, a in ipairs(args or {}) do
    local k, v = string.match(a, "^([%w_%-]+)=(.*)$")
    if k == name then return v end
  end
  local e = env and os.getenv(env)
  if e and e ~= "" then return e end
  return default
end

-- Main state: one id per thread and the run id every thread puts in its Idempotency-Keys.
function bench_setup(thread)
  if not bench_run then
    -- Unique per wrk process: seconds, microseconds of a clock and a random number.
    math.randomseed(os.time() + math.floor((os.clock() * 1e6) % 1e6))
    bench_run = os.getenv("WRK_RUN")
    if not bench_run or bench_run == "" then
      bench_run = string.format("%x%04x", os.time(), math.random(0, 0xffff))
    end
  end
  thread:set("tid", bench_thread_count)
  thread:set("run", bench_run)
  bench_thread_count = bench_thread_count + 1
  table.insert(bench_threads, thread)
end

-- Thread state: counters read back by done() with thread:get.
function bench_thread_init()
  counter = 0      -- requests built by this thread
  ok = 0           -- 2xx responses
  non2xx = 0       -- any other status
  statuses = {}    -- HTTP status -> count
  outcomes = {}    -- the "status" field of a 2xx answer's JSON -> count (VERIFIED, APPLIED, ...)
  replayed = 0     -- 2xx answers with Idempotent-Replayed (should stay 0: every key is new)
  firstfail = nil  -- status and body of the first non-2xx answer
end

function bench_count(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status >= 200 and status < 300 then
    ok = ok + 1
    if headers["Idempotent-Replayed"] or headers["idempotent-replayed"] then replayed = replayed + 1 end
    local s = body and string.match(body, '"status"%s*:%s*"([%w_]+)"')
    if s then outcomes[s] = (outcomes[s] or 0) + 1 end
  else
    non2xx = non2xx + 1
    if not firstfail then
      firstfail = tostring(status) .. " " .. string.sub(body or "", 1, 300)
    end
  end
end

-- A fresh Idempotency-Key: run id, thread id, counter (never repeats within or across runs).
function bench_key(prefix)
  counter = counter + 1
  return string.format("%s-%s-%d-%d", prefix, run, tid, counter)
end

-- The index of the customer for this thread's next request: round-robin from an offset per
-- thread (thread 0 starts at 0, so one thread and one connection visit 0, 1, 2, ... in order).
function bench_customer_index(n)
  return (tid * 7919 + counter) % n
end

local function sorted_pairs(t)
  local keys = {}
  for k in pairs(t) do table.insert(keys, k) end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  local i = 0
  return function()
    i = i + 1
    if keys[i] ~= nil then return keys[i], t[keys[i]] end
  end
end

-- Main state, after the run: the counters of all threads, and one machine-readable line
-- (WRK_RESULT ...) that loadtest/saturation.sh parses.
function bench_done(name, summary, latency)
  local total_ok, total_non2xx, total_replayed, st, out, fails = 0, 0, 0, {}, {}, {}
  for _, t in ipairs(bench_threads) do
    total_ok = total_ok + (t:get("ok") or 0)
    total_non2xx = total_non2xx + (t:get("non2xx") or 0)
    total_replayed = total_replayed + (t:get("replayed") or 0)
    for k, v in pairs(t:get("statuses") or {}) do st[k] = (st[k] or 0) + v end
    for k, v in pairs(t:get("outcomes") or {}) do out[k] = (out[k] or 0) + v end
    local f = t:get("firstfail")
    if f then table.insert(fails, f) end
  end
  local secs = summary.duration / 1e6
  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  io.write(string.format("%s: %d answers in %.1f s, %d 2xx (%.1f/s), %d non-2xx, %d socket errors (connect %d, read %d, write %d, timeout %d)\n",
    name, summary.requests, secs, total_ok, total_ok / secs, total_non2xx, socket_errors,
    e.connect, e.read, e.write, e.timeout))
  local parts = {}
  for k, v in sorted_pairs(st) do table.insert(parts, k .. ": " .. v) end
  io.write("  HTTP status: " .. table.concat(parts, ", ") .. "\n")
  parts = {}
  for k, v in sorted_pairs(out) do table.insert(parts, k .. ": " .. v) end
  if #parts > 0 then io.write("  status field of 2xx answers: " .. table.concat(parts, ", ") .. "\n") end
  if total_replayed > 0 then io.write("  replays (Idempotent-Replayed: true): " .. total_replayed .. "\n") end
  for _, f in ipairs(fails) do io.write("  first non-2xx of a thread: " .. f .. "\n") end
  parts = {}
  for k, v in sorted_pairs(out) do table.insert(parts, "outcome_" .. k .. "=" .. v) end
  io.write(string.format("WRK_RESULT name=%s seconds=%.3f answers=%d ok=%d non2xx=%d replayed=%d socket_errors=%d ok_per_s=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f mean_ms=%.2f %s\n",
    name, secs, summary.requests, total_ok, total_non2xx, total_replayed, socket_errors, total_ok / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000, latency.mean / 1000, table.concat(parts, " ")))
end
