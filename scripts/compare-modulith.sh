#!/usr/bin/env bash
# orderflow side by side with a plain Spring Modulith implementation of the same flow (bench/modulith-peer: five
# modules, every step an async @ApplicationModuleListener, the JDBC event publication registry as the outbox,
# compensations), measured the same way in the same run (see docs/benchmarks.md, "orderflow against a Spring
# Modulith peer").
#
#   scripts/compare-modulith.sh [comparison options]
#
# Per round, orderflow (one JVM, all modules, messages on its PostgreSQL queue) and then the peer (one JVM) each run
# alone on a fresh database of the same PostgreSQL (127.0.0.1:5432 unless PGHOST/PGPORT say otherwise): pgbench's
# saga-step ceiling with the system idle, a warm-up, then closed-loop steps in which each client places an order,
# polls it until it is terminal and places the next. Afterwards each system's invariants are checked (orderflow's
# invariant checker; for the peer, the same rules on its tables). Writes target/bench/<stamp>-vs-modulith/
# {orderflow-rN,modulith-rN}/results.json and report.md. Stops everything it started, by PID.
#
# Comparison options go to `java -jar orderflow.jar benchmark compare` (defaults: --warmup 120s --warmup-max 600s --step 10s
# --concurrency 4,8,16,32,64 --poll-interval 10ms --pgbench-seconds 20
# --mix declined=0.05,out_of_stock=0.03,shipping_failure=0.03).
# Environment (all optional):
#   COMPARE_ROUNDS   rounds, each orderflow then the peer (default 2)
#   BENCH_HTTP_PORT  orderflow's HTTP port (default 18080; the peer uses +10)
#   PGHOST/PGPORT/PGUSER  the PostgreSQL both systems use (default 127.0.0.1/5432/postgres)
#   JAVA_OPTS        options of both systems' JVMs (default -Xmx1g)
#   JAVA             the java both systems run on (default: java on the PATH)
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${COMPARE_ROUNDS:-2}
stamp=$(date +%Y%m%d-%H%M%S)
out=target/bench/$stamp-vs-modulith
http_port=${BENCH_HTTP_PORT:-18080}
peer_port=$((http_port + 10))
pg_host=${PGHOST:-127.0.0.1}
pg_port=${PGPORT:-5432}
pg_user=${PGUSER:-postgres}
mkdir -p "$out/logs"

fail() {
    echo "compare: $*" >&2
    exit 1
}
port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
pg_isready -q -h "$pg_host" -p "$pg_port" || fail "PostgreSQL does not answer on $pg_host:$pg_port"
port_in_use "$http_port" && fail "port $http_port is taken (set BENCH_HTTP_PORT)"
port_in_use "$peer_port" && fail "port $peer_port is taken (set BENCH_HTTP_PORT)"

# --- artifacts: built if missing or older than their sources, then copied so a rebuild cannot swap one mid-run ---
if [[ ! -f target/orderflow.jar || -n "$(find src pom.xml -newer target/orderflow.jar -print -quit)" ]]; then
    echo "Building target/orderflow.jar ..."
    ./mvnw -q package -DskipTests
fi
peer_dir=bench/modulith-peer
if [[ ! -f $peer_dir/target/modulith-peer.jar
    || -n "$(find $peer_dir/src $peer_dir/pom.xml -newer $peer_dir/target/modulith-peer.jar -print -quit)" ]]; then
    echo "Building $peer_dir/target/modulith-peer.jar ..."
    ./mvnw -q -f $peer_dir/pom.xml package # its tests first: a peer that loses orders would measure nothing
fi
cp target/orderflow.jar "$out/orderflow.jar"
cp $peer_dir/target/modulith-peer.jar "$out/modulith-peer.jar"

operator_secret=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32)
# every route class gets a bucket no client can empty, as in scripts/benchmark.sh: the limiter runs, never refuses
limit_args=()
for class in sign-in register place-order reads writes; do
    limit_args+=("--orderflow.rate-limit.classes.$class.capacity=1000000000")
done

pid=""
db=""
cleanup() {
    if [[ -n $pid ]]; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 40); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.5
        done
        kill -KILL "$pid" 2>/dev/null || true
        pid=""
    fi
    if [[ -n $db ]]; then
        psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -d postgres -qtA -c "drop database if exists $db with (force)" \
            >/dev/null || true
        db=""
    fi
}
trap cleanup EXIT INT TERM

await_ready() {
    local url=$1 expected=$2 name=$3 deadline=$((SECONDS + 300))
    until [[ $(curl -s -o /dev/null -w '%{http_code}' "$url") == "$expected" ]]; do
        kill -0 "$pid" 2>/dev/null || { tail -n 30 "$out/logs/$name.log" >&2; fail "$name exited during start-up"; }
        ((SECONDS < deadline)) || fail "$name did not answer on $url within 300 s (see $out/logs/$name.log)"
        sleep 1
    done
}

status=0
for round in $(seq 1 "$rounds"); do
    for system in orderflow modulith; do
        name=$system-r$round
        db="compare_${system}_${stamp//-/_}_r$round"
        psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -d postgres -v ON_ERROR_STOP=1 -qtA -c "create database $db" >/dev/null
        db_url="jdbc:postgresql://$pg_host:$pg_port/$db"
        if [[ $system == orderflow ]]; then
            port=$http_port
            # shellcheck disable=SC2086
            "${JAVA:-java}" ${JAVA_OPTS:--Xmx1g} -jar "$out/orderflow.jar" --server.port="$port" \
                --orderflow.database.mode=external --spring.datasource.url="$db_url" \
                --spring.datasource.username="$pg_user" --spring.datasource.password="${PGPASSWORD:-}" \
                --orderflow.security.operator.client-secret="$operator_secret" --orderflow.security.data-dir="$out" \
                "${limit_args[@]}" --logging.level.io.orderflow=WARN >"$out/logs/$name.log" 2>&1 </dev/null &
            pid=$!
            await_ready "http://127.0.0.1:$port/api/health" 200 "$name"
        else
            port=$peer_port
            # shellcheck disable=SC2086
            "${JAVA:-java}" ${JAVA_OPTS:--Xmx1g} -jar "$out/modulith-peer.jar" --server.port="$port" \
                --spring.datasource.url="$db_url" --spring.datasource.username="$pg_user" \
                --spring.datasource.password="${PGPASSWORD:-}" >"$out/logs/$name.log" 2>&1 </dev/null &
            pid=$!
            await_ready "http://127.0.0.1:$port/api/orders/not-an-order" 404 "$name"
        fi
        echo "$name: PID $pid on :$port, database $db"
        java -Xmx512m -jar "$out/orderflow.jar" benchmark compare --system "$system" --url "http://127.0.0.1:$port" \
            --db-url "$db_url" --db-user "$pg_user" --app-pid "$pid" --out "$out/$name" "$@" \
            2>&1 | tee "$out/$name.log" || status=1
        cleanup
    done
done
java -jar "$out/orderflow.jar" benchmark compare-report "$out" || status=1
echo "Results: $out (exit $status)"
exit "$status"
