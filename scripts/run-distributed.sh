#!/usr/bin/env bash
# Runs orderflow in distributed mode on this machine: the same jar started once per module, behind one gateway,
# against the local PostgreSQL (127.0.0.1:5432), RabbitMQ (127.0.0.1:5672) and Redis (127.0.0.1:6379, the
# gateway's rate-limit buckets). Stop it with scripts/stop-distributed.sh.
#
#   scripts/run-distributed.sh                                   # gateway on :8080, discovery :8761, modules :8081-8087
#   ORDERFLOW_BASE_PORT=18100 scripts/run-distributed.sh         # gateway on :18100, modules :18101-18107
#   ORDERFLOW_ORDER_INSTANCES=2 scripts/run-distributed.sh       # a second order instance behind the gateway
#   ORDERFLOW_PAYMENT_INSTANCES=2 scripts/run-distributed.sh     # a second payment instance (competing consumer)
#   scripts/run-distributed.sh --transport redis                 # messages on Redis Streams instead of RabbitMQ
#   ORDERFLOW_TRANSPORT=redis scripts/run-distributed.sh         # the same
#
# With the Redis transport the module processes run with the profiles distributed,redis (ADR 0014) on
# ORDERFLOW_REDIS_URL (default redis://127.0.0.1:6379), their streams under ORDERFLOW_REDIS_PREFIX (default
# orderflow); the script does not check for RabbitMQ then. The gateway and discovery carry no messages: they keep
# the profile distributed either way.
#
# Clients use the gateway only: the page, /api/**, /ws/** and /ops/ are all on it. The operator's client secret is
# written by the customer process to data/operator-credentials on first start.
#
# Environment (all optional):
#   ORDERFLOW_BASE_PORT          port of the gateway; module n listens on base+n (default 8080)
#   ORDERFLOW_DISCOVERY_PORT     port of the discovery server (default 8761)
#   ORDERFLOW_ORDER_INSTANCES    order processes to run, extra ones after the last module's port (default 1)
#   ORDERFLOW_PAYMENT_INSTANCES  payment processes to run, extra ones after those (default 1)
#   ORDERFLOW_TRANSPORT          rabbitmq (default) or redis; --transport on the command line wins
#   ORDERFLOW_REDIS_URL / ORDERFLOW_REDIS_PREFIX   the Redis transport's server and key prefix
#   ORDERFLOW_DB                 database name, created if missing (default orderflow)
#   PGHOST / PGPORT / PGUSER / PGPASSWORD   PostgreSQL (default 127.0.0.1 / 5432 / postgres / none)
#   SPRING_RABBITMQ_HOST / _PORT / _USERNAME / _PASSWORD   RabbitMQ (default 127.0.0.1 / 5672 / guest / guest)
#   ORDERFLOW_JAR                the artifact (default target/orderflow.jar, built if missing)
#   ORDERFLOW_START_TIMEOUT      seconds to wait for every /api/health (default 180)
#   JAVA_OPTS                    JVM options per process (default -Xmx384m; add -XX:TieredStopAtLevel=1 for
#                                a run of a few minutes: nine C2 compilers sharing two cores take about twelve
#                                minutes to finish; docs/operations.md, "JVM options")
# Any other orderflow setting can be passed as an environment variable too, e.g.
# ORDERFLOW_PAYMENT_PROVIDER_LATENCY=2s (see docs/configuration.md); every process inherits it.
set -euo pipefail
cd "$(dirname "$0")/.."

transport=${ORDERFLOW_TRANSPORT:-rabbitmq}
while (($# > 0)); do
    case $1 in
        --transport)
            (($# >= 2)) || { echo "run-distributed: --transport needs rabbitmq or redis" >&2; exit 2; }
            transport=$2
            shift 2
            ;;
        --transport=*)
            transport=${1#--transport=}
            shift
            ;;
        *)
            echo "usage: scripts/run-distributed.sh [--transport rabbitmq|redis] (settings: environment, see above)" >&2
            exit 2
            ;;
    esac
done
base_port=${ORDERFLOW_BASE_PORT:-8080}
discovery_port=${ORDERFLOW_DISCOVERY_PORT:-8761}
order_instances=${ORDERFLOW_ORDER_INSTANCES:-1}
payment_instances=${ORDERFLOW_PAYMENT_INSTANCES:-1}
db=${ORDERFLOW_DB:-orderflow}
pg_host=${PGHOST:-127.0.0.1}
pg_port=${PGPORT:-5432}
pg_user=${PGUSER:-postgres}
rabbit_host=${SPRING_RABBITMQ_HOST:-127.0.0.1}
rabbit_port=${SPRING_RABBITMQ_PORT:-5672}
jar=${ORDERFLOW_JAR:-target/orderflow.jar}
timeout=${ORDERFLOW_START_TIMEOUT:-180}
java_opts=${JAVA_OPTS:--Xmx384m}
logs=data/logs
pids=data/pids

modules=(order catalog inventory payment shipping notification customer)

fail() {
    echo "run-distributed: $*" >&2
    exit 1
}

[[ $base_port =~ ^[0-9]+$ ]] || fail "ORDERFLOW_BASE_PORT must be a number, not '$base_port'"
[[ $discovery_port =~ ^[0-9]+$ ]] || fail "ORDERFLOW_DISCOVERY_PORT must be a number, not '$discovery_port'"
[[ $order_instances =~ ^[1-9]$ ]] || fail "ORDERFLOW_ORDER_INSTANCES must be 1-9, not '$order_instances'"
[[ $payment_instances =~ ^[1-9]$ ]] || fail "ORDERFLOW_PAYMENT_INSTANCES must be 1-9, not '$payment_instances'"
[[ $db =~ ^[a-z_][a-z0-9_]*$ ]] || fail "ORDERFLOW_DB must be a plain lower-case identifier, not '$db'"
[[ $transport == rabbitmq || $transport == redis ]] || fail "the transport is rabbitmq or redis, not '$transport'"

port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# --- preconditions --------------------------------------------------------------------------------------
command -v java >/dev/null || fail "java (17+) is not on the PATH"
command -v psql >/dev/null || fail "psql is not on the PATH (it creates the database)"
command -v curl >/dev/null || fail "curl is not on the PATH (it checks /api/health)"
pg_isready -q -h "$pg_host" -p "$pg_port" \
    || fail "PostgreSQL does not answer on $pg_host:$pg_port (start it, e.g. pg_ctlcluster <version> main start)"
if [[ $transport == rabbitmq ]]; then
    (exec 3<>"/dev/tcp/$rabbit_host/$rabbit_port") 2>/dev/null \
        || fail "RabbitMQ does not answer on $rabbit_host:$rabbit_port (start it, e.g. rabbitmq-server -detached)"
fi
redis_url=${ORDERFLOW_RATELIMIT_REDISURL:-redis://127.0.0.1:6379}
redis_address=${redis_url#redis://}
(exec 3<>"/dev/tcp/${redis_address%%:*}/${redis_address##*:}") 2>/dev/null \
    || echo "run-distributed: warning: Redis does not answer at $redis_url; the gateway's rate limiter will fail open for reads and closed for sign-in" >&2
# the modules' profiles: the messages on Redis Streams (the gateway and discovery carry none)
module_profiles=distributed
transport_url=""
if [[ $transport == redis ]]; then
    module_profiles=distributed,redis
    transport_url=${ORDERFLOW_REDIS_URL:-redis://127.0.0.1:6379}
    transport_address=${transport_url#redis://}
    transport_address=${transport_address##*@}
    transport_address=${transport_address%%/*}
    (exec 3<>"/dev/tcp/${transport_address%%:*}/${transport_address##*:}") 2>/dev/null \
        || fail "Redis does not answer at $transport_url (the transport; start it, e.g. redis-server --daemonize yes)"
fi

mkdir -p "$logs" "$pids"
for pid_file in "$pids"/*.pid; do
    [[ -e $pid_file ]] || continue
    if kill -0 "$(cat "$pid_file")" 2>/dev/null; then
        fail "$(basename "$pid_file" .pid) is already running (PID $(cat "$pid_file")); run scripts/stop-distributed.sh first"
    fi
    rm -f "$pid_file"
done

# --- artifact and database ------------------------------------------------------------------------------
if [[ ! -f $jar ]]; then
    echo "Building $jar ..."
    ./mvnw -q package -DskipTests
    [[ -f $jar ]] || fail "the build did not produce $jar"
fi

psql_admin() {
    psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -d postgres -v ON_ERROR_STOP=1 -qtA "$@"
}
if [[ $(psql_admin -c "select 1 from pg_database where datname = '$db'") != 1 ]]; then
    echo "Creating database $db"
    psql_admin -c "create database $db"
fi

# --- processes ------------------------------------------------------------------------------------------
started=()

stop_started() {
    # local: the caller's $name is the process the failure message names
    local name pid
    for name in "${started[@]}"; do
        pid=$(cat "$pids/$name.pid" 2>/dev/null) || continue
        kill "$pid" 2>/dev/null || true
        rm -f "$pids/$name.pid"
    done
}

start() {
    local name=$1 module=$2 port=$3 health=${4:-/api/health} profiles=$module_profiles
    port_in_use "$port" && { stop_started; fail "port $port ($name) is taken; choose another ORDERFLOW_BASE_PORT"; }
    [[ $module == gateway || $module == discovery ]] && profiles=distributed
    local transport_env=()
    [[ -n $transport_url ]] && transport_env=(ORDERFLOW_REDIS_URL="$transport_url")
    # word splitting of JAVA_OPTS is intended: it holds several options
    # shellcheck disable=SC2086
    env "${transport_env[@]}" SPRING_PROFILES_ACTIVE="$profiles" \
        ORDERFLOW_MODULES="$module" \
        SERVER_PORT="$port" \
        SPRING_DATASOURCE_URL="jdbc:postgresql://$pg_host:$pg_port/$db" \
        SPRING_DATASOURCE_USERNAME="$pg_user" \
        SPRING_DATASOURCE_PASSWORD="${PGPASSWORD:-}" \
        SPRING_RABBITMQ_HOST="$rabbit_host" \
        SPRING_RABBITMQ_PORT="$rabbit_port" \
        ORDERFLOW_DISCOVERY_URL="http://127.0.0.1:$discovery_port/eureka/" \
        ORDERFLOW_RATELIMIT_REDISURL="$redis_url" \
        ORDERFLOW_SECURITY_DATADIR="${ORDERFLOW_SECURITY_DATADIR:-data}" \
        nohup java $java_opts -jar "$jar" >"$logs/$name.log" 2>&1 </dev/null &
    echo $! >"$pids/$name.pid"
    started+=("$name")
    printf '  %-14s PID %-7s http://localhost:%s  log %s\n' "$name" "$!" "$port" "$logs/$name.log"
}

await_healthy() {
    local deadline=$((SECONDS + timeout)) name port
    for entry in "$@"; do
        name=${entry%%:*}
        port=${entry##*:}
        until curl -sf -o /dev/null "http://127.0.0.1:$port/api/health"; do
            if ! kill -0 "$(cat "$pids/$name.pid")" 2>/dev/null; then
                tail -n 30 "$logs/$name.log" >&2
                stop_started
                fail "$name exited during start-up (log above, full log in $logs/$name.log)"
            fi
            if ((SECONDS >= deadline)); then
                stop_started
                fail "$name did not answer on :$port/api/health within ${timeout}s (see $logs/$name.log)"
            fi
            sleep 1
        done
    done
}

if [[ $transport == redis ]]; then
    echo "Starting orderflow (distributed) on database $db," \
        "Redis Streams $transport_url prefix ${ORDERFLOW_REDIS_PREFIX:-orderflow}"
else
    echo "Starting orderflow (distributed) on database $db, RabbitMQ $rabbit_host:$rabbit_port"
fi
# discovery first: every other process registers there
start discovery discovery "$discovery_port"
await_healthy "discovery:$discovery_port"

waiting=()
for i in "${!modules[@]}"; do
    start "${modules[$i]}" "${modules[$i]}" $((base_port + 1 + i))
    waiting+=("${modules[$i]}:$((base_port + 1 + i))")
done
start gateway gateway "$base_port"
waiting+=("gateway:$base_port")
await_healthy "${waiting[@]}"

# extra instances start once the first of their module has migrated its schema
waiting=()
next_port=$((base_port + 1 + ${#modules[@]}))
for ((n = 2; n <= order_instances; n++)); do
    start "order-$n" order "$next_port"
    waiting+=("order-$n:$next_port")
    next_port=$((next_port + 1))
done
for ((n = 2; n <= payment_instances; n++)); do
    start "payment-$n" payment "$next_port"
    waiting+=("payment-$n:$next_port")
    next_port=$((next_port + 1))
done
((${#waiting[@]} == 0)) || await_healthy "${waiting[@]}"

cat <<EOF
All processes answer /api/health.
  Shop page and API: http://localhost:$base_port/           (the gateway: the one public entry)
  Operations:        http://localhost:$base_port/ops/
  Discovery:         http://localhost:$discovery_port/       (Eureka: registered instances)
  Operator secret:   ${ORDERFLOW_SECURITY_DATADIR:-data}/operator-credentials (written on the first start)
  Stop:              scripts/stop-distributed.sh
EOF
