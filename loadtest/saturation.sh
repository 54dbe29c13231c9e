#!/usr/bin/env bash
# Saturation with a light client (wrk): durable orders/s at 64 connections (closed model), one hot
# customer, payments; the CPU of wrk, the server and Cassandra; Cassandra's own write counts per
# order and per payment. See loadtest/README.md, "Light client (wrk)".
#
#   loadtest/saturation.sh                  against a server already running at $BASE
#
# Needs wrk (apt-get install wrk), curl, python3, a JDK (nodetool, see writes.sh) and the server
# with its embedded Cassandra node on this machine (CPU and writes are read locally). Steps:
#  1. creates the customers (credit limit 100,000,000,000.00 EUR): bench-c-0..N-1, bench-hot-0,
#     and SETTLE_CUSTOMERS fresh ones for step 2;
#  2. "settled" write counts: on a quiet server, orders from 1 connection for SAT_SETTLED_SECONDS,
#     then waits until Cassandra's write counters stop moving (projections done): every write an
#     order causes, per order; the same for payments of 23.79 (one such order's invoice) naming
#     those customers, so that each settles one invoice;
#  3. warm-up: orders for SAT_WARMUP_SECONDS, not judged;
#  4. three measured runs of SAT_SECONDS each: orders over N customers, orders to one hot customer,
#     payments over the N customers. Each reports 2xx/s, p50/p99 (wrk --latency), non-2xx and
#     socket errors, CPU % of one core of wrk / server / Cassandra (utime+stime of /proc/<pid>/stat
#     over the run) and Cassandra's writes during the run per acknowledged request, with the
#     write rate of the 10 s before the run (what earlier runs' projections still write);
#  5. prints a summary block for docs/performance.md (also in $OUT/summary.md).
# Before each run it waits until other processes use less than SAT_OTHERS_MAX % of a core (a
# build on a shared machine); the summary shows what they used during each run anyway.
#
# Settings (environment):
#   BASE (http://127.0.0.1:18080)  API_KEY (o2c-dev-key)
#   SAT_CONNECTIONS (64)  SAT_THREADS (2)  SAT_SECONDS (60)  SAT_WARMUP_SECONDS (60)
#   SAT_CUSTOMERS (500)             N, the customers of the spread runs
#   SAT_PHASES ("settled orders hot payments")  which steps to run (warm-up: with orders or hot)
#   SAT_SETTLED_SECONDS (10)  SETTLE_CUSTOMERS (100)  SAT_SETTLE_MAX_SECONDS (120)
#   SAT_MAX_SECONDS (90)            no single wrk run may be longer
#   SAT_OTHERS_MAX (25)  SAT_IDLE_WAIT_MAX_SECONDS (600)  before each run, wait until other
#                                   processes use less than this % of a core (a shared machine)
#   O2C_CASSANDRA_JMX_PORT (17199)  the embedded node's JMX port (finds its process and metrics)
#   SERVER_PID, CASSANDRA_PID       found from BASE's port and the JMX port unless given
#   SAT_COMMIT                      the commit to print (default: this checkout's)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BASE=${BASE:-http://127.0.0.1:18080}
BASE=${BASE%/}
API_KEY=${API_KEY:-o2c-dev-key}
CONNECTIONS=${SAT_CONNECTIONS:-64}
THREADS=${SAT_THREADS:-2}
RUN_SECONDS=${SAT_SECONDS:-60}
WARMUP_SECONDS=${SAT_WARMUP_SECONDS:-60}
CUSTOMERS=${SAT_CUSTOMERS:-500}
PHASES=" ${SAT_PHASES:-settled orders hot payments} "
SETTLED_SECONDS=${SAT_SETTLED_SECONDS:-10}
SETTLE_CUSTOMERS=${SETTLE_CUSTOMERS:-100}
SETTLE_MAX=${SAT_SETTLE_MAX_SECONDS:-120}
MAX_SECONDS=${SAT_MAX_SECONDS:-90}
OTHERS_MAX=${SAT_OTHERS_MAX:-25}
IDLE_WAIT_MAX=${SAT_IDLE_WAIT_MAX_SECONDS:-600}
AMOUNT=23.79   # one orders.lua order: 19.99 + 19 % tax
export O2C_CASSANDRA_JMX_PORT=${O2C_CASSANDRA_JMX_PORT:-17199}
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=$ROOT/loadtest/target/saturation-$STAMP
RUN_ID=$(date -u +%s | tail -c 7)
WRITES="$ROOT/loadtest/writes.sh"
mkdir -p "$OUT"

log() { echo "[$(date +%H:%M:%S)] $*" | tee -a "$OUT/saturation.log" >&2; }
die() { log "$*"; exit 1; }

for s in "$RUN_SECONDS" "$WARMUP_SECONDS" "$SETTLED_SECONDS"; do
  [ "$s" -le "$MAX_SECONDS" ] || die "a run of $s s is longer than SAT_MAX_SECONDS=$MAX_SECONDS"
done
command -v wrk > /dev/null || die "wrk is not installed (apt-get install wrk)"
curl -sf -o /dev/null "$BASE/health/ready" || die "the server at $BASE is not ready (GET /health/ready)"

# The processes: the Cassandra node with this JMX port, and the server listening on BASE's port.
if [ -z "${CASSANDRA_PID:-}" ]; then
  for pid in $(pgrep -f 'cassandra\.storagedir=' || true); do
    if tr '\0' '\n' < "/proc/$pid/cmdline" 2>/dev/null | grep -qx -- "-Dcassandra.jmx.local.port=$O2C_CASSANDRA_JMX_PORT"; then
      CASSANDRA_PID=$pid; break
    fi
  done
fi
PORT=${BASE##*:}; PORT=${PORT%%/*}
if [ -z "${SERVER_PID:-}" ]; then
  SERVER_PID=$(ss -Htlnp "sport = :$PORT" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true)
fi
if [ -z "${SERVER_PID:-}" ] && [ -n "${CASSANDRA_PID:-}" ]; then
  SERVER_PID=$(ps -o ppid= -p "$CASSANDRA_PID" | tr -d ' ')
fi
[ -n "${CASSANDRA_PID:-}" ] || die "no Cassandra process (command line with cassandra.storagedir and -Dcassandra.jmx.local.port=$O2C_CASSANDRA_JMX_PORT); set O2C_CASSANDRA_JMX_PORT or CASSANDRA_PID"
[ -n "${SERVER_PID:-}" ] || die "no process listens on port $PORT; set SERVER_PID"
COMMIT=${SAT_COMMIT:-$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src pom.xml config || echo "+changes")}
WRK_VERSION=$(wrk -v 2>&1 | head -1 | awk '{print $2}' || true)
JAVA_VERSION=$("$(readlink -f "/proc/$SERVER_PID/exe")" -version 2>&1 | head -1 | sed -E 's/.*version "([^"]+)".*/\1/' || true)
MACHINE="$(nproc) cores $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB"
log "server $BASE (pid $SERVER_PID), Cassandra pid $CASSANDRA_PID (JMX $O2C_CASSANDRA_JMX_PORT); commit $COMMIT; output in $OUT"
{
  echo "commit=$COMMIT"; echo "machine=$MACHINE"; echo "wrk=$WRK_VERSION"; echo "java=$JAVA_VERSION"
  echo "connections=$CONNECTIONS"; echo "threads=$THREADS"; echo "seconds=$RUN_SECONDS"
  echo "warmup=$WARMUP_SECONDS"; echo "customers=$CUSTOMERS"; echo "date=$(date -u +%Y-%m-%d)"
} > "$OUT/meta.env"

# create_customers <prefix> <count>: 201, or 409 for one that exists.
create_customers() {
  local prefix=$1 count=$2
  seq 0 $((count - 1)) | xargs -P 8 -I{} curl -s -o /dev/null -w '%{http_code}\n' -X POST "$BASE/v1/customers" \
    -H "X-API-Key: $API_KEY" -H 'Content-Type: application/json' \
    -d "{\"customerId\":\"$prefix{}\",\"name\":\"Benchmark customer $prefix{}\",\"email\":\"ap@bench.example\",\"currency\":\"EUR\",\"creditLimit\":\"100000000000.00\",\"paymentTermsDays\":30}" \
    > "$OUT/customers-$prefix.codes"
  local bad
  bad=$(grep -cvE '^(201|409)$' "$OUT/customers-$prefix.codes" || true)
  [ "$bad" -eq 0 ] || die "creating customers $prefix*: $bad answers other than 201/409 ($(sort "$OUT/customers-$prefix.codes" | uniq -c | xargs))"
}
log "creating customers: bench-c-0..$((CUSTOMERS - 1)), bench-hot-0, bench-w$RUN_ID-0..$((SETTLE_CUSTOMERS - 1))"
create_customers bench-c- "$CUSTOMERS"
create_customers bench-hot- 1
create_customers "bench-w$RUN_ID-" "$SETTLE_CUSTOMERS"

# field <file> <key>: a value of the WRK_RESULT / WRITES_RESULT / CPU_RESULT line in <file>.
field() { grep -hoE "(^| )$2=[^ ]+" "$1" 2>/dev/null | tail -1 | cut -d= -f2- || true; }

# wrk_run <label> <seconds> <connections> <threads> <script> [script args]: wrk with CPU accounting.
wrk_run() {
  local label=$1 seconds=$2 conns=$3 threads=$4 script=$5; shift 5
  python3 "$ROOT/loadtest/cpu_run.py" "$OUT/$label.cpu.json" server="$SERVER_PID" cassandra="$CASSANDRA_PID" -- \
    wrk -t"$threads" -c"$conns" -d"${seconds}s" --latency --timeout 10s -s "$ROOT/loadtest/wrk/$script" "$BASE" -- \
    key="$API_KEY" "$@" > "$OUT/$label.txt" 2> "$OUT/$label.cpu.txt" || log "  wrk ended with an error: see $OUT/$label.txt"
  cat "$OUT/$label.cpu.txt" >> "$OUT/$label.txt"
}

# wait_idle: on a shared machine, waits (at most SAT_IDLE_WAIT_MAX_SECONDS) until processes other
# than wrk, the server and Cassandra use less than SAT_OTHERS_MAX % of a core over 10 s.
wait_idle() {
  local start=$SECONDS others
  while :; do
    python3 "$ROOT/loadtest/cpu_run.py" "$OUT/idle.cpu.json" server="$SERVER_PID" cassandra="$CASSANDRA_PID" -- sleep 10 2> "$OUT/idle.cpu.txt"
    others=$(field "$OUT/idle.cpu.txt" others)
    awk -v o="${others:-0}" -v m="$OTHERS_MAX" 'BEGIN { exit !(o < m) }' && return 0
    if [ $((SECONDS - start)) -ge "$IDLE_WAIT_MAX" ]; then
      log "  other processes still use $others % of a core: measuring anyway (see the others column)"
      return 0
    fi
    log "  other processes use $others % of a core (over SAT_OTHERS_MAX=$OTHERS_MAX): waiting"
    sleep 10
  done
}

# wait_quiet <label> <max s>: snapshots every 10 s until the application keyspace took fewer than 5
# writes in one interval. Leaves the last snapshot in $OUT/<label>.quiet; answers 1 if never quiet.
wait_quiet() {
  local label=$1 max=$2 start=$SECONDS i=0
  "$WRITES" snapshot "$OUT/$label.q0"
  while :; do
    sleep 8
    i=$((i + 1))
    "$WRITES" snapshot "$OUT/$label.q$i"
    local app
    app=$(field <("$WRITES" diff "$OUT/$label.q$((i - 1))" "$OUT/$label.q$i") app)
    if [ "${app:-0}" -lt 5 ]; then
      cp "$OUT/$label.q$i" "$OUT/$label.quiet"
      return 0
    fi
    if [ $((SECONDS - start)) -ge "$max" ]; then
      cp "$OUT/$label.q$i" "$OUT/$label.quiet"
      log "  still $app writes in the last interval after $((SECONDS - start)) s"
      return 1
    fi
  done
}

# settled <label> <script> <unit> [script args]: 1 connection for SETTLED_SECONDS on a quiet node,
# then every write until the counters stop: writes per acknowledged request, all of them.
settled() {
  local label=$1 script=$2 unit=$3; shift 3
  log "settled writes per $unit: waiting for a quiet node (at most $SETTLE_MAX s)"
  local quiet=yes
  wait_idle
  wait_quiet "${label}_before" "$SETTLE_MAX" || quiet=no
  wrk_run "$label" "$SETTLED_SECONDS" 1 1 "$script" "$@"
  local ok
  ok=$(field "$OUT/$label.txt" ok)
  log "  $ok ${unit}s acknowledged in $SETTLED_SECONDS s; waiting for their writes to stop (at most $SETTLE_MAX s)"
  local settled_in=yes
  wait_quiet "${label}_after" "$SETTLE_MAX" || settled_in=no
  "$WRITES" diff "$OUT/${label}_before.quiet" "$OUT/${label}_after.quiet" "${ok:-0}" "$unit" > "$OUT/$label.writes.txt"
  { echo "quiet_before=$quiet"; echo "settled=$settled_in"; } > "$OUT/$label.settle.env"
  grep -v '^WRITES_' "$OUT/$label.writes.txt" | tee -a "$OUT/saturation.log" >&2
}

# measured <label> <script> <unit> [script args]: SAT_SECONDS at SAT_CONNECTIONS; writes during it.
measured() {
  local label=$1 script=$2 unit=$3; shift 3
  wait_idle
  "$WRITES" snapshot "$OUT/$label.bg0"
  sleep 10
  "$WRITES" snapshot "$OUT/$label.w0"
  "$WRITES" diff "$OUT/$label.bg0" "$OUT/$label.w0" > "$OUT/$label.background.txt"
  wrk_run "$label" "$RUN_SECONDS" "$CONNECTIONS" "$THREADS" "$script" "$@"
  "$WRITES" snapshot "$OUT/$label.w1"
  local ok
  ok=$(field "$OUT/$label.txt" ok)
  "$WRITES" diff "$OUT/$label.w0" "$OUT/$label.w1" "${ok:-0}" "$unit" > "$OUT/$label.writes.txt"
  log "  $label: $(field "$OUT/$label.txt" ok_per_s) ${unit}s/s, p50 $(field "$OUT/$label.txt" p50_ms) ms, p99 $(field "$OUT/$label.txt" p99_ms) ms, non-2xx $(field "$OUT/$label.txt" non2xx), socket errors $(field "$OUT/$label.txt" socket_errors); CPU wrk $(field "$OUT/$label.txt" client) / server $(field "$OUT/$label.txt" server) / Cassandra $(field "$OUT/$label.txt" cassandra) / others $(field "$OUT/$label.txt" others) %; $(field "$OUT/$label.writes.txt" app_per_unit) writes per $unit during the run (before it: $(awk -v a="$(field "$OUT/$label.background.txt" app)" -v s="$(field "$OUT/$label.background.txt" seconds)" 'BEGIN { printf "%.0f", (s > 0 ? a / s : 0) }') writes/s)"
}

if [[ $PHASES == *" settled "* ]]; then
  settled settled_orders orders.lua order customers="$SETTLE_CUSTOMERS" prefix="bench-w$RUN_ID-"
  settled settled_payments payments.lua payment customers="$SETTLE_CUSTOMERS" prefix="bench-w$RUN_ID-" amount="$AMOUNT"
fi
if [[ $PHASES == *" orders "* || $PHASES == *" hot "* ]] && [ "$WARMUP_SECONDS" -gt 0 ]; then
  log "warming up: orders at $CONNECTIONS connections for $WARMUP_SECONDS s (not judged)"
  wait_idle
  wrk_run warmup "$WARMUP_SECONDS" "$CONNECTIONS" "$THREADS" orders.lua customers="$CUSTOMERS"
  log "  warm-up: $(field "$OUT/warmup.txt" ok_per_s) orders/s, p99 $(field "$OUT/warmup.txt" p99_ms) ms"
fi
if [[ $PHASES == *" orders "* ]]; then
  log "orders over $CUSTOMERS customers: $CONNECTIONS connections, $RUN_SECONDS s"
  measured orders orders.lua order customers="$CUSTOMERS"
fi
if [[ $PHASES == *" hot "* ]]; then
  log "orders to one hot customer (bench-hot-0): $CONNECTIONS connections, $RUN_SECONDS s"
  measured hot orders-hot.lua order
fi
if [[ $PHASES == *" payments "* ]]; then
  log "payments of $AMOUNT naming one of $CUSTOMERS customers: $CONNECTIONS connections, $RUN_SECONDS s"
  measured payments payments.lua payment customers="$CUSTOMERS" amount="$AMOUNT"
fi

# The summary block (markdown) for docs/performance.md.
python3 - "$OUT" > "$OUT/summary.md" <<'PY'
import os, re, sys
out = sys.argv[1]

def kv(path):
    d = {}
    if not os.path.isfile(path):
        return d
    for line in open(path):
        line = line.strip()
        if line.startswith(("WRK_RESULT", "WRITES_RESULT", "CPU_RESULT")):
            for part in line.split()[1:]:
                k, _, v = part.partition("=")
                d[k] = v
        elif "=" in line and " " not in line.split("=", 1)[0]:
            k, _, v = line.partition("=")
            d.setdefault(k, v)
    return d

def tables(path, top=None):
    rows = []
    if os.path.isfile(path):
        for line in open(path):
            if line.startswith("WRITES_TABLE "):
                _, name, n, per = line.split()
                if float(per) > 0:
                    rows.append((name, float(per)))
    rows.sort(key=lambda r: -r[1])
    rows = rows[:top] if top else rows
    return ", ".join(f"{n.split('.', 1)[1] if n.startswith('o2c.') else n} {p:.2f}" for n, p in rows)

def num(v, fmt="{:,.0f}"):
    try:
        return fmt.format(float(v))
    except (TypeError, ValueError):
        return "-"

def outcomes(d):
    o = {k[len("outcome_"):]: v for k, v in d.items() if k.startswith("outcome_")}
    return ", ".join(f"{k} {int(v):,}" for k, v in sorted(o.items()))

m = kv(os.path.join(out, "meta.env"))
print(f"#### Light client (wrk) — {m.get('date')}, {m.get('commit')}, {m.get('machine')}, OpenJDK {m.get('java')}")
print()
print(f"`loadtest/saturation.sh`: wrk {m.get('wrk')}, {m.get('threads')} threads, {m.get('connections')} connections "
      f"(closed model), {m.get('seconds')} s per run after {m.get('warmup')} s of order warm-up; orders of one WIDGET line "
      f"(23.79 with tax) over {m.get('customers')} customers, or all to one; payments of 23.79 naming one of those "
      f"customers. CPU in % of one core over the run (200 % = the whole machine; other processes: the rest of "
      f"the machine's busy time). Writes: Cassandra's own per-table "
      f"write counts (`loadtest/writes.sh`) over the run, divided by the 2xx answers; the runs before still write "
      f"(projections catching up), so the write rate of the 10 s before each run is given beside it.")
print()
print("| Run | 2xx/s | p50 / p99 (ms) | non-2xx, socket errors | CPU wrk / server / Cassandra (other processes) | Writes during the run per 2xx (CQL write requests) | Writes/s in the 10 s before |")
print("|---|---|---|---|---|---|---|")
names = {"orders": f"orders, {m.get('customers')} customers", "hot": "orders, one hot customer", "payments": "payments, customer named"}
for label in ("orders", "hot", "payments"):
    w = kv(os.path.join(out, f"{label}.txt"))
    if not w:
        continue
    wr = kv(os.path.join(out, f"{label}.writes.txt"))
    bg = kv(os.path.join(out, f"{label}.background.txt"))
    bg_rate = float(bg.get("app", 0)) / float(bg.get("seconds", 1) or 1)
    oc = outcomes(w)
    print(f"| {names[label]} | {num(w.get('ok_per_s'), '{:,.1f}')} | {num(w.get('p50_ms'), '{:.1f}')} / {num(w.get('p99_ms'), '{:.1f}')} "
          f"| {w.get('non2xx')}, {w.get('socket_errors')} | {w.get('client')} / {w.get('server')} / {w.get('cassandra')} % ({w.get('others')} %) "
          f"| {num(wr.get('app_per_unit'), '{:.2f}')} ({num(wr.get('cql_per_unit'), '{:.2f}')}): {tables(os.path.join(out, f'{label}.writes.txt'), 6)} "
          f"| {bg_rate:,.0f} |")
    if oc:
        print(f"|  ↳ status of the 2xx answers | {oc} | | | | | |")
print()
for label, unit in (("settled_orders", "order"), ("settled_payments", "payment")):
    w = kv(os.path.join(out, f"{label}.txt"))
    if not w:
        continue
    wr = kv(os.path.join(out, f"{label}.writes.txt"))
    st = kv(os.path.join(out, f"{label}.settle.env"))
    caveat = ""
    if st.get("quiet_before") != "yes":
        caveat += " (the node was not quiet before: earlier writes included)"
    if st.get("settled") != "yes":
        caveat += " (the writes had not stopped when counted)"
    print(f"**Writes per {unit}, all of them** ({int(w.get('ok', 0)):,} {unit}s from 1 connection in {float(w.get('seconds', 0)):.0f} s, "
          f"{outcomes(w) or 'no status'}, then until the counters stopped, {float(wr.get('seconds', 0)):.0f} s in all){caveat}: "
          f"**{num(wr.get('app_per_unit'), '{:.2f}')}** table writes per {unit} ({num(wr.get('cql_per_unit'), '{:.2f}')} CQL write requests): "
          f"{tables(os.path.join(out, f'{label}.writes.txt'))}. p50 at 1 connection {num(w.get('p50_ms'), '{:.1f}')} ms.")
    print()
PY
echo >&2
cat "$OUT/summary.md"
log "summary in $OUT/summary.md"
