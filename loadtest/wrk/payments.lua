-- wrk: POST /v1/payments naming the customer, a fresh Idempotency-Key per request (no
-- bankReference, so the key identifies the payment).
--
--   wrk -t2 -c64 -d60s --latency --timeout 10s -s loadtest/wrk/payments.lua http://127.0.0.1:18080 -- customers=500 amount=23.79
--
-- Parameters (`name=value` after `--`, else the environment variable, else the default):
--   customer   WRK_CUSTOMER         (none)         one named customer for every payment, or...
--   customers  WRK_CUSTOMERS        500            ...round-robin over <prefix>0 .. <prefix>N-1
--   prefix     WRK_CUSTOMER_PREFIX  bench-c-
--   amount     WRK_AMOUNT           23.79          EUR; 23.79 is the total of one orders.lua order,
--                                                  so a payment settles one open invoice exactly
--                                                  (rule EXACT_AMOUNT) when there is one
--   key        O2C_API_KEY          o2c-dev-key
-- done() prints the payments' status field (APPLIED / UNAPPLIED / ...) beside the counts.

bench_dir = bench_dir or (debug.getinfo(1, "S").source:match("^@(.*[/\\])") or "./")
dofile(bench_dir .. "common.lua")

function setup(thread)
  bench_setup(thread)
end

function init(args)
  bench_thread_init()
  customer = bench_param(args, "customer", "WRK_CUSTOMER", nil)
  customers = tonumber(bench_param(args, "customers", "WRK_CUSTOMERS", "500"))
  prefix = bench_param(args, "prefix", "WRK_CUSTOMER_PREFIX", "bench-c-")
  amount = bench_param(args, "amount", "WRK_AMOUNT", "23.79")
  headers = {
    ["X-API-Key"] = bench_param(args, "key", "O2C_API_KEY", "o2c-dev-key"),
    ["Content-Type"] = "application/json",
  }
end

function request()
  local c = customer or (prefix .. bench_customer_index(customers))
  headers["Idempotency-Key"] = bench_key("wrk-p")
  local body = '{"customerId":"' .. c .. '","amount":"' .. amount .. '","currency":"EUR"}'
  return wrk.format("POST", "/v1/payments", headers, body)
end

function response(status, headers, body)
  bench_count(status, headers, body)
end

function done(summary, latency, requests)
  bench_done("payments", summary, latency)
end
