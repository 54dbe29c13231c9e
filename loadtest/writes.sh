#!/usr/bin/env bash
# Cassandra writes per table, from Cassandra's own metrics (see loadtest/README.md, "Light client").
#
#   loadtest/writes.sh 30                           writes during the next 30 s
#   loadtest/writes.sh snapshot FILE                the counters now, into FILE
#   loadtest/writes.sh diff BEFORE AFTER [N [UNIT]] the writes between two snapshots; with N, also
#                                                   per UNIT (e.g. 12345 order: writes per order)
#
# Reads the embedded node over JMX with nodetool from the node's own classpath (the file the
# server's build writes, target/cassandra.classpath), two counters of Cassandra's own metrics:
#   - per table, the Count of org.apache.cassandra.metrics:type=Table,keyspace=K,scope=T,
#     name=WriteLatency: mutations applied to that table (a batch counts once for every table and
#     partition it writes). It is the "Local write count" of `nodetool tablestats`; it is read
#     with `nodetool sjk mx` (1.5 s) unless WRITES_VIA=tablestats (same figures, about 5 s);
#   - "CQL write requests": the Count of org.apache.cassandra.metrics:type=ClientRequest,
#     scope=Write,name=Latency: write requests the node coordinated (a batch counts once).
# Every keyspace is read; the application's (O2C_CASSANDRA_KEYSPACE, default o2c) is totalled
# apart from Cassandra's own (system, system_schema, ...), which is listed when it changed.
#
# Settings (environment):
#   O2C_CASSANDRA_JMX_PORT        (17199, the benchmark's; a development server uses 7199)
#   O2C_CASSANDRA_CLASSPATH_FILE  (target/cassandra.classpath of this repository; without it, the
#                                 classpath of the running node that has this JMX port)
#   O2C_CASSANDRA_KEYSPACE        (o2c)
#   JAVA                          (java)
#   WRITES_VIA                    (sjk; or tablestats)
# A snapshot takes about 2 s (two short JVMs side by side); take it outside what you measure.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JMX_PORT=${O2C_CASSANDRA_JMX_PORT:-17199}
CP_FILE=${O2C_CASSANDRA_CLASSPATH_FILE:-$ROOT/target/cassandra.classpath}

# Without the file (a server built elsewhere): the classpath of the running node whose JMX port
# this is, from its command line (without the server's jar, which only carries its launcher).
node_classpath() {
  local pid
  for pid in $(pgrep -f 'cassandra\.storagedir=' || true); do
    tr '\0' '\n' < "/proc/$pid/cmdline" 2>/dev/null | grep -qx -- "-Dcassandra.jmx.local.port=$JMX_PORT" || continue
    tr '\0' '\n' < "/proc/$pid/cmdline" | grep -A1 -x -- '-cp' | tail -1 | tr ':' '\n' | grep -v 'o2c-server' | paste -sd:
    return 0
  done
  return 1
}
KEYSPACE=${O2C_CASSANDRA_KEYSPACE:-o2c}
JAVA=${JAVA:-java}

usage() { sed -n '2,9p' "$0" >&2; exit 2; }

# nodetool from cassandra-all on Java 17 needs the exports and opens of Cassandra's
# jvm17-clients.options (without them: "Cassandra is unable to access required classes").
NODETOOL_OPTS=(
  --add-exports java.base/jdk.internal.misc=ALL-UNNAMED
  --add-exports java.base/jdk.internal.ref=ALL-UNNAMED
  --add-exports java.base/sun.nio.ch=ALL-UNNAMED
  --add-exports java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED
  --add-exports java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports java.rmi/sun.rmi.server=ALL-UNNAMED
  --add-exports java.sql/java.sql=ALL-UNNAMED
  --add-opens java.base/java.lang.module=ALL-UNNAMED
  --add-opens java.base/jdk.internal.loader=ALL-UNNAMED
  --add-opens java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens java.base/jdk.internal.reflect=ALL-UNNAMED
  --add-opens java.base/jdk.internal.math=ALL-UNNAMED
  --add-opens java.base/jdk.internal.module=ALL-UNNAMED
  --add-opens java.base/jdk.internal.util.jar=ALL-UNNAMED
  --add-opens java.base/jdk.internal.misc=ALL-UNNAMED
  --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens java.base/java.io=ALL-UNNAMED
  --add-opens java.base/java.nio=ALL-UNNAMED
  --add-opens java.base/java.util=ALL-UNNAMED
  --add-opens java.base/java.lang=ALL-UNNAMED
  -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1
)

nodetool() {
  local cp
  if [ -f "$CP_FILE" ]; then
    cp=$(cat "$CP_FILE")
  elif ! cp=$(node_classpath); then
    echo "writes.sh: no classpath file $CP_FILE and no running node with JMX port $JMX_PORT (build the server: mvn -B -DskipTests package, or set O2C_CASSANDRA_CLASSPATH_FILE)" >&2
    return 1
  fi
  local home
  home=$(mktemp -d)   # nodetool writes its history to ~/.cassandra: keep it out of the real home
  local status=0
  "$JAVA" "${NODETOOL_OPTS[@]}" -Duser.home="$home" -cp "$cp" \
    org.apache.cassandra.tools.NodeTool -h 127.0.0.1 -p "$JMX_PORT" "$@" 2>"$home/stderr" | grep -v ' DEBUG ' || status=$?
  if [ "$status" -ne 0 ]; then
    grep -v ' DEBUG ' "$home/stderr" | tail -5 >&2
  fi
  rm -rf "$home"
  return "$status"
}

# snapshot FILE: "time <epoch s>", "cql_write_requests <n>", "<keyspace>.<table> <write count>"
snapshot() {
  local out=$1 tmp t0
  tmp=$(mktemp)
  t0=$(date +%s.%N)
  # Both counters are read at about the same moment: two nodetool JVMs side by side.
  nodetool sjk mx -b 'org.apache.cassandra.metrics:type=ClientRequest,scope=Write,name=Latency' -mg -f Count > "$tmp.cql" &
  local cql_job=$!
  local status=0
  if [ "${WRITES_VIA:-sjk}" = tablestats ]; then
    nodetool tablestats > "$tmp.tables" || status=$?
  else
    nodetool sjk mx -all -b 'org.apache.cassandra.metrics:type=Table,name=WriteLatency,*' -mg -f Count > "$tmp.tables" || status=$?
  fi
  wait "$cql_job" || status=$?
  if [ "$status" -ne 0 ]; then
    echo "writes.sh: nodetool failed (JMX 127.0.0.1:$JMX_PORT; is the node up, is this its JMX port?)" >&2
    rm -f "$tmp" "$tmp.cql" "$tmp.tables"
    return 1
  fi
  {
    echo "time $t0"
    echo "cql_write_requests $(grep -E '^[0-9]+$' "$tmp.cql" | tail -1)"
    awk '
      # nodetool tablestats: "Keyspace : k", then per table "Table: t" ... "Local write count: n"
      /^Keyspace ?: / { ks = $NF }
      /^\t\tTable( \(index\))?: / { t = $NF }
      /^\t\tLocal write count: / { print ks "." t, $NF }
      # sjk mx -all: the MBean name on one line, its Count on the next
      /^org\.apache\.cassandra\.metrics:type=Table,keyspace=/ {
        ks = $0; sub(/.*keyspace=/, "", ks); sub(/,.*/, "", ks)
        t = $0; sub(/.*scope=/, "", t); sub(/,.*/, "", t)
        bean = ks "." t; next
      }
      bean != "" && /^[0-9]+$/ { print bean, $0; bean = ""; next }
      /^org\.apache/ { bean = "" }
    ' "$tmp.tables" | sort
  } > "$out"
  rm -f "$tmp" "$tmp.tables" "$tmp.cql"
  [ "$(wc -l < "$out")" -gt 2 ] || { echo "writes.sh: no table counts in the nodetool output" >&2; return 1; }
}

# diff BEFORE AFTER [N [UNIT]]: per table, totals, and (with N) per UNIT; then machine-readable
# lines WRITES_TABLE <table> <writes> <per unit> and WRITES_RESULT ... for loadtest/saturation.sh.
diff_snapshots() {
  python3 - "$KEYSPACE" "$JMX_PORT" "$@" <<'PY'
import sys
keyspace, port, before, after = sys.argv[1:5]
n = float(sys.argv[5]) if len(sys.argv) > 5 and float(sys.argv[5]) > 0 else None
unit = sys.argv[6] if len(sys.argv) > 6 else "unit"

def load(path):
    d = {}
    for line in open(path):
        k, v = line.split()
        d[k] = float(v) if k == "time" else int(v)
    return d

a, b = load(before), load(after)
seconds = b["time"] - a["time"]
rows = []
for k in sorted(b):
    if k in ("time", "cql_write_requests"):
        continue
    delta = b[k] - a.get(k, 0)
    if delta:
        rows.append((k, delta))
app = [(k, d) for k, d in rows if k.split(".", 1)[0] == keyspace]
other = [(k, d) for k, d in rows if k.split(".", 1)[0] != keyspace]
app_total = sum(d for _, d in app)
other_total = sum(d for _, d in other)
cql = b.get("cql_write_requests", 0) - a.get("cql_write_requests", 0)

def per(x):
    return f"{x / n:10.2f}" if n else ""

head = f"per {unit}" if n else ""
print(f"Cassandra writes over {seconds:.1f} s (per table: Local write count; JMX 127.0.0.1:{port})"
      + (f", {int(n)} {unit}s" if n else ""))
print(f"  {'table':<40} {'writes':>10} {head:>10}")
for k, d in sorted(app, key=lambda r: -r[1]):
    print(f"  {k:<40} {d:>10} {per(d)}")
print(f"  {keyspace + ' (all tables)':<40} {app_total:>10} {per(app_total)}")
for k, d in sorted(other, key=lambda r: -r[1]):
    print(f"  {k:<40} {d:>10} {per(d)}")
if other:
    print(f"  {'Cassandra keyspaces (all tables)':<40} {other_total:>10} {per(other_total)}")
print(f"  {'CQL write requests (a batch = 1)':<40} {cql:>10} {per(cql)}")
for k, d in app + other:
    print(f"WRITES_TABLE {k} {d} {d / n if n else 0:.3f}")
print(f"WRITES_RESULT seconds={seconds:.1f} app={app_total} other={other_total} cql={cql} "
      f"app_per_unit={app_total / n if n else 0:.3f} other_per_unit={other_total / n if n else 0:.3f} "
      f"cql_per_unit={cql / n if n else 0:.3f}")
PY
}

case "${1:-}" in
  snapshot) [ $# -eq 2 ] || usage; snapshot "$2" ;;
  diff) [ $# -ge 3 ] || usage; shift; diff_snapshots "$@" ;;
  ''|-h|--help) usage ;;
  *)
    [[ "$1" =~ ^[0-9]+$ ]] || usage
    dir=$(mktemp -d)
    snapshot "$dir/before"
    sleep "$1"
    snapshot "$dir/after"
    diff_snapshots "$dir/before" "$dir/after"
    rm -rf "$dir"
    ;;
esac
