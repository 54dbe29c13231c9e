#!/usr/bin/env python3
"""The reports benchmark (loadtest/reports-bench.sh): seeds a tenant with open invoices spread
over many due dates, measures GET /v1/reports/ar-aging, and holds order intake at a constant rate
while sampling GET /v1/reports/lag. Standard library only; every loop is bounded in count and time.

  reports_bench.py seed  BASE customers days      one order per customer and business day (batches of
                                                  1,000, the test clock moved a day after each round)
  reports_bench.py settle BASE customers         waits until the aging's total is the customers' openReceivables
  reports_bench.py aging BASE requests [asOf]     sequential GETs after 50 warm-up ones: p50/p90/p99/max ms, each
                                                  on a new connection, then all on one kept-alive connection
  reports_bench.py hold  BASE rate seconds customers   orders at a constant rate; lag samples every 2 s
"""
import json
import statistics
import sys
import threading
import time
import urllib.request

KEY = "o2c-dev-key"


def call(base, method, path, body=None, content_type="application/json", key=None, timeout=60):
    data = None if body is None else body.encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("X-API-Key", KEY)
    if body is not None:
        req.add_header("Content-Type", content_type)
    if key:
        req.add_header("Idempotency-Key", key)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def parallel(jobs, workers):
    """Runs the jobs (callables) on `workers` threads; the first exception is raised."""
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(workers) as pool:
        for f in [pool.submit(j) for j in jobs]:
            f.result()


def in_flight(result):
    """A batch line answered 409 because an earlier attempt with its key is still in progress."""
    return result.get("status") == 409 and "idempotency-key-in-flight" in result.get("problem", {}).get("type", "")


def seed(base, customers, days, workers=8, start_day=0, first_day=None):
    t0 = time.time()

    def customer(c):
        body = json.dumps({"customerId": "rb-%d" % c, "name": "Customer %d" % c, "currency": "EUR",
                           "creditLimit": "100000000", "paymentTermsDays": 10 + c % 80})
        status, out = call(base, "POST", "/v1/customers", body)
        if status not in (201, 200, 409):
            raise SystemExit("customer %d: %d %s" % (c, status, out[:200]))

    if not start_day:  # resuming: the customers are there
        parallel([lambda c=c: customer(c) for c in range(customers)], workers)
    today = json.loads(call(base, "GET", "/v1/admin/clock")[1])["today"]
    print("customers: %d in %.0f s; business day %s" % (customers, time.time() - t0, today), flush=True)
    placed = [0]
    retried = [0]
    lock = threading.Lock()
    if start_day:
        start = time.strftime("%Y-%m-%d", time.gmtime(time.mktime(time.strptime(first_day, "%Y-%m-%d")) + 86400 * start_day + 43200))
        status, out = call(base, "POST", "/v1/admin/clock", json.dumps({"date": start}))
        print("resuming at day %d: %s (%d)" % (start_day, start, status), flush=True)

    def batch(d, start, size):
        lines = [json.dumps({"customerId": "rb-%d" % c, "currency": "EUR", "channel": ["web", "store", "phone"][c % 3],
                             "idempotencyKey": "rb-%d-%d" % (d, c),
                             "lines": [{"sku": "SKU-%d" % (c % 7), "quantity": 1, "unitPrice": "10.00", "taxCode": "STANDARD"}]})
                 for c in range(start, min(customers, start + size))]
        # Orders that time out (503), or whose first attempt is still in progress (409 in-flight),
        # are sent again with their keys, as a channel would: up to 5 rounds.
        for attempt in range(5):
            status, out = call(base, "POST", "/v1/orders/batch", "\n".join(lines), "application/x-ndjson", timeout=600)
            if status != 200:
                raise SystemExit("batch: %d %s" % (status, out[:300]))
            results = [json.loads(x) for x in out.decode().splitlines() if x.strip()]
            ok = [r for r in results if r.get("status") in (200, 201)]
            with lock:
                placed[0] += len(ok)
            failed = [r for r in results if r.get("status") not in (200, 201)]
            if not failed:
                return
            if any(r.get("status") != 503 and not in_flight(r) for r in failed):
                raise SystemExit("batch: %s" % failed[:2])
            retried[0] += len(failed)
            lines = [lines[r["index"]] for r in failed]
            time.sleep(2)
        raise SystemExit("batch: orders still failing after 5 rounds")

    for d in range(start_day, days):
        # Batches side by side (each places 8 orders at once): the customers of a day in `workers` parts.
        size = max(1, -(-customers // workers))
        parallel([lambda s=s: batch(d, s, size) for s in range(0, customers, size)], workers)
        day = json.loads(call(base, "GET", "/v1/admin/clock")[1])["today"]
        nxt = time.strftime("%Y-%m-%d", time.gmtime(time.mktime(time.strptime(day, "%Y-%m-%d")) + 86400 + 43200))
        status, out = call(base, "POST", "/v1/admin/clock", json.dumps({"date": nxt}))
        if status != 200:
            sys.exit("clock: %d %s" % (status, out[:200]))
        if d % 10 == 9:
            print("  day %d: %d orders placed, %.0f orders/s" % (d + 1, placed[0], placed[0] / (time.time() - t0)), flush=True)
    print("seeded: %d orders (invoices) of %d customers over business days %d..%d in %.0f s (%d sent again after a 503)" % (
        placed[0], customers, start_day, days - 1, time.time() - t0, retried[0]))


def settle(base, customers, wait_seconds=600):
    """Waits until the AR aging's total equals the sum of every customer's own openReceivables
    (GET /v1/customers/{id}, the account: dunning's credit hold keeps some orders from being
    invoiced, so the total is not known in advance); then checks each customer's line."""
    from decimal import Decimal
    t0 = time.time()
    own = {}
    for c in range(customers):
        status, out = call(base, "GET", "/v1/customers/rb-%d" % c)
        if status != 200:
            sys.exit("customer rb-%d: %d %s" % (c, status, out[:200]))
        own["rb-%d" % c] = Decimal(json.loads(out)["openReceivables"])
    expected = sum(own.values(), Decimal("0.00"))
    while True:
        status, out = call(base, "GET", "/v1/reports/ar-aging")
        report = json.loads(out) if status == 200 else {"currencies": []}
        total = Decimal(report["currencies"][0]["total"]["total"]) if report["currencies"] else Decimal(0)
        if total == expected:
            break
        if time.time() - t0 > wait_seconds:
            sys.exit("settle: the aging's total %s did not reach the customers' %s within %d s" % (total, expected, wait_seconds))
        time.sleep(1)
    lines = {line["customerId"]: Decimal(line["total"]) for line in report["currencies"][0]["customers"]}
    wrong = [c for c, v in own.items() if v != lines.get(c, Decimal(0))]
    print("settled after %.0f s: aging total %s EUR = the sum of %d customers' openReceivables; %d lines differ from their "
          "customer's%s" % (time.time() - t0, total, customers, len(wrong), (": " + ", ".join(wrong[:5])) if wrong else ""), flush=True)
    if wrong:
        sys.exit(1)


def percentile(sorted_values, p):
    import math
    return sorted_values[max(0, math.ceil(p * len(sorted_values)) - 1)]


def aging(base, requests, as_of=None):
    path = "/v1/reports/ar-aging" + ("?asOf=" + as_of if as_of else "")
    for _ in range(50):
        call(base, "GET", path)
    times = []
    body = None
    for _ in range(requests):
        t = time.perf_counter()
        status, body = call(base, "GET", path)
        times.append((time.perf_counter() - t) * 1000)
        if status != 200:
            sys.exit("aging: %d %s" % (status, body[:200]))
    report = json.loads(body)
    eur = report["currencies"][0]
    times.sort()
    print("ar-aging%s: %d requests, a new connection each: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms; %d customers, "
          "total %s, buckets %s" % (" asOf " + as_of if as_of else "", requests, percentile(times, .5), percentile(times, .9),
                                    percentile(times, .99), times[-1], len(eur["customers"]), eur["total"]["total"],
                                    eur["total"]["buckets"]), flush=True)
    # The same over one kept-alive connection, as a browser or a reporting tool sends them.
    import http.client
    host, port = base.split("//")[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    times = []
    for i in range(50 + requests):
        t = time.perf_counter()
        conn.request("GET", path, headers={"X-API-Key": KEY})
        r = conn.getresponse()
        r.read()
        if r.status != 200:
            sys.exit("aging: %d" % r.status)
        if i >= 50:
            times.append((time.perf_counter() - t) * 1000)
    conn.close()
    times.sort()
    print("ar-aging%s: %d requests, one kept-alive connection: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms" % (
        " asOf " + as_of if as_of else "", requests, percentile(times, .5), percentile(times, .9), percentile(times, .99), times[-1]),
        flush=True)
    if not as_of:
        # The reports that read the orders of their period (30 days by default) rather than one row per customer.
        for other in ("/v1/reports/sales", "/v1/reports/cycle-time", "/v1/reports/automation", "/v1/reports/customer-value",
                      "/v1/reports/cash-flow", "/v1/reports/dso", "/v1/orders?status=ON_HOLD", "/v1/invoices?overdue=true"):
            timed(base, other, 10)


def timed(base, path, requests):
    """p50 and max of `requests` sequential GETs of `path` (after 2 warm-up ones)."""
    for _ in range(2):
        call(base, "GET", path, timeout=120)
    times = []
    for _ in range(requests):
        t = time.perf_counter()
        status, body = call(base, "GET", path, timeout=120)
        times.append((time.perf_counter() - t) * 1000)
        if status != 200:
            print("%s: %d %s" % (path, status, body[:200]))
            return
    times.sort()
    print("%s: %d requests, p50 %.0f ms, max %.0f ms" % (path, requests, percentile(times, .5), times[-1]))


def hold(base, rate, seconds, customers):
    stop = time.time() + seconds
    sent = [0]
    errors = [0]
    latencies = []
    lock = threading.Lock()
    run = str(int(time.time()))

    def worker(index, workers):
        n = index
        interval = workers / rate
        next_at = time.time() + index / rate
        while True:
            now = time.time()
            if now >= stop:
                return
            if next_at > now:
                time.sleep(next_at - now)
            next_at += interval
            body = json.dumps({"customerId": "rb-%d" % (n % customers), "currency": "EUR", "channel": "web",
                               "lines": [{"sku": "HOLD", "quantity": 1, "unitPrice": "5.00", "taxCode": "STANDARD"}]})
            t = time.perf_counter()
            status, _ = call(base, "POST", "/v1/orders", body, key="hold-%s-%d" % (run, n), timeout=10)
            with lock:
                latencies.append((time.perf_counter() - t) * 1000)
                sent[0] += 1
                if status not in (200, 201):
                    errors[0] += 1
            n += workers

    # Enough senders that the rate holds while answers take a few hundred ms (16 held 82 of 108/s).
    workers = max(16, int(rate * 0.5))
    threads = [threading.Thread(target=worker, args=(i, workers), daemon=True) for i in range(workers)]
    for t in threads:
        t.start()
    samples = []
    started = time.time()
    while time.time() < stop:
        time.sleep(2)
        status, out = call(base, "GET", "/v1/reports/lag")
        if status == 200:
            lags = json.loads(out)["projections"]
            samples.append((time.time() - started, {p["projection"] + "/" + p["instance"]: (p["lagMillis"], p["p99Millis"]) for p in lags}))
    for t in threads:
        t.join(timeout=15)
    latencies.sort()
    elapsed = time.time() - started
    print("hold: %d orders in %.0f s (%.1f/s asked %.0f/s), %d errors, p50 %.0f ms, p99 %.0f ms" % (
        sent[0], elapsed, sent[0] / elapsed, rate, errors[0], percentile(latencies, .5), percentile(latencies, .99)))
    # The report lag: each instance's p99 over its last minute, sampled every 2 s after the first minute.
    late = [s for s in samples if s[0] >= 60]
    for name in sorted({k for _, d in samples for k in d}):
        p99s = [d[name][1] for _, d in late if name in d]
        lasts = [d[name][0] for _, d in late if name in d]
        if p99s:
            print("  lag %-28s p99 (1 min) max %5d ms, median %5d ms; last-group lag median %5d ms" % (
                name, max(p99s), statistics.median(p99s), statistics.median(lasts)))


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "seed":
        seed(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), 8, int(sys.argv[5]) if len(sys.argv) > 5 else 0,
             sys.argv[6] if len(sys.argv) > 6 else None)
    elif mode == "aging":
        aging(sys.argv[2], int(sys.argv[3]), sys.argv[4] if len(sys.argv) > 4 else None)
    elif mode == "settle":
        settle(sys.argv[2], int(sys.argv[3]))
    elif mode == "hold":
        hold(sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    else:
        sys.exit(__doc__)
