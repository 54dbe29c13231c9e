-- wrk: POST /v1/orders, a fresh Idempotency-Key per request, orders spread round-robin over
-- the customers <prefix>0 .. <prefix>N-1 (they must exist: loadtest/saturation.sh creates them).
--
--   wrk -t2 -c64 -d60s --latency --timeout 10s -s loadtest/wrk/orders.lua http://127.0.0.1:18080 -- customers=500
--
-- Parameters (`name=value` after `--`, else the environment variable, else the default):
--   customers  WRK_CUSTOMERS        500            N
--   prefix     WRK_CUSTOMER_PREFIX  bench-c-       customer ids are <prefix>0 .. <prefix>N-1
--   key        O2C_API_KEY          o2c-dev-key    sent as X-API-Key
--   (WRK_RUN: the run id in every Idempotency-Key; default: time and a random number)
-- The body is the README's order: EUR, one line WIDGET x 1 at 19.99, tax code STANDARD (23.79
-- with 19 % tax). done() prints the 2xx and non-2xx counts, the HTTP statuses, the orders'
-- status field (VERIFIED / ON_HOLD) and a WRK_RESULT line.

bench_dir = bench_dir or (debug.getinfo(1, "S").source:match("^@(.*[/\\])") or "./")
dofile(bench_dir .. "common.lua")
bench_name = bench_name or "orders"

function setup(thread)
  bench_setup(thread)
end

function init(args)
  bench_thread_init()
  customers = tonumber(bench_param(args, "customers", "WRK_CUSTOMERS", bench_default_customers or "500"))
  prefix = bench_param(args, "prefix", "WRK_CUSTOMER_PREFIX", bench_default_prefix or "bench-c-")
  headers = {
    ["X-API-Key"] = bench_param(args, "key", "O2C_API_KEY", "o2c-dev-key"),
    ["Content-Type"] = "application/json",
  }
end

function request()
  local customer = prefix .. bench_customer_index(customers)
  headers["Idempotency-Key"] = bench_key("wrk-o")
  local body = '{"customerId":"' .. customer .. '","currency":"EUR","lines":[{"sku":"WIDGET",'
    .. '"quantity":1,"unitPrice":"19.99","taxCode":"STANDARD"}],"channel":"web"}'
  return wrk.format("POST", "/v1/orders", headers, body)
end

function response(status, headers, body)
  bench_count(status, headers, body)
end

function done(summary, latency, requests)
  bench_done(bench_name, summary, latency)
end
