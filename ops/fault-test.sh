#!/usr/bin/env bash
# The fault test (docs/operations.md): a server of this build under load, a fault, and a check
# that every acknowledged order is readable and no retry made a second one.
#
#   ops/fault-test.sh all                      # the three scenarios, one after another
#   ops/fault-test.sh cassandra-kill --clients=16 --before=20 --after=30
#   ops/fault-test.sh cassandra-stop --down=30
#
# Scenarios: server-kill (kill -9 of the server, then a new start), cassandra-kill (kill -9 of the
# embedded Cassandra node), cassandra-stop (an external node stopped for --down seconds). Everything
# binds to 127.0.0.1 on free ports; data goes to target/fault-test/<scenario>. Exit code 0: passed.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -f target/o2c-server.jar || ! -f target/cassandra.classpath ]]; then
  mvn -B -q -DskipTests package
fi
exec java ops/FaultTest.java "$@"
