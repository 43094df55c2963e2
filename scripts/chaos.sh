#!/usr/bin/env bash
# Faults under load, the invariant checker after each (see docs/reliability.md).
#
#   scripts/chaos.sh embedded [chaos options]    # e.g. --iterations 4 --faults kill,pause --seed 42 --rate 10
#   scripts/chaos.sh distributed [chaos options] # e.g. --iterations 8 --seed 7 --rate 8
#
# Runs `java -jar orderflow.jar chaos`, which creates its own PostgreSQL cluster (initdb into a temporary
# directory, a free port, trust authentication; never the shared server), starts orderflow on free ports and
# per iteration runs open-loop load, injects one fault, heals it, drains and checks. Embedded: every module in
# one JVM, PostgreSQL queue transport. Distributed: one JVM per module (payment twice) on the RabbitMQ transport,
# on a RabbitMQ node of the command's own (rabbitmq-server in a temporary directory, free ports; the shared node
# is never touched), or with --transport redis on the Redis Streams transport and a redis-server of its own
# (temporary directory /tmp/orderflow-chaos-redis-*, free port, appendonly yes, appendfsync always). Results: target/chaos/<stamp>/{report.md,results.json,logs/}.
# Exit status: 0 when every iteration drained with no violation, 1 otherwise, 2 on bad usage.
#
# The chaos command stops what it started by PID in a shutdown hook; this script's trap is the second line:
# it ends the command (TERM, then KILL after 60 s) and then, from the PIDs file the command keeps, any
# application process, RabbitMQ node, Redis server and PostgreSQL cluster it left behind.
# Faults beyond the default set (embedded): --faults partition,clock-skew (or all), combinations such as kill+duplicate;
# (distributed): --faults reorder,partition-module,clock-skew-module (or all), combinations such as kill-module+duplicate.
# clock-skew(-module) needs libfaketime (apt-get install -y faketime libfaketime); without it such a plan stops at once.
# Environment (optional): JAVA_OPTS of the chaos command's JVM (default -Xmx384m).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-}
case $mode in
    embedded | distributed) ;;
    *)
        echo "usage: scripts/chaos.sh embedded|distributed [chaos options]   (java -jar target/orderflow.jar chaos --help)" >&2
        exit 2
        ;;
esac
shift

stamp=$(date +%Y%m%d-%H%M%S)
out=target/chaos/$stamp
mkdir -p "$out"

# artifact: built if missing or older than the sources, then copied so a rebuild cannot swap it mid-run
if [[ ! -f target/orderflow.jar || -n "$(find src pom.xml -newer target/orderflow.jar -print -quit)" ]]; then
    echo "Building target/orderflow.jar ..."
    ./mvnw -q package -DskipTests
fi
cp target/orderflow.jar "$out/orderflow.jar"

chaos_pid=""
cleanup() {
    if [[ -n $chaos_pid ]] && kill -0 "$chaos_pid" 2>/dev/null; then
        kill -TERM "$chaos_pid" 2>/dev/null || true
        for _ in $(seq 1 120); do
            kill -0 "$chaos_pid" 2>/dev/null || break
            sleep 0.5
        done
        kill -KILL "$chaos_pid" 2>/dev/null || true
    fi
    # left behind only if the command itself was killed: its PIDs file says what runs
    if [[ -f $out/pids ]]; then
        local kind pid data
        while read -r kind pid data; do
            if [[ $kind == app && $pid -gt 0 ]] && kill -0 "$pid" 2>/dev/null; then
                kill -CONT "$pid" 2>/dev/null || true
                kill -KILL "$pid" 2>/dev/null || true
            elif [[ $kind == postgres && -n $data && -f $data/postmaster.pid ]]; then
                runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$data" -m immediate stop >/dev/null 2>&1 \
                    || /usr/lib/postgresql/15/bin/pg_ctl -D "$data" -m immediate stop >/dev/null 2>&1 || true
            elif [[ $kind == cluster && $pid == /tmp/orderflow-chaos-pg-* ]]; then
                rm -rf "$pid"
            elif [[ $kind == rabbit && $data == /tmp/orderflow-chaos-rabbit-* ]]; then
                # the harness's own node: its Erlang VM, then its directory (database, logs, cookie)
                if [[ $pid -gt 0 ]] && kill -0 "$pid" 2>/dev/null; then
                    kill -KILL "$pid" 2>/dev/null || true
                fi
                rm -rf "$data"
            elif [[ $kind == redis && $data == /tmp/orderflow-chaos-redis-* ]]; then
                # the harness's own redis-server (--transport redis), then its directory (append-only file)
                if [[ $pid -gt 0 ]] && kill -0 "$pid" 2>/dev/null; then
                    kill -KILL "$pid" 2>/dev/null || true
                fi
                rm -rf "$data"
            fi
        done <"$out/pids"
        rm -f "$out/pids"
    fi
    rm -f "$out/orderflow.jar"
}
trap cleanup EXIT INT TERM

set +e
# shellcheck disable=SC2086
java ${JAVA_OPTS:--Xmx384m} -jar "$out/orderflow.jar" chaos "$mode" --jar "$out/orderflow.jar" --out "$out" "$@" \
    > >(tee "$out/chaos.log") 2>&1 &
chaos_pid=$!
wait "$chaos_pid"
status=$?
set -e
echo "Results: $out (exit $status)"
exit "$status"
