#!/usr/bin/env bash
# Stops the processes scripts/run-distributed.sh started, by the PIDs it recorded in data/pids/.
# Each gets SIGTERM (graceful: consumers stop, in-flight transactions finish) and up to
# ORDERFLOW_STOP_TIMEOUT seconds (default 30) before SIGKILL.
set -euo pipefail
cd "$(dirname "$0")/.."

pids=data/pids
timeout=${ORDERFLOW_STOP_TIMEOUT:-30}

shopt -s nullglob
pid_files=("$pids"/*.pid)
if ((${#pid_files[@]} == 0)); then
    echo "Nothing to stop (no PID files in $pids)."
    exit 0
fi

# only signal a PID that still belongs to an orderflow JVM: PIDs are reused once a process is gone
is_ours() {
    local pid=$1
    kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- '-jar .*orderflow'
}

stopping=()
for pid_file in "${pid_files[@]}"; do
    name=$(basename "$pid_file" .pid)
    pid=$(cat "$pid_file")
    if is_ours "$pid"; then
        echo "Stopping $name (PID $pid)"
        kill -TERM "$pid"
        stopping+=("$name:$pid")
    else
        echo "$name (PID $pid) is not running"
        rm -f "$pid_file"
    fi
done

deadline=$((SECONDS + timeout))
for entry in "${stopping[@]}"; do
    name=${entry%%:*}
    pid=${entry##*:}
    while is_ours "$pid" && ((SECONDS < deadline)); do
        sleep 1
    done
    if is_ours "$pid"; then
        echo "$name (PID $pid) did not stop within ${timeout}s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$pids/$name.pid"
done
echo "Stopped."
