#!/usr/bin/env bash
# Builds the O2C server and runs it in the foreground.
#
# With no Cassandra configured it starts one local Cassandra node itself (data in ./data/cassandra,
# kept across restarts); with O2C_CASSANDRA_CONTACT_POINTS=host:port,... it uses that cluster.
# Ctrl-C stops the server, then the embedded node. Arguments are passed to the server
# (--apply-schema applies config/cql to an external cluster). JAVA_OPTS is passed to the JVM.
set -euo pipefail
cd "$(dirname "$0")"
mvn -B -q -DskipTests package
exec java ${JAVA_OPTS:-} -jar target/o2c-server.jar "$@"
