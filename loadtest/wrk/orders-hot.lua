-- wrk: orders.lua with one hot customer: every order goes to the same customer account.
--
--   wrk -t2 -c64 -d60s --latency --timeout 10s -s loadtest/wrk/orders-hot.lua http://127.0.0.1:18080
--
-- The customer is <prefix>0 with prefix bench-hot- by default (bench-hot-0), apart from the
-- customers of orders.lua; `customers=` and `prefix=` (or WRK_CUSTOMERS, WRK_CUSTOMER_PREFIX)
-- work as in orders.lua.

bench_dir = bench_dir or (debug.getinfo(1, "S").source:match("^@(.*[/\\])") or "./")
bench_name = "orders-hot"
bench_default_customers = "1"
bench_default_prefix = "bench-hot-"
dofile(bench_dir .. "orders.lua")
