#!/usr/bin/env bash
# Benchmarks orderflow on this machine and checks its invariants afterwards (see docs/benchmarks.md).
#
#   scripts/benchmark.sh embedded    [benchmark options]   # one JVM, embedded PostgreSQL on a fixed port
#   scripts/benchmark.sh distributed [benchmark options]   # one JVM per module behind the gateway and discovery,
#                                                          # local PostgreSQL + RabbitMQ + Redis
#   scripts/benchmark.sh distributed --transport redis [benchmark options]
#                                          # the same, the modules' messages on Redis Streams instead of RabbitMQ
#                                          # (profiles distributed,redis; --transport rabbitmq is the default)
#
# Starts orderflow in that mode (fresh data dir / fresh database and RabbitMQ namespace or Redis key prefix,
# orderflow-bench-<timestamp>, deleted afterwards), measures the machine's ceiling (pgbench; in distributed mode
# also RabbitMQ perf-test, or redis-benchmark on Redis), warms up, searches the maximum throughput in
# closed loop, runs an open loop at half of it, drains, runs the invariant checker and writes
# target/bench/<timestamp>-<mode>/{results.json,report.md,*.png}. Stops everything it started, by PID.
#
# Benchmark options go to `java -jar orderflow.jar benchmark` (e.g. --step 8s --open-duration 120s
# --concurrency 4,8,16,32 --mix declined=0.05,out_of_stock=0.03,shipping_failure=0.03,cancel=0.05
# --customers 20). Authentication is on: by default 20 signed-in customers place the orders with their access
# tokens (--customers 0: guest orders). The rate limiter runs too, with buckets too large to refuse anything:
# one load generator on one address would otherwise only measure the limits.
# Environment (all optional):
#   BENCH_PROFILE=true       record the application(s) with JFR (jcmd JFR.start after start-up) and write
#                            profile.txt (top frames by self time, package, and orderflow methods on the stack);
#                            the load generator too (profile-load-generator.txt)
#   BENCH_HTTP_PORT          HTTP port of the app (default 18080; distributed: the gateway, modules on +1..+7,
#                            discovery on +10)
#   BENCH_PG_PORT            embedded PostgreSQL's port (default 15432)
#   PGHOST/PGPORT/PGUSER     distributed mode's PostgreSQL (default 127.0.0.1/5432/postgres)
#   SPRING_RABBITMQ_HOST/_PORT  distributed mode's RabbitMQ (default 127.0.0.1/5672, guest/guest)
#   ORDERFLOW_REDIS_URL      --transport redis: the Redis that carries the messages (default redis://127.0.0.1:6379)
#   JAVA_OPTS                options of the application JVM(s) (default -Xmx1g embedded; per module -Xmx384m, as
#                            scripts/run-distributed.sh; the warm-up waits for the JIT compilers to finish, up to
#                            --warmup-max 900s: about twelve minutes for nine JVMs on two cores, docs/benchmarks.md)
#   BENCH_PROCESSES          distributed mode's processes, space separated, each the ORDERFLOW_MODULES of one JVM
#                            (default: one per module and role, "discovery order catalog inventory payment shipping
#                            notification customer gateway"; "discovery,gateway order catalog customer notification
#                            inventory,payment,shipping" runs six). Discovery's process starts first, the gateway
#                            listens on BENCH_HTTP_PORT, the others on the ports after it. A process of several
#                            modules registers in discovery as "orderflow", which the gateway does not route to, so
#                            the modules it routes to or that are looked up (order, catalog, customer, notification)
#                            each keep a process of their own
#   BENCH_POOL_SIZE          connection pool per module process in distributed mode (default 8, times the number of
#                            modules the process runs; the local
#                            PostgreSQL has max_connections=100 and pgbench needs 16 more)
#   BENCH_START_TIMEOUT      seconds a process may take to answer its health check (default 360: nine JVMs
#                            starting at once on two slow cores took more than 180)
#   BENCH_KEEP=true          keep the embedded data dir / the distributed database afterwards
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
    echo "usage: scripts/benchmark.sh embedded|distributed [--transport rabbitmq|redis] [benchmark options]" >&2
    exit 2
}
mode=${1:-}
[[ $mode == embedded || $mode == distributed ]] || usage
shift
# --transport is this script's (the other options go to the benchmark): which broker the modules talk through
transport=rabbitmq
bench_args=()
while (($# > 0)); do
    case $1 in
        --transport)
            (($# >= 2)) || usage
            transport=$2
            shift 2
            ;;
        --transport=*)
            transport=${1#--transport=}
            shift
            ;;
        *)
            bench_args+=("$1")
            shift
            ;;
    esac
done
[[ $transport == rabbitmq || $transport == redis ]] || usage
[[ $mode == distributed || $transport == rabbitmq ]] || {
    echo "benchmark: --transport is for the distributed mode (embedded runs on its PostgreSQL queue)" >&2
    exit 2
}

stamp=$(date +%Y%m%d-%H%M%S)
out=target/bench/$stamp-$mode
[[ $transport == rabbitmq ]] || out+=-$transport
http_port=${BENCH_HTTP_PORT:-18080}
pg_port=${BENCH_PG_PORT:-15432}
pg_host=${PGHOST:-127.0.0.1}
pg_user=${PGUSER:-postgres}
rabbit_host=${SPRING_RABBITMQ_HOST:-127.0.0.1}
rabbit_port=${SPRING_RABBITMQ_PORT:-5672}
redis_url=${ORDERFLOW_REDIS_URL:-redis://127.0.0.1:6379}
profile=${BENCH_PROFILE:-false}
keep=${BENCH_KEEP:-false}
mkdir -p "$out/logs"
operator_secret=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32)
# every route class gets a bucket no benchmark can empty: the limiter's cost is measured, its refusals are not
limit_args=()
limit_env=()
for class in sign-in register place-order reads writes; do
    limit_args+=("--orderflow.rate-limit.classes.$class.capacity=1000000000")
    env_class=${class//-/}
    limit_env+=("ORDERFLOW_RATELIMIT_CLASSES_${env_class^^}_CAPACITY=1000000000")
done

fail() {
    echo "benchmark: $*" >&2
    exit 1
}
port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# --- artifact: built if missing or older than the sources, then copied so a rebuild cannot swap it mid-run ---
if [[ ! -f target/orderflow.jar || -n "$(find src pom.xml -newer target/orderflow.jar -print -quit)" ]]; then
    echo "Building target/orderflow.jar ..."
    ./mvnw -q package -DskipTests
fi
cp target/orderflow.jar "$out/orderflow.jar"
jar=$out/orderflow.jar

# --- everything started here is stopped here, by PID -----------------------------------------------------
pids=()
db=""
namespace=""
redis_prefix=""
cleanup() {
    local pid
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        for _ in $(seq 1 40); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.5
        done
        kill -KILL "$pid" 2>/dev/null || true
    done
    pids=()
    if [[ -n $db && $keep != true ]]; then
        psql -h "$pg_host" -U "$pg_user" -d postgres -qtA -c "drop database if exists $db with (force)" >/dev/null || true
    fi
    # the run's queues and exchanges (rabbitmqctl deletes no exchange)
    if [[ -n $namespace && $keep != true ]]; then
        rabbit_uri="amqp://${SPRING_RABBITMQ_USERNAME:-guest}:${SPRING_RABBITMQ_PASSWORD:-guest}"
        timeout 60 java -jar "$jar" benchmark delete-namespace "$namespace" \
            --rabbit-uri "$rabbit_uri@$rabbit_host:$rabbit_port" >/dev/null 2>&1 \
            || echo "could not delete the RabbitMQ namespace $namespace" >&2
    fi
    # the run's streams, retry sets and rate-limit buckets: every key under its prefix
    if [[ -n $redis_prefix ]]; then
        timeout 60 redis-cli -u "$redis_url" --scan --pattern "$redis_prefix:*" 2>/dev/null \
            | timeout 60 xargs -r -n 500 redis-cli -u "$redis_url" unlink >/dev/null 2>&1 || true
    fi
    if [[ $mode == embedded && $keep != true ]]; then
        rm -rf "$out/pgdata"
    fi
}
trap cleanup EXIT INT TERM

# profiling: JFR started on every application JVM once it is healthy (start-up excluded), dumped before stopping
jfr_start() {
    [[ $profile == true ]] || return 0
    local pid
    for pid in "${pids[@]}"; do
        jcmd "$pid" JFR.start name=bench settings=profile >/dev/null 2>&1 || echo "JFR could not start on $pid" >&2
    done
}
jfr_dump() {
    [[ $profile == true ]] || return 0
    local pid
    for pid in "${pids[@]}"; do
        jcmd "$pid" JFR.dump name=bench filename="$PWD/$out/app-$pid.jfr" >/dev/null 2>&1 || true
    done
}

await_healthy() {
    local port=$1 pid=$2 name=$3 deadline=$((SECONDS + ${BENCH_START_TIMEOUT:-360}))
    local log=$out/logs/${name//,/+}.log
    until curl -sf -o /dev/null "http://127.0.0.1:$port/api/health"; do
        kill -0 "$pid" 2>/dev/null || { tail -n 30 "$log" >&2; fail "$name exited during start-up"; }
        ((SECONDS < deadline)) || fail "$name did not answer on :$port within ${BENCH_START_TIMEOUT:-360} s (see $log)"
        sleep 1
    done
}

extra=()
if [[ $mode == embedded ]]; then
    port_in_use "$http_port" && fail "port $http_port is taken (set BENCH_HTTP_PORT)"
    port_in_use "$pg_port" && fail "port $pg_port is taken (set BENCH_PG_PORT)"
    # shellcheck disable=SC2046,SC2086
    java ${JAVA_OPTS:--Xmx1g} -jar "$jar" --server.port="$http_port" \
        --orderflow.database.embedded.port="$pg_port" --orderflow.database.embedded.data-dir="$out/pgdata" \
        --orderflow.security.operator.client-secret="$operator_secret" --orderflow.security.data-dir="$out" \
        "--orderflow.database.embedded.server-settings[shared_preload_libraries]=pg_stat_statements" \
        "${limit_args[@]}" --logging.level.io.orderflow=WARN >"$out/logs/embedded.log" 2>&1 </dev/null &
    pids+=($!)
    app_pids=$!
    echo "orderflow (embedded) PID $app_pids, http :$http_port, PostgreSQL :$pg_port, data $out/pgdata"
    await_healthy "$http_port" "$app_pids" embedded
    db_url="jdbc:postgresql://127.0.0.1:$pg_port/postgres"
    # the WAL flushes timed, for the report's WAL flush column (WalFlushes): this server is the run's own
    psql -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -qtA -c "alter system set track_wal_io_timing = on" \
        -c "select pg_reload_conf()" >/dev/null || echo "benchmark: WAL flushes not timed (see above)" >&2
else
    pg_isready -q -h "$pg_host" -p "${PGPORT:-5432}" || fail "PostgreSQL does not answer on $pg_host:${PGPORT:-5432}"
    db="orderflow_bench_${stamp//-/_}"
    redis_prefix="orderflow-bench-$stamp"
    # the modules' profiles and broker settings; the gateway and discovery carry no messages and keep the default
    transport_env=()
    if [[ $transport == rabbitmq ]]; then
        (exec 3<>"/dev/tcp/$rabbit_host/$rabbit_port") 2>/dev/null \
            || fail "RabbitMQ does not answer on $rabbit_host:$rabbit_port"
        namespace="orderflow-bench-$stamp"
    else
        redis-cli -u "$redis_url" ping >/dev/null 2>&1 || fail "Redis does not answer at $redis_url (the transport)"
        transport_env=(SPRING_PROFILES_ACTIVE=distributed,redis ORDERFLOW_REDIS_URL="$redis_url"
            ORDERFLOW_REDIS_PREFIX="$redis_prefix")
    fi
    psql -h "$pg_host" -p "${PGPORT:-5432}" -U "$pg_user" -d postgres -v ON_ERROR_STOP=1 -qtA -c "create database $db" >/dev/null
    # the WAL flushes of this database's sessions timed, for the report's WAL flush column (WalFlushes); setting it
    # takes a superuser, and the run goes on without it
    psql -h "$pg_host" -p "${PGPORT:-5432}" -U "$pg_user" -d postgres -qtA \
        -c "alter database $db set track_wal_io_timing = on" >/dev/null \
        || echo "benchmark: WAL flushes not timed (see above)" >&2
    db_url="jdbc:postgresql://$pg_host:${PGPORT:-5432}/$db"
    # perf-test runs in its own JVM from Maven Central; it is not bundled in the app jar
    extra+=(--transport "$transport")
    if [[ $transport == redis ]]; then
        if command -v redis-benchmark >/dev/null; then
            extra+=(--redis-benchmark "$(command -v redis-benchmark)" --redis-uri "$redis_url")
        else
            echo "redis-benchmark is not on the PATH: no Redis ceiling" >&2
        fi
    elif [[ ! -f target/bench/perf-test/lib/perf-test-2.22.1.jar ]]; then
        echo "Fetching RabbitMQ perf-test 2.22.1 and its dependencies into target/bench/perf-test/lib ..."
        mkdir -p target/bench/perf-test
        cat >target/bench/perf-test/pom.xml <<'EOF'
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>local.bench</groupId><artifactId>perf-test-runner</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies><dependency><groupId>com.rabbitmq</groupId><artifactId>perf-test</artifactId><version>2.22.1</version></dependency></dependencies>
</project>
EOF
        ./mvnw -q -f target/bench/perf-test/pom.xml dependency:copy-dependencies \
            -DoutputDirectory="$PWD/target/bench/perf-test/lib" || echo "perf-test unavailable: no RabbitMQ ceiling" >&2
    fi
    if [[ $transport == rabbitmq && -f target/bench/perf-test/lib/perf-test-2.22.1.jar ]]; then
        extra+=(--perftest-classpath "target/bench/perf-test/lib/*")
    fi
    (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null || fail "Redis does not answer on 127.0.0.1:6379 (the gateway's rate limits)"
    # one JVM per entry, each entry the ORDERFLOW_MODULES of its process; discovery's process first, since every
    # other one registers there
    read -r -a requested <<<"${BENCH_PROCESSES:-discovery order catalog inventory payment shipping notification customer gateway}"
    names=()
    for entry in "${requested[@]}"; do
        [[ ,$entry, == *,discovery,* ]] && names=("$entry" "${names[@]}") || names+=("$entry")
    done
    [[ $(printf '%s\n' "${names[@]}" | grep -c -E '(^|,)discovery(,|$)') == 1 ]] \
        || fail "BENCH_PROCESSES must run discovery in exactly one process: ${names[*]}"
    [[ $(printf '%s\n' "${names[@]}" | grep -c -E '(^|,)gateway(,|$)') == 1 ]] \
        || fail "BENCH_PROCESSES must run the gateway in exactly one process: ${names[*]}"
    # per process: its port (the gateway's on the load's port, discovery's alone on +10, the others on +1, +2, ...)
    # and how many business modules it runs
    ports=()
    module_counts=()
    next_port=$((http_port + 1))
    for name in "${names[@]}"; do
        modules=$(tr ',' '\n' <<<"$name" | grep -c -v -E '^(discovery|gateway)$' || true)
        # a process of several modules registers as "orderflow" (RoleDefaults), which nothing routes to or looks up
        if ((modules > 1)) && tr ',' '\n' <<<"$name" | grep -q -E '^(order|catalog|customer|notification)$'; then
            fail "BENCH_PROCESSES: '$name' would register as \"orderflow\"; the gateway routes to (and the order service looks up) order, catalog, customer and notification by their own names: give each a process of its own"
        fi
        module_counts+=("$modules")
        if [[ ,$name, == *,gateway,* ]]; then
            ports+=("$http_port")
        elif [[ ,$name, == *,discovery,* ]]; then
            ports+=($((http_port + 10)))
        else
            ports+=("$next_port")
            next_port=$((next_port + 1))
        fi
    done
    discovery_port=${ports[0]}
    app_pids=""
    for i in "${!names[@]}"; do
        name=${names[$i]}
        port=${ports[$i]}
        port_in_use "$port" && fail "port $port is taken (set BENCH_HTTP_PORT)"
        # the roles carry no messages and hold no connections; a process of several modules gets a pool for each
        modules=${module_counts[$i]}
        module_env=()
        ((modules == 0)) || module_env=("${transport_env[@]}")
        # shellcheck disable=SC2046,SC2086
        env SPRING_PROFILES_ACTIVE=distributed "${module_env[@]}" ORDERFLOW_MODULES="$name" SERVER_PORT="$port" \
            SPRING_DATASOURCE_URL="$db_url" SPRING_DATASOURCE_USERNAME="$pg_user" \
            SPRING_DATASOURCE_PASSWORD="${PGPASSWORD:-}" SPRING_RABBITMQ_HOST="$rabbit_host" \
            SPRING_RABBITMQ_PORT="$rabbit_port" ORDERFLOW_MESSAGING_RABBITMQ_NAMESPACE="$namespace" \
            ORDERFLOW_DISCOVERY_URL="http://127.0.0.1:$discovery_port/eureka/" \
            ORDERFLOW_RATELIMIT_KEYPREFIX="$redis_prefix:rate-limit:" \
            ORDERFLOW_CATALOG_CACHE_PREFIX="$redis_prefix" \
            ORDERFLOW_SECURITY_OPERATOR_CLIENTSECRET="$operator_secret" ORDERFLOW_SECURITY_DATADIR="$out" \
            "${limit_env[@]}" \
            LOGGING_LEVEL_IO_ORDERFLOW=WARN LOGGING_LEVEL_ORDERFLOW_ACCESS=WARN \
            SPRING_DATASOURCE_HIKARI_MAXIMUM_POOL_SIZE=$((${BENCH_POOL_SIZE:-8} * (modules > 0 ? modules : 1))) \
            java ${JAVA_OPTS:--Xmx384m} -jar "$jar" --eureka.instance.ip-address=127.0.0.1 \
            >"$out/logs/${name//,/+}.log" 2>&1 </dev/null &
        pids+=($!)
        # the gateway and discovery count as application CPU too
        app_pids+="${app_pids:+,}$!"
        echo "orderflow $name PID $! on :$port"
        if ((i == 0)); then
            await_healthy "$port" "$!" "$name"
        fi
    done
    for i in "${!names[@]}"; do
        await_healthy "${ports[$i]}" "${pids[$i]}" "${names[$i]}"
    done
    # the gateway routes once discovery knows every module and their readiness probes pass
    deadline=$((SECONDS + 120))
    until curl -sf -o /dev/null "http://127.0.0.1:$http_port/api/products" \
        && curl -sf -o /dev/null "http://127.0.0.1:$http_port/.well-known/jwks.json"; do
        ((SECONDS < deadline)) || fail "the gateway does not route to the modules within 120 s (see the gateway's log in $out/logs)"
        sleep 1
    done
    if [[ $transport == redis ]]; then
        echo "distributed on Redis Streams: database $db, Redis $redis_url prefix $redis_prefix, gateway :$http_port"
    else
        echo "distributed: database $db, RabbitMQ namespace $namespace, gateway :$http_port"
    fi
fi

jfr_start
set +e
# with BENCH_PROFILE the load generator is recorded too: its CPU is the machine's, taken from the application
loadgen_jfr=()
[[ $profile == true ]] && loadgen_jfr=("-XX:StartFlightRecording=filename=$PWD/$out/load-generator.jfr,settings=profile,dumponexit=true")
java -Xmx512m "${loadgen_jfr[@]}" -jar "$jar" benchmark --mode "$mode" --url "http://127.0.0.1:$http_port" --db-url "$db_url" \
    --db-user "$pg_user" --out "$out" --app-pid "$app_pids" "${extra[@]}" \
    "${bench_args[@]}" 2>&1 | tee "$out/benchmark.log"
status=${PIPESTATUS[0]}
set -e

jfr_dump
cleanup
if [[ $profile == true ]]; then
    shopt -s nullglob
    jfrs=("$out"/app-*.jfr)
    if ((${#jfrs[@]} > 0)); then
        java -jar "$jar" benchmark jfr-summary "${jfrs[@]}" --top 30 >"$out/profile.txt" 2>&1 || true
        echo "Profile: $out/profile.txt"
    fi
    if [[ -f $out/load-generator.jfr ]]; then
        java -jar "$jar" benchmark jfr-summary "$out/load-generator.jfr" --top 30 >"$out/profile-load-generator.txt" 2>&1 \
            || true
        echo "Load generator's profile: $out/profile-load-generator.txt"
    fi
fi
echo "Results: $out (exit $status)"
exit "$status"
