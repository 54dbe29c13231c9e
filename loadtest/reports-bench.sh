#!/usr/bin/env bash
# The reports benchmark: AR aging over many open invoices, and the report lag under load.
#
#   loadtest/reports-bench.sh
#
# 1. starts Cassandra and the server (benchmark configuration, test clock on) on ports of its own
#    (+10000) with a fresh data directory under loadtest/target/;
# 2. seeds REPORTS_CUSTOMERS customers (payment terms 10..89 days) with one order each per business
#    day for REPORTS_DAYS days (batches of 1,000; the test clock moves a day after each round): by
#    default 100,000 orders of 1,000 customers, each customer's invoices spread over 100 issue and
#    due dates (dunning's credit hold keeps some orders from being invoiced: REPORTS_DAYS=125 gives
#    about 100,000 open invoices), and waits until the aging's total is the sum of the customers'
#    own openReceivables;
# 3. GET /v1/reports/ar-aging 500 times (after 50 warm-up), and 100 times as of the middle day,
#    each on a new connection, then on one kept-alive connection; then wrk on one for 60 s;
# 4. measures the order intake ceiling with the report projections running (loadtest/saturation.sh:
#    Cassandra's writes per order once everything settled, then 64 connections for 60 s) unless
#    REPORTS_RATE is given;
# 5. holds order intake at 70 % of it (or REPORTS_RATE) for REPORTS_HOLD seconds, sampling
#    GET /v1/reports/lag every 2 s, with the CPU of the client, the server and Cassandra.
# Needs JDK 17, Maven (the jar is built first), python3 and wrk. Takes about 35 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
# REPORTS_RESUME=<dir> START_DAY=<n> FIRST_DAY=<date>: go on seeding in an earlier run's data from day n.
OUT=${REPORTS_RESUME:-$ROOT/loadtest/target/reports-bench-$STAMP}
OFFSET=10000
BASE=http://127.0.0.1:$((8080 + OFFSET))
CUSTOMERS=${REPORTS_CUSTOMERS:-1000}
DAYS=${REPORTS_DAYS:-100}
RATE=${REPORTS_RATE:-}
HOLD=${REPORTS_HOLD:-180}
mkdir -p "$OUT"
log() { echo "[$(date +%H:%M:%S)] $*" | tee -a "$OUT/bench.log" >&2; }

[ -f target/o2c-server.jar ] || mvn -B -q -DskipTests package
log "starting Cassandra and the server, output in $OUT/server.log"
O2C_HTTP_PORT=$((8080 + OFFSET)) O2C_MANAGEMENT_PORT=$((8558 + OFFSET)) O2C_REMOTE_PORT=$((25520 + OFFSET)) \
O2C_CASSANDRA_CQL_PORT=$((9042 + OFFSET)) O2C_CASSANDRA_STORAGE_PORT=$((7000 + OFFSET)) O2C_CASSANDRA_JMX_PORT=$((7199 + OFFSET)) \
O2C_CASSANDRA_DATA_DIR=$OUT/cassandra O2C_TEST_CLOCK=true \
setsid java -Xms2g -Xmx2g -Dconfig.file=config/benchmark.conf -Do2c.profile=development -jar target/o2c-server.jar \
  > "$OUT/server.log" 2>&1 &
SERVER=$!
stop_server() {
  if kill -0 "$SERVER" 2>/dev/null; then
    kill -TERM "$SERVER" 2>/dev/null || true
    for _ in $(seq 1 90); do kill -0 "$SERVER" 2>/dev/null || break; sleep 1; done
    kill -KILL -- -"$SERVER" 2>/dev/null || true
  fi
}
trap stop_server EXIT
for i in $(seq 1 180); do
  curl -sf -o /dev/null "$BASE/health/ready" && break
  kill -0 "$SERVER" 2>/dev/null || { log "the server did not start: see $OUT/server.log"; exit 1; }
  [ "$i" = 180 ] && { log "the server was not ready within 180 s"; exit 1; }
  sleep 1
done
CASSANDRA=$(pgrep -f "CassandraMain" | head -1 || true)
log "ready: server $SERVER, Cassandra ${CASSANDRA:-?}"

log "seeding $CUSTOMERS customers x $DAYS days"
python3 loadtest/reports_bench.py seed "$BASE" "$CUSTOMERS" "$DAYS" "${START_DAY:-0}" "${FIRST_DAY:-}" | tee -a "$OUT/bench.log"
log "waiting for the reports to show every invoice (the sum of the customers' openReceivables)"
python3 loadtest/reports_bench.py settle "$BASE" "$CUSTOMERS" | tee -a "$OUT/bench.log"
TODAY=$(curl -sf -H 'X-API-Key: o2c-dev-key' "$BASE/v1/admin/clock" | python3 -c "import json,sys; print(json.load(sys.stdin)['today'])")
MIDDLE=$(python3 -c "import datetime; print(datetime.date.fromisoformat('$TODAY') - datetime.timedelta(days=$DAYS // 2))")
python3 loadtest/reports_bench.py aging "$BASE" 500 | tee -a "$OUT/bench.log"
python3 loadtest/reports_bench.py aging "$BASE" 100 "$MIDDLE" | tee -a "$OUT/bench.log"

log "AR aging from wrk: one connection for 60 s"
wrk -t1 -c1 -d60s --latency -H "X-API-Key: o2c-dev-key" "$BASE/v1/reports/ar-aging" 2>&1 | tee -a "$OUT/bench.log"

if [ -z "${REPORTS_RATE:-}" ]; then
  log "the intake ceiling with the report projections: loadtest/saturation.sh (settled writes per order, then orders)"
  SAT_PHASES="settled orders" BASE=$BASE O2C_CASSANDRA_JMX_PORT=$((7199 + OFFSET)) SERVER_PID=$SERVER \
    CASSANDRA_PID=${CASSANDRA:-} bash loadtest/saturation.sh 2>&1 | tee -a "$OUT/bench.log"
  SAT=$(ls -dt loadtest/target/saturation-* | head -1)
  CEILING=$(grep -hoE "(^| )ok_per_s=[^ ]+" "$SAT/orders.txt" | tail -1 | cut -d= -f2)
  RATE=$(python3 -c "print('%.0f' % (0.7 * float('$CEILING')))")
  log "ceiling $CEILING orders/s: holding 70 %"
fi
log "holding $RATE orders/s for $HOLD s"
python3 loadtest/cpu_run.py "$OUT/hold-cpu.json" server="$SERVER" cassandra="${CASSANDRA:-0}" -- \
  python3 loadtest/reports_bench.py hold "$BASE" "$RATE" "$HOLD" "$CUSTOMERS" 2>&1 | tee -a "$OUT/bench.log"
log "done: $OUT/bench.log"
