#!/usr/bin/env bash
# The load benchmark: one command, one run, on this machine (see loadtest/README.md).
#
#   loadtest/benchmark.sh
#
# 1. builds the server and the simulations; starts Cassandra and the server in the benchmark
#    configuration (config/benchmark.conf: commitlog group sync, 201 only after Cassandra
#    acknowledged, INFO logging, and the echo route POST /v1/echo), on ports of its own and a
#    fresh data directory under loadtest/target/;
# 2. finds the ceiling: the highest arrival rate at which the echo route keeps p99 under 50 ms
#    with zero errors;
# 3. finds the same for durable order intake, for the full order-to-cash cycle, and measures
#    batch intake (orders per second);
# 4. holds order intake at 70 % of its maximum for 2 minutes: p50, p95, p99, p99.9, errors;
# 5. records the CPU of the server, Cassandra and Gatling during the hold, and the server's heap
#    after it;
# 6. appends a dated row with the commit to the table of docs/performance.md.
#
# Needs JDK 17, Maven, curl and python3. Takes about 40 minutes (a warm-up run of each first). Settings (environment):
#   BENCH_STEP_SECONDS (30)  seconds of constant rate per step of a ceiling search
#   BENCH_HOLD_SECONDS (120) seconds of the 70 % hold
#   BENCH_P99_MS (50)        the p99 bound of a ceiling
#   BENCH_PORT_OFFSET (10000) added to every default port (8080, 8558, 25520, 9042, 7000, 7199)
#   BENCH_SERVER_HEAP (2g)   the server's heap
#   BENCH_NO_APPEND=1        do not touch docs/performance.md (print the row only)
#   BENCH_WRK=1              then also run loadtest/saturation.sh (wrk: saturation, hot customer,
#                            payments, writes per order and payment; about 10 minutes more) against
#                            the same server; its summary block goes to $OUT/saturation.md (printed,
#                            not appended: paste it into docs/performance.md)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=$ROOT/loadtest/target/benchmark-$STAMP
STEP=${BENCH_STEP_SECONDS:-30}
HOLD=${BENCH_HOLD_SECONDS:-120}
P99=${BENCH_P99_MS:-50}
OFFSET=${BENCH_PORT_OFFSET:-10000}
HTTP_PORT=$((8080 + OFFSET))
BASE=http://127.0.0.1:$HTTP_PORT
BENCH="python3 $ROOT/loadtest/bench.py"
mkdir -p "$OUT"

log() { echo "[$(date +%H:%M:%S)] $*" | tee -a "$OUT/benchmark.log" >&2; }

log "building the server and the simulations"
mvn -B -q -DskipTests package
mvn -B -q -f loadtest/pom.xml test-compile

log "starting Cassandra and the server (benchmark configuration), output in $OUT/server.log"
O2C_HTTP_PORT=$HTTP_PORT \
O2C_MANAGEMENT_PORT=$((8558 + OFFSET)) \
O2C_REMOTE_PORT=$((25520 + OFFSET)) \
O2C_CASSANDRA_CQL_PORT=$((9042 + OFFSET)) \
O2C_CASSANDRA_STORAGE_PORT=$((7000 + OFFSET)) \
O2C_CASSANDRA_JMX_PORT=$((7199 + OFFSET)) \
O2C_CASSANDRA_DATA_DIR=$OUT/cassandra \
setsid java -Xms${BENCH_SERVER_HEAP:-2g} -Xmx${BENCH_SERVER_HEAP:-2g} -Dconfig.file=config/benchmark.conf -Do2c.profile=development \
  -jar target/o2c-server.jar > "$OUT/server.log" 2>&1 &
SERVER=$!
stop_server() {
  if kill -0 "$SERVER" 2>/dev/null; then
    log "stopping the server"
    kill -TERM "$SERVER" 2>/dev/null || true
    for _ in $(seq 1 90); do kill -0 "$SERVER" 2>/dev/null || break; sleep 1; done
  fi
}
trap stop_server EXIT
for i in $(seq 1 180); do
  curl -sf -o /dev/null "$BASE/health/ready" && break
  kill -0 "$SERVER" 2>/dev/null || { log "the server did not start: see $OUT/server.log"; exit 1; }
  [ "$i" = 180 ] && { log "the server was not ready within 180 s"; exit 1; }
  sleep 1
done
CASSANDRA=$(pgrep -f "cassandra.storagedir=$OUT/cassandra" | head -1 || true)
log "ready: server pid $SERVER, Cassandra pid ${CASSANDRA:-?}"

# run <label> <simulation> [-Dname=value ...]: one Gatling run; its statistics in $OUT/<label>.json.
# Answers 0 when every assertion held (zero failures, p99 below the bound).
run() {
  local label=$1 simulation=$2; shift 2
  local before
  before=$(ls -d loadtest/target/gatling/*/ 2>/dev/null | wc -l)
  local status=0
  mvn -B -f loadtest/pom.xml gatling:test -Dgatling.simulationClass=dev.o2c.loadtest.$simulation \
    -DbaseUrl="$BASE" -Drun="b${STAMP//[^0-9]/}_$label" -DreadyTimeout=5 "$@" > "$OUT/$label.log" 2>&1 || status=$?
  local report
  report=$(ls -td loadtest/target/gatling/*/ 2>/dev/null | head -1)
  if [ "$(ls -d loadtest/target/gatling/*/ 2>/dev/null | wc -l)" -gt "$before" ]; then
    $BENCH stats "$report" > "$OUT/$label.json"
  else
    echo '{}' > "$OUT/$label.json"
    status=2
  fi
  return $status
}

# field <label> <request name> <field>: one figure of a run (0 when there is no such run).
field() {
  python3 -c "import json,os,sys; d=json.load(open(sys.argv[1])) if os.path.isfile(sys.argv[1]) else {}; print(d.get(sys.argv[2],{}).get(sys.argv[3]) or 0)" \
    "$OUT/$1.json" "$2" "$3"
}

# ceiling <name> <simulation> <start rate> <max rate> [-D...]: doubles the rate from <start> while
# runs pass, then halves the gap twice. Prints the highest passing rate and the label of its run.
ceiling() {
  local name=$1 simulation=$2 rate=$3 max=$4; shift 4
  local good=0 good_label="" bad=0 label
  while :; do
    label="${name}_$rate"
    if run "$label" "$simulation" -Drate="$rate" -DrampUp=5 -Dduration="$STEP" -Dp99="$P99" "$@"; then
      log "  $name at $rate/s: pass (p99 $(field "$label" "All Requests" p99) ms, $(field "$label" "All Requests" rps) req/s)"
      good=$rate; good_label=$label
      [ "$rate" -ge "$max" ] && break
      rate=$((rate * 2))
    else
      log "  $name at $rate/s: fail (p99 $(field "$label" "All Requests" p99) ms, errors $(field "$label" "All Requests" ko))"
      bad=$rate
      break
    fi
  done
  if [ "$bad" -gt 0 ]; then
    for _ in 1 2; do
      rate=$(((good + bad) / 2))
      [ "$rate" -le "$good" ] && break
      label="${name}_$rate"
      if run "$label" "$simulation" -Drate="$rate" -DrampUp=5 -Dduration="$STEP" -Dp99="$P99" "$@"; then
        log "  $name at $rate/s: pass (p99 $(field "$label" "All Requests" p99) ms, $(field "$label" "All Requests" rps) req/s)"
        good=$rate; good_label=$label
      else
        log "  $name at $rate/s: fail (p99 $(field "$label" "All Requests" p99) ms, errors $(field "$label" "All Requests" ko))"
        bad=$rate
      fi
    done
  fi
  echo "$good $good_label"
}

# A cold JVM (server and Gatling) is slow for its first minute: warm both up, unjudged.
log "warming up (echo, intake and the full cycle at moderate rates, not judged)"
# (JFR showed the C2 compiler still busy after 30 s of intake: intake warms for 90 s.)
run warmup_echo EchoSimulation -Drate=200 -DrampUp=5 -Dduration=30 -Dp99=600000 || true
run warmup_intake OrderIntakeSimulation -Drate=30 -DrampUp=5 -Dduration=90 -Dcustomers=500 -Dp99=600000 || true
run warmup_cycle FullOrderToCashSimulation -Drate=3 -DrampUp=5 -Dduration=40 -Dp99=600000 || true

log "1/5 echo ceiling"
read -r ECHO_RATE ECHO_RUN < <(ceiling echo EchoSimulation 200 8000 | tail -1)
log "2/5 durable order intake"
read -r INTAKE_RATE INTAKE_RUN < <(ceiling intake OrderIntakeSimulation 25 4000 -Dcustomers=500 | tail -1)
log "3/5 full order-to-cash cycle"
read -r CYCLE_RATE CYCLE_RUN < <(ceiling cycle FullOrderToCashSimulation 2 1000 | tail -1)
log "4/5 batch intake (batches of 1,000 orders, 2 at a time)"
run batch BatchIntakeSimulation -DbatchSize=1000 -Dbatches=20 -DbatchConcurrency=2 -Dcustomers=100 -Dp99=600000 \
  || log "  the batch run had failures: see $OUT/batch.log"

HOLD_RATE=$((INTAKE_RATE * 70 / 100))
[ "$HOLD_RATE" -lt 1 ] && HOLD_RATE=1
log "5/5 order intake held at 70 % of its maximum: $HOLD_RATE/s for $HOLD s"
rm -f "$OUT/hold.stop"
run_hold() {
  run hold OrderIntakeSimulation -Drate="$HOLD_RATE" -DrampUp=10 -Dduration="$HOLD" -Dcustomers=500 -Dp99="$P99" || true
  touch "$OUT/hold.stop"
}
run_hold &
HOLD_JOB=$!
sleep 2
GATLING=$(pgrep -f "gatling.simulationClass=dev.o2c.loadtest.OrderIntakeSimulation" | head -1 || echo 0)
$BENCH cpu "$OUT/hold.stop" "$OUT/cpu.json" "$SERVER" "${CASSANDRA:-0}" "$GATLING" || true
wait "$HOLD_JOB" || true
HEAP=$(jcmd "$SERVER" GC.heap_info 2>/dev/null | grep -oE 'used [0-9]+K' | head -1 | grep -oE '[0-9]+' || echo 0)

# The figures.
ECHO_RPS=$(field "$ECHO_RUN" "All Requests" rps)
INTAKE_RPS=$(field "$INTAKE_RUN" "All Requests" rps)
# The full cycle's requests without its polls (which wait for projections and would flatter it).
CYCLE_RPS=$(python3 -c "import json,os; f='$OUT/$CYCLE_RUN.json'; d=json.load(open(f)) if '$CYCLE_RUN' and os.path.isfile(f) else {}; print(round(sum(v['rps'] or 0 for k,v in d.items() if k!='All Requests' and not k.startswith('poll ')),1))")
CYCLE_ALL_RPS=$(field "$CYCLE_RUN" "All Requests" rps)
BATCH_ORDERS=$(python3 -c "import json; d=json.load(open('$OUT/batch.json')); print(round((d.get('place batch of 1000',{}).get('rps') or 0)*1000))")
read -r CPU_SERVER CPU_CASSANDRA CPU_GATLING < <(python3 -c "
import json; c=json.load(open('$OUT/cpu.json'))['cpu_percent_of_one_core']
print(c.get('$SERVER',0), c.get('${CASSANDRA:-0}',0), c.get('$GATLING',0))" 2>/dev/null || echo "0 0 0")
pct() { python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print(f'{100*a/b:.0f} %' if b else '-')" "$1" "$2"; }

if [ "$CYCLE_RATE" -gt 0 ]; then
  CYCLE_TEXT="$CYCLE_RATE cycles/s: $CYCLE_RPS req/s ($(pct "$CYCLE_RPS" "$ECHO_RPS"); $(pct "$CYCLE_RPS" "$INTAKE_RPS") of intake), $CYCLE_ALL_RPS with polls"
else
  CYCLE_TEXT="no rate kept p99 < $P99 ms (see $OUT/cycle_*.json)"
fi
COMMIT=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src pom.xml config || echo "+changes")
MACHINE="$(nproc) cores $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB"
ROW="| $(date -u +%Y-%m-%d) | $COMMIT | $MACHINE | $ECHO_RPS | $INTAKE_RPS ($(pct "$INTAKE_RPS" "$ECHO_RPS")) | $CYCLE_TEXT | $BATCH_ORDERS ($(pct "$BATCH_ORDERS" "$ECHO_RPS")) | $HOLD_RATE/s: $(field hold "All Requests" p50) / $(field hold "All Requests" p95) / $(field hold "All Requests" p99) / $(field hold "All Requests" p999) ms, $(field hold "All Requests" ko) errors of $(field hold "All Requests" total) | $CPU_SERVER / $CPU_CASSANDRA / $CPU_GATLING % | $((HEAP / 1024)) MiB |"
log "result: $ROW"
echo "$ROW" > "$OUT/row.md"
if [ -z "${BENCH_NO_APPEND:-}" ]; then
  echo "$ROW" >> docs/performance.md
  log "appended to docs/performance.md"
fi
if [ -n "${BENCH_WRK:-}" ]; then
  log "light client: loadtest/saturation.sh (log in $OUT/saturation.log)"
  if BASE="$BASE" O2C_CASSANDRA_JMX_PORT=$((7199 + OFFSET)) SAT_COMMIT="$COMMIT" \
      loadtest/saturation.sh > "$OUT/saturation.md" 2> "$OUT/saturation.log"; then
    cat "$OUT/saturation.md"
  else
    log "  saturation.sh failed: see $OUT/saturation.log"
  fi
fi
log "reports and logs: $OUT"
