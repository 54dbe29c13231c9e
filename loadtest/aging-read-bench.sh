#!/usr/bin/env bash
# The AR aging read path at size: a fresh server (benchmark configuration, ports +10000), 1,000
# customers x 100 open invoices written straight into report_open (loadtest/aging/AgingRows.java,
# synthetic: no journal behind them), then GET /v1/reports/ar-aging 500 times after 50 warm-up
# requests (loadtest/reports_bench.py aging). The whole write path is measured by reports-bench.sh;
# this measures only the read. Needs the packaged server (mvn -B -DskipTests package) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=loadtest/target/aging-read-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"
BASE=http://127.0.0.1:18080
O2C_HTTP_PORT=18080 O2C_MANAGEMENT_PORT=18558 O2C_REMOTE_PORT=35520 O2C_CASSANDRA_CQL_PORT=19042 O2C_CASSANDRA_STORAGE_PORT=17000 \
O2C_CASSANDRA_JMX_PORT=17199 O2C_CASSANDRA_DATA_DIR=$PWD/$OUT/cassandra \
setsid java -Xms2g -Xmx2g ${BENCH_JAVA_OPTS:-} -Dconfig.file=config/benchmark.conf -Do2c.profile=development -jar target/o2c-server.jar > "$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null || true; sleep 15; pkill -KILL -f "$PWD/$OUT/cassandra" 2>/dev/null || true' EXIT
for i in $(seq 1 180); do curl -sf -o /dev/null "$BASE/health/ready" && break; sleep 1; done
java -Dlogback.configurationFile=config/logback.xml -cp "$(ls target/lib/*.jar | tr '\n' ':')" loadtest/aging/AgingRows.java 127.0.0.1:19042 o2c "${AGING_CUSTOMERS:-1000}" "${AGING_DATES:-100}"
python3 loadtest/reports_bench.py aging "$BASE" 500 2>&1 | sed -n 1p || true  # only the aging line (the rest of its output is cut)
python3 - "$BASE" <<'PY'
import sys, time, urllib.request
base = sys.argv[1]
def get(path):
    r = urllib.request.Request(base + path); r.add_header("X-API-Key", "o2c-dev-key")
    t = time.perf_counter(); urllib.request.urlopen(r, timeout=60).read(); return (time.perf_counter() - t) * 1000
for path in ("/v1/reports/ar-aging?basis=issue", "/v1/reports/ar-aging?customerId=c-7"):
    for _ in range(20): get(path)
    ts = sorted(get(path) for _ in range(200))
    print("%s: 200 requests, p50 %.1f ms, p99 %.1f ms" % (path, ts[99], ts[197]))
PY
